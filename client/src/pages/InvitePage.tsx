import { useState, type SubmitEvent } from 'react';
import type { InvitePreview, Me } from '@hearth/shared';
import { CredentialFields, FormError, PseudonymField } from '../components/forms.tsx';
import { LoadError, Loading, Page, PageHeading } from '../components/layout.tsx';
import { api } from '../lib/api.ts';
import { useAuth } from '../lib/auth.tsx';
import { forgetInviteCode, keepInviteCode, keptInviteCode } from '../lib/inviteCode.ts';
import { Link, navigate, readHashSecret, useLocation } from '../lib/router.tsx';
import { useAsync } from '../lib/useAsync.ts';
import { useSubmit } from '../lib/useSubmit.ts';

export function InvitePage() {
  const { state: auth, retry } = useAuth();
  const { hash } = useLocation();
  // Coming back from logging in, the code is not in the address (see keepInviteCode).
  const [kept] = useState(keptInviteCode);
  const code = readHashSecret(hash) || kept;
  const preview = useAsync(`invite:${code}`, () =>
    code === '' ? Promise.resolve(null) : api.previewInvite(code),
  );

  let body;
  if (code === '') {
    body = (
      <p className="notice">
        This invite link looks incomplete. Please open the full link you were sent, including the
        part after the “#”.
      </p>
    );
  } else if (preview.state.status === 'loading' || auth.status === 'loading') {
    body = <Loading label="Opening your invite…" />;
  } else if (preview.state.status === 'error') {
    body = <LoadError error={preview.state.error} onRetry={preview.reload} />;
  } else if (auth.status === 'error') {
    body = <LoadError error={auth.error} onRetry={retry} />;
  } else if (preview.state.data) {
    body = (
      <JoinForm
        code={code}
        preview={preview.state.data}
        me={auth.status === 'signedIn' ? auth.me : null}
      />
    );
  }

  const groupName = preview.state.status === 'ready' ? preview.state.data?.groupName : undefined;
  return (
    <Page title="Invitation">
      <PageHeading>
        {groupName ? `You have been invited to join ${groupName}` : 'Your invitation'}
      </PageHeading>
      {body}
    </Page>
  );
}

function JoinForm({ code, preview, me }: { code: string; preview: InvitePreview; me: Me | null }) {
  const { setMe } = useAuth();
  const [pseudonym, setPseudonym] = useState('');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const { pending, error, run } = useSubmit();

  function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    void run(async () => {
      const result = await api.redeemInvite({
        code,
        pseudonym: pseudonym.trim(),
        account: me ? undefined : { username: username.trim(), password },
      });
      forgetInviteCode();
      // Replacing the entry keeps the invite code out of the back button's history.
      navigate(`/groups/${result.group.id}`, { replace: true });
      setMe(result.me);
    });
  }

  return (
    <>
      {preview.groupDescription && <p className="prose lead">{preview.groupDescription}</p>}
      <form className="stack card" onSubmit={submit}>
        <PseudonymField value={pseudonym} onValueChange={setPseudonym} />
        {me ? (
          <p className="meta">You will join with the account you are logged in with.</p>
        ) : (
          <fieldset className="stack">
            <legend>Your new account</legend>
            <p className="hint">You use these only to log in. Nobody in the group sees them.</p>
            <CredentialFields
              account="new"
              username={username}
              password={password}
              onUsernameChange={setUsername}
              onPasswordChange={setPassword}
            />
          </fieldset>
        )}
        <FormError message={error} />
        <div className="actions">
          <button type="submit" disabled={pending}>
            Join the group
          </button>
        </div>
      </form>
      {!me && (
        <p className="aside">
          Already have an account?{' '}
          <Link
            to={`/login?next=${encodeURIComponent('/invite')}`}
            onClick={() => {
              keepInviteCode(code);
            }}
          >
            Log in
          </Link>
        </p>
      )}
    </>
  );
}
