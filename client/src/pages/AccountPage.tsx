import { useId, useState, type SubmitEvent } from 'react';
import { limits, type Me } from '@hearth/shared';
import { passwordHint } from '../components/accountHints.ts';
import { Field, FormError, FormSection } from '../components/forms.tsx';
import { Page, PageHeading } from '../components/layout.tsx';
import { api } from '../lib/api.ts';
import { useAuth } from '../lib/auth.tsx';
import { Link, navigate } from '../lib/router.tsx';
import { useSubmit } from '../lib/useSubmit.ts';

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
      {/* Lets password managers file the new password under the right account. */}
      <input
        type="text"
        name="username"
        autoComplete="username"
        value={me.username}
        readOnly
        hidden
      />
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
