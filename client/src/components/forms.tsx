import {
  useId,
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  type SubmitEventHandler,
  type TextareaHTMLAttributes,
} from 'react';
import { limits } from '@hearth/shared';
import { passwordHint, usernameHint, usernamePattern } from './accountHints.ts';
import { pseudonymHint } from './pseudonymHint.ts';

type FieldProps = InputHTMLAttributes<HTMLInputElement> & { label: string; hint?: ReactNode };

export function Field({ label, hint, id, ...input }: FieldProps) {
  const autoId = useId();
  const inputId = id ?? autoId;
  const hintId = hint ? `${inputId}-hint` : undefined;
  return (
    <div className="field">
      <label htmlFor={inputId}>{label}</label>
      {hint && (
        <p id={hintId} className="hint">
          {hint}
        </p>
      )}
      <input id={inputId} aria-describedby={hintId} {...input} />
    </div>
  );
}

type TextAreaFieldProps = TextareaHTMLAttributes<HTMLTextAreaElement> & {
  label: string;
  hint?: ReactNode;
};

export function TextAreaField({ label, hint, id, ...textarea }: TextAreaFieldProps) {
  const autoId = useId();
  const inputId = id ?? autoId;
  const hintId = hint ? `${inputId}-hint` : undefined;
  return (
    <div className="field">
      <label htmlFor={inputId}>{label}</label>
      {hint && (
        <p id={hintId} className="hint">
          {hint}
        </p>
      )}
      <textarea id={inputId} aria-describedby={hintId} {...textarea} />
    </div>
  );
}

type SelectFieldProps = SelectHTMLAttributes<HTMLSelectElement> & {
  label: string;
  hint?: ReactNode;
};

export function SelectField({ label, hint, id, children, ...select }: SelectFieldProps) {
  const autoId = useId();
  const inputId = id ?? autoId;
  const hintId = hint ? `${inputId}-hint` : undefined;
  return (
    <div className="field">
      <label htmlFor={inputId}>{label}</label>
      {hint && (
        <p id={hintId} className="hint">
          {hint}
        </p>
      )}
      <select id={inputId} aria-describedby={hintId} {...select}>
        {children}
      </select>
    </div>
  );
}

type CheckboxFieldProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'type'> & {
  label: string;
  hint?: ReactNode;
};

/** A checkbox with its label beside it; the whole label is a comfortable target. */
export function CheckboxField({ label, hint, id, ...input }: CheckboxFieldProps) {
  const autoId = useId();
  const inputId = id ?? autoId;
  const hintId = hint ? `${inputId}-hint` : undefined;
  return (
    <div className="check">
      <input id={inputId} type="checkbox" aria-describedby={hintId} {...input} />
      <div>
        <label htmlFor={inputId}>{label}</label>
        {hint && (
          <p id={hintId} className="hint">
            {hint}
          </p>
        )}
      </div>
    </div>
  );
}

interface CredentialFieldsProps {
  account: 'new' | 'existing';
  username: string;
  password: string;
  onUsernameChange: (username: string) => void;
  onPasswordChange: (password: string) => void;
}

/**
 * The rules and hints are there to help someone choose; someone logging in only needs to type
 * what they already have, so for them the browser checks no more than the length.
 */
export function CredentialFields({
  account,
  username,
  password,
  onUsernameChange,
  onPasswordChange,
}: CredentialFieldsProps) {
  const isNew = account === 'new';
  return (
    <>
      <Field
        label="Username"
        name="username"
        autoComplete="username"
        autoCapitalize="none"
        spellCheck={false}
        required
        minLength={isNew ? limits.usernameMin : undefined}
        maxLength={limits.usernameMax}
        pattern={isNew ? usernamePattern : undefined}
        hint={isNew ? usernameHint : undefined}
        value={username}
        onChange={(event) => {
          onUsernameChange(event.target.value);
        }}
      />
      <Field
        label="Password"
        name="password"
        type="password"
        autoComplete={isNew ? 'new-password' : 'current-password'}
        required
        minLength={isNew ? limits.passwordMin : undefined}
        maxLength={limits.passwordMax}
        hint={isNew ? passwordHint : undefined}
        value={password}
        onChange={(event) => {
          onPasswordChange(event.target.value);
        }}
      />
    </>
  );
}

export function PseudonymField({
  value,
  onValueChange,
  note,
}: {
  value: string;
  onValueChange: (pseudonym: string) => void;
  note?: string;
}) {
  return (
    <Field
      label="Your name in this group"
      name="pseudonym"
      required
      autoComplete="off"
      minLength={limits.pseudonymMin}
      maxLength={limits.pseudonymMax}
      hint={note ? `${pseudonymHint} ${note}` : pseudonymHint}
      value={value}
      onChange={(event) => {
        onValueChange(event.target.value);
      }}
    />
  );
}

/** A problem with what the person just tried; announced right away. */
export function FormError({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <p className="notice notice-error" role="alert">
      {message}
    </p>
  );
}

/**
 * A polite live region that is always in the page: screen readers only announce changes to a
 * region that already existed before the text appeared.
 */
export function StatusMessage({ message }: { message: string | null }) {
  return (
    <p className={message ? 'notice notice-success' : 'visually-hidden'} role="status">
      {message ?? ''}
    </p>
  );
}

export function FormSection({
  title,
  intro,
  submitLabel,
  onSubmit,
  pending,
  error,
  done,
  children,
}: {
  title: string;
  intro?: ReactNode;
  submitLabel: string;
  onSubmit: SubmitEventHandler<HTMLFormElement>;
  pending: boolean;
  error: string | null;
  done: string | null;
  children: ReactNode;
}) {
  const headingId = useId();
  return (
    <section className="section" aria-labelledby={headingId}>
      <h2 id={headingId}>{title}</h2>
      {intro}
      <form className="stack card" onSubmit={onSubmit}>
        {children}
        <FormError message={error} />
        <StatusMessage message={done} />
        <div className="actions">
          <button type="submit" disabled={pending}>
            {submitLabel}
          </button>
        </div>
      </form>
    </section>
  );
}

const durationRange =
  `Between ${String(limits.sessionDurationMinutesMin)} and ` +
  `${String(limits.sessionDurationMinutesMax)} minutes.`;

/** A session's length in minutes, within the limits the server applies. */
export function DurationField({
  value,
  onValueChange,
  note,
  showRange = true,
}: {
  value: string;
  onValueChange: (value: string) => void;
  note?: string;
  showRange?: boolean;
}) {
  return (
    <Field
      label="Duration (minutes)"
      name="durationMinutes"
      type="number"
      inputMode="numeric"
      required
      min={limits.sessionDurationMinutesMin}
      max={limits.sessionDurationMinutesMax}
      step={1}
      {...(showRange ? { hint: note ? `${durationRange} ${note}` : durationRange } : {})}
      value={value}
      onChange={(event) => {
        onValueChange(event.target.value);
      }}
    />
  );
}

/** A session's title, within the limit the server applies. */
export function SessionTitleField({ value, onValueChange }: { value: string; onValueChange: (value: string) => void }) {
  return (
    <Field
      label="Session title"
      name="title"
      required
      maxLength={limits.sessionTitleMax}
      value={value}
      onChange={(event) => {
        onValueChange(event.target.value);
      }}
    />
  );
}
