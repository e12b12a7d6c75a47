import { useState, type SubmitEvent } from 'react';
import { CredentialFields, FormError } from '../components/forms.tsx';
import { LoadError, Loading, Page, PageHeading } from '../components/layout.tsx';
import { api } from '../lib/api.ts';
import { useAuth } from '../lib/auth.tsx';
import { Link, navigate, readHashSecret, useLocation } from '../lib/router.tsx';
import { useAsync } from '../lib/useAsync.ts';
import { useSubmit } from '../lib/useSubmit.ts';

export function SetupPage() {
  const { setMe } = useAuth();
  const { hash } = useLocation();
  const token = readHashSecret(hash);
  const status = useAsync('setup', () => api.setupStatus());
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const { pending, error, run } = useSubmit();

  function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    void run(async () => {
      const me = await api.setup({ token, username: username.trim(), password });
      // Replacing the entry keeps the one-time token out of the back button's history.
      navigate('/', { replace: true });
      setMe(me);
    });
  }

  let body;
  if (status.state.status === 'loading') {
    body = <Loading />;
  } else if (status.state.status === 'error') {
    body = <LoadError error={status.state.error} onRetry={status.reload} />;
  } else if (!status.state.data.needed) {
    body = (
      <>
        <p>Hearth is already set up.</p>
        <p>
          <Link to="/login">Log in</Link>
        </p>
      </>
    );
  } else if (token === '') {
    body = (
      <p className="notice">
        This page needs the complete set-up link, including the part after the “#”. You can find
        it in the server’s log from its first start.
      </p>
    );
  } else {
    body = (
      <>
        <p className="lead">
          Create the first organiser account. Organisers create groups and invite facilitators.
        </p>
        <form className="stack card" onSubmit={submit}>
          <CredentialFields
            account="new"
            username={username}
            password={password}
            onUsernameChange={setUsername}
            onPasswordChange={setPassword}
          />
          <FormError message={error} />
          <div className="actions">
            <button type="submit" disabled={pending}>
              Create organiser account
            </button>
          </div>
        </form>
      </>
    );
  }

  return (
    <Page title="Set up">
      <PageHeading>Set up Hearth</PageHeading>
      {body}
    </Page>
  );
}
