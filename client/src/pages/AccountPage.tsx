import { useId, useState, type SubmitEvent } from 'react';
import { limits, type Me } from '@hearth/shared';
import { passwordHint } from '../components/accountHints.ts';
import { CheckboxField, Field, FormError, FormSection } from '../components/forms.tsx';
import { Loading, Page, PageHeading, Redirect } from '../components/layout.tsx';
import { api } from '../lib/api.ts';
import { useAuth } from '../lib/auth.tsx';
import { erasedPath } from '../lib/paths.ts';
import { Link, navigate } from '../lib/router.tsx';
import { useSubmit } from '../lib/useSubmit.ts';

/** Lets a password manager file or fill in the password under the right account. */
function AccountName({ username }: { username: string }) {
  return <input type="text" name="username" autoComplete="username" value={username} readOnly hidden />;
}

export function AccountPage({ me }: { me: Me }) {
  return (
    <Page title="Account">
      <p className="breadcrumb">
        <Link to="/">Your groups</Link>
      </p>
      <PageHeading>Your account</PageHeading>
      <p className="meta">
        You log in as <strong>{me.username}</strong>. Nobody in your groups sees your username or
        your email.
      </p>
      <EmailForm me={me} />
      <PasswordForm me={me} />
      <LogOutEverywhere />
      <EraseAccount me={me} />
    </Page>
  );
}

function EmailForm({ me }: { me: Me }) {
  const { setMe } = useAuth();
  const [email, setEmail] = useState(me.email ?? '');
  const [done, setDone] = useState<string | null>(null);
  const { pending, error, run } = useSubmit();

  function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    setDone(null);
    const wanted = email.trim() === '' ? null : email.trim();
    void run(async () => {
      const updated = await api.updateMe({ email: wanted });
      setMe(updated);
      setEmail(updated.email ?? '');
      setDone(updated.email ? 'Your email is saved.' : 'Your account no longer has an email.');
    });
  }

  return (
    <FormSection
      title="Email"
      submitLabel="Save email"
      onSubmit={submit}
      pending={pending}
      error={error}
      done={done}
    >
      <Field
        label="Email (optional)"
        name="email"
        type="email"
        autoComplete="email"
        autoCapitalize="none"
        spellCheck={false}
        maxLength={254}
        hint="Hearth works without it. Leave it empty to remove it."
        value={email}
        onChange={(event) => {
          setEmail(event.target.value);
        }}
      />
    </FormSection>
  );
}

function PasswordForm({ me }: { me: Me }) {
  const [currentPassword, setCurrentPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const { pending, error, run } = useSubmit();

  function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    setDone(null);
    void run(async () => {
      await api.changePassword({ currentPassword, newPassword });
      setCurrentPassword('');
      setNewPassword('');
      setDone(
        'Your password is changed. Any other places you were logged in have been logged out; ' +
          'you stay logged in here.',
      );
    });
  }

  return (
    <FormSection
      title="Change password"
      submitLabel="Change password"
      onSubmit={submit}
      pending={pending}
      error={error}
      done={done}
    >
      <AccountName username={me.username} />
      <Field
        label="Current password"
        name="currentPassword"
        type="password"
        autoComplete="current-password"
        required
        maxLength={limits.passwordMax}
        value={currentPassword}
        onChange={(event) => {
          setCurrentPassword(event.target.value);
        }}
      />
      <Field
        label="New password"
        name="newPassword"
        type="password"
        autoComplete="new-password"
        required
        minLength={limits.passwordMin}
        maxLength={limits.passwordMax}
        hint={passwordHint}
        value={newPassword}
        onChange={(event) => {
          setNewPassword(event.target.value);
        }}
      />
    </FormSection>
  );
}

function LogOutEverywhere() {
  const headingId = useId();
  const { setMe } = useAuth();
  const { pending, error, run } = useSubmit();

  function logOutEverywhere() {
    void run(async () => {
      await api.logoutEverywhere();
      navigate('/login', { replace: true });
      setMe(null);
    });
  }

  return (
    <section className="section" aria-labelledby={headingId}>
      <h2 id={headingId}>Logins on other devices</h2>
      <div className="stack card">
        <p>
          If you logged in somewhere you no longer trust, such as a shared computer, you can end
          every login to your account at once, including this one. You can log in again straight
          away.
        </p>
        <FormError message={error} />
        <div className="actions">
          <button type="button" onClick={logOutEverywhere} disabled={pending}>
            Log out everywhere
          </button>
        </div>
      </div>
    </section>
  );
}

function EraseAccount({ me }: { me: Me }) {
  const headingId = useId();
  const { setMe } = useAuth();
  const [password, setPassword] = useState('');
  const [understood, setUnderstood] = useState(false);
  const { pending, error, run } = useSubmit();

  function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!understood) return;
    void run(async () => {
      await api.eraseAccount({ password });
      // The server has already ended the login; this page must not wait for anything else.
      setMe(null);
      navigate(erasedPath, { replace: true });
    });
  }

  return (
    <section className="section" aria-labelledby={headingId}>
      <h2 id={headingId}>Erase my account</h2>
      <div className="prose-blocks">
        <p>
          Erasing your account removes you from Hearth for good. It happens straight away, in
          every group at once, and it cannot be undone.
        </p>
        <h3>What is erased</h3>
        <ul>
          <li>
            Everything you wrote, in every group: your messages, your private messages to
            facilitators, your reports and your check-in answers.
          </li>
          <li>Your names in your groups, and your place in each group.</li>
          <li>Your account: your username, your password, and your email if you gave one.</li>
        </ul>
        <p>Where your messages were, others will see “A message that was removed”.</p>
        <h3>What stays</h3>
        <ul>
          <li>
            The records facilitators and organisers keep of what was done in a group, such as who
            was let into a room. Your name is taken out of them.
          </li>
          <li>The totals of the anonymous check-outs after sessions, which never showed who answered.</li>
        </ul>
        {me.isOrganiser && (
          <p>
            Hearth always needs an organiser. If you are the only one, another organiser is needed
            before your account can be erased.
          </p>
        )}
      </div>
      <form className="stack card" onSubmit={submit}>
        <AccountName username={me.username} />
        <Field
          label="Your password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          maxLength={limits.passwordMax}
          hint="Asked again, so that nobody else can erase your account."
          value={password}
          onChange={(event) => {
            setPassword(event.target.value);
          }}
        />
        <CheckboxField
          label="I understand this cannot be undone"
          name="understood"
          required
          checked={understood}
          onChange={(event) => {
            setUnderstood(event.target.checked);
          }}
        />
        <FormError message={error} />
        <div className="actions">
          <button type="submit" disabled={pending || !understood}>
            Erase my account
          </button>
        </div>
      </form>
    </section>
  );
}

/** Said once the account is gone; reached only by erasing it, so it needs nobody logged in. */
export function AccountErasedPage() {
  const { state } = useAuth();
  if (state.status === 'loading') {
    return (
      <Page title="Account">
        <Loading />
      </Page>
    );
  }
  // Someone logged in did not just erase their account; this page has nothing to tell them.
  if (state.status === 'signedIn') return <Redirect to="/" />;
  return (
    <Page title="Account">
      <PageHeading>Your account is erased</PageHeading>
      <p>
        Your account, your names in your groups and everything you wrote are gone from Hearth. You
        are logged out.
      </p>
      <p>
        Your browser may still keep Hearth’s address in its history. You can clear that in your
        browser’s settings.
      </p>
      <p>
        <Link to="/">Go to the start page</Link>
      </p>
    </Page>
  );
}
