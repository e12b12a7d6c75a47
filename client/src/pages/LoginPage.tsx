import { useState, type SubmitEvent } from 'react';
import { CredentialFields, FormError } from '../components/forms.tsx';
import { Loading, Page, PageHeading, Redirect } from '../components/layout.tsx';
import { api } from '../lib/api.ts';
import { useAuth } from '../lib/auth.tsx';
import { navigate, safeReturnPath, useLocation } from '../lib/router.tsx';
import { useSubmit } from '../lib/useSubmit.ts';

export function LoginPage() {
  const { state, setMe } = useAuth();
  const { search } = useLocation();
  const next = safeReturnPath(search.get('next'));
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const { pending, error, run } = useSubmit();

  if (state.status === 'loading') {
    return (
      <Page title="Log in">
        <Loading />
      </Page>
    );
  }
  if (state.status === 'signedIn' && !pending) return <Redirect to={next} />;

  function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    void run(async () => {
      const me = await api.login({ username: username.trim(), password });
      navigate(next, { replace: true });
      setMe(me);
    });
  }

  return (
    <Page title="Log in">
      <PageHeading>Log in</PageHeading>
      <p className="lead">Welcome back. Take your time.</p>
      <form className="stack card" onSubmit={submit}>
        <CredentialFields
          account="existing"
          username={username}
          password={password}
          onUsernameChange={setUsername}
          onPasswordChange={setPassword}
        />
        <FormError message={error} />
        <div className="actions">
          <button type="submit" disabled={pending}>
            Log in
          </button>
        </div>
      </form>
      <p className="aside">
        New to Hearth? Accounts are made from an invite link that a facilitator shares with you.
      </p>
    </Page>
  );
}
