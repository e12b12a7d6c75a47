import { useState, type SubmitEvent } from 'react';
import type { InvitePreview, Me, RedeemInviteResult } from '@hearth/shared';
import { CredentialFields, Field, FormError, PseudonymField } from '../components/forms.tsx';
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
  // Someone who now waits for approval or a place stays here to read where they stand.
  const [joined, setJoined] = useState<RedeemInviteResult | null>(null);

  if (joined) {
    return (
      <Page title="Invitation">
        <PageHeading key="joined">
          {joined.group.myStatus === 'waitlisted'
            ? 'You are on the waitlist'
            : 'Your request to join has been sent'}
        </PageHeading>
        <JoinedNotice result={joined} />
      </Page>
    );
  }

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
        onWaiting={setJoined}
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

function JoinedNotice({ result }: { result: RedeemInviteResult }) {
  const { group } = result;
  const waitlisted = group.myStatus === 'waitlisted';
  // The place on the list is only in the group's details; without it the rest still holds.
  const detail = useAsync(`joined:${group.id}:${result.me.id}`, () =>
    waitlisted ? api.group(group.id).catch(() => null) : Promise.resolve(null),
  );
  const position =
    detail.state.status === 'ready' ? (detail.state.data?.myWaitlistPosition ?? null) : null;

  return (
    <div className="stack">
      {waitlisted ? (
        <div className="notice">
          <p>
            <strong>{group.name}</strong> is full at the moment, so you have a place on its
            waitlist{group.myPseudonym ? ` as ${group.myPseudonym}` : ''}.
            {position !== null && ` You are number ${String(position)} on the list.`}
          </p>
          <p>When a place opens up, you can join the sessions. You do not need to do anything.</p>
        </div>
      ) : (
        <div className="notice">
          <p>
            You have asked to join <strong>{group.name}</strong>
            {group.myPseudonym ? ` as ${group.myPseudonym}` : ''}. The group’s facilitators
            approve new members before they take part.
          </p>
          <p>Once you are approved, you can join the sessions. You do not need to do anything.</p>
        </div>
      )}
      <p className="actions">
        <Link to={`/groups/${group.id}`} className="button-link">
          See the group
        </Link>
        <Link to="/" className="button-link button-secondary">
          Go to your groups
        </Link>
      </p>
    </div>
  );
}

function JoinForm({
  code,
  preview,
  me,
  onWaiting,
}: {
  code: string;
  preview: InvitePreview;
  me: Me | null;
  onWaiting: (result: RedeemInviteResult) => void;
}) {
  const { setMe } = useAuth();
  const [pseudonym, setPseudonym] = useState('');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [email, setEmail] = useState('');
  const { pending, error, run } = useSubmit();

  function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    void run(async () => {
      const result = await api.redeemInvite({
        code,
        pseudonym: pseudonym.trim(),
        account: me
          ? undefined
          : {
              username: username.trim(),
              password,
              ...(email.trim() === '' ? {} : { email: email.trim() }),
            },
      });
      forgetInviteCode();
      // Replacing the entry keeps the invite code out of the back button's history.
      if (result.group.myStatus === 'pending' || result.group.myStatus === 'waitlisted') {
        navigate('/invite', { replace: true });
        onWaiting(result);
      } else {
        navigate(`/groups/${result.group.id}`, { replace: true, state: { joined: true } });
      }
      setMe(result.me);
    });
  }

  return (
    <>
      {preview.groupDescription && <p className="prose lead">{preview.groupDescription}</p>}
      {preview.role === 'facilitator' && (
        <p className="meta">This invite is for a facilitator of the group.</p>
      )}
      {preview.full && preview.role === 'participant' ? (
        <p className="notice">
          The group is full at the moment. If you join now, you will have a place on its waitlist
          and can take part once a place opens up.
        </p>
      ) : (
        preview.approvalRequired &&
        preview.role === 'participant' && (
          <p className="notice">
            The group’s facilitators approve new members before they take part, so after joining
            you may wait a little while.
          </p>
        )
      )}
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
            <Field
              label="Email (optional)"
              name="email"
              type="email"
              autoComplete="email"
              autoCapitalize="none"
              spellCheck={false}
              maxLength={254}
              hint="Hearth works without it. Nobody in the group sees it."
              value={email}
              onChange={(event) => {
                setEmail(event.target.value);
              }}
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
