import { useId, useRef, useState, type SubmitEvent } from 'react';
import {
  limits,
  type Group,
  type Invite,
  type Me,
  type Session,
  type SessionList,
} from '@hearth/shared';
import { Field, FormError, FormSection, StatusMessage } from '../components/forms.tsx';
import { LoadError, Loading, Page, PageHeading } from '../components/layout.tsx';
import { api, ApiRequestError } from '../lib/api.ts';
import {
  formatDateTime,
  formatEnd,
  formatLongDateTime,
  isFacilitatorRole,
  roleInWords,
} from '../lib/format.ts';
import { Link } from '../lib/router.tsx';
import { useAsync } from '../lib/useAsync.ts';
import { useSubmit } from '../lib/useSubmit.ts';

const statusWords: Record<Session['status'], string> = {
  scheduled: 'Not started yet',
  open: 'Open now',
  closed: 'Ended',
};

const durationHint =
  `Between ${String(limits.sessionDurationMinutesMin)} and ` +
  `${String(limits.sessionDurationMinutesMax)} minutes. The room opens as soon as you start it.`;

const statusOrder: Record<Session['status'], number> = { open: 0, scheduled: 1, closed: 2 };

function sortSessions(sessions: readonly Session[]): Session[] {
  return [...sessions].sort(
    (a, b) =>
      statusOrder[a.status] - statusOrder[b.status] ||
      (a.status === 'scheduled'
        ? a.startsAt.localeCompare(b.startsAt)
        : b.startsAt.localeCompare(a.startsAt)),
  );
}

interface GroupData {
  group: Group;
  sessions: SessionList['sessions'];
}

async function loadGroup(groupId: string): Promise<GroupData> {
  const [{ groups }, { sessions }] = await Promise.all([api.groups(), api.sessions(groupId)]);
  const group = groups.find((g) => g.id === groupId);
  if (!group) {
    throw new ApiRequestError('not_found', 'We could not find this group.', 404);
  }
  return { group, sessions };
}

export function GroupPage({ groupId, me }: { groupId: string; me: Me }) {
  const data = useAsync(`group:${groupId}:${me.id}`, () => loadGroup(groupId));

  if (data.state.status === 'loading') {
    return (
      <Page title="Group">
        <Loading />
      </Page>
    );
  }
  if (data.state.status === 'error') {
    return (
      <Page title="Group">
        <LoadError error={data.state.error} onRetry={data.reload} />
      </Page>
    );
  }

  const { group, sessions } = data.state.data;
  const canLead = isFacilitatorRole(group.myRole) || me.isOrganiser;
  // The server lets only the group's own people into its rooms; an organiser who is not one of
  // them runs the group from here but does not read what is said in it.
  const canEnter = group.myRole !== null;

  function addSession(session: Session) {
    data.update((current) => ({
      ...current,
      sessions: [session, ...current.sessions.filter((s) => s.id !== session.id)],
    }));
  }

  return (
    <Page title="Group">
      <p className="breadcrumb">
        <Link to="/">Your groups</Link>
      </p>
      <PageHeading>{group.name}</PageHeading>
      {group.description && <p className="prose lead">{group.description}</p>}
      <p className="meta">
        You are here as {roleInWords(group, me.isOrganiser).toLowerCase()}
        {group.myPseudonym ? `, named ${group.myPseudonym}` : ''}.
      </p>

      <SessionsSection sessions={sessions} canEnter={canEnter} />

      {canLead && (
        <>
          <StartSessionForm groupId={group.id} canEnter={canEnter} onStarted={addSession} />
          <InviteSection groupId={group.id} />
        </>
      )}
    </Page>
  );
}

function SessionsSection({
  sessions,
  canEnter,
}: {
  sessions: readonly Session[];
  canEnter: boolean;
}) {
  const headingId = useId();
  const idPrefix = useId();
  return (
    <section className="section" aria-labelledby={headingId}>
      <h2 id={headingId}>Sessions</h2>
      {!canEnter && (
        <p className="meta">
          Rooms are for the group’s members and facilitators.
        </p>
      )}
      {sessions.length === 0 ? (
        <p className="empty">There are no sessions yet.</p>
      ) : (
        <ul className="card-list">
          {sortSessions(sessions).map((session) => {
            const titleId = `${idPrefix}-${session.id}`;
            return (
              <li key={session.id} className={`card session session-${session.status}`}>
                <div className="session-head">
                  <h3 id={titleId} className="card-title">
                    {session.title}
                  </h3>
                  <span className={`badge badge-${session.status}`}>
                    {statusWords[session.status]}
                  </span>
                </div>
                <p className="meta">
                  <time dateTime={session.startsAt}>{formatDateTime(session.startsAt)}</time>
                  {' – '}
                  <time dateTime={session.endsAt}>
                    {formatEnd(session.startsAt, session.endsAt)}
                  </time>
                </p>
                {canEnter && session.status === 'open' && (
                  <p className="actions">
                    <Link
                      to={`/rooms/${session.id}`}
                      state={{ groupId: session.groupId }}
                      className="button-link"
                      aria-describedby={titleId}
                    >
                      Enter room
                    </Link>
                  </p>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

function StartSessionForm({
  groupId,
  canEnter,
  onStarted,
}: {
  groupId: string;
  canEnter: boolean;
  onStarted: (session: Session) => void;
}) {
  const [title, setTitle] = useState('');
  const [duration, setDuration] = useState('90');
  const [done, setDone] = useState<string | null>(null);
  const { pending, error, run } = useSubmit();

  function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    setDone(null);
    void run(async () => {
      const session = await api.createSession(groupId, {
        title: title.trim(),
        durationMinutes: Number(duration),
      });
      onStarted(session);
      setTitle('');
      setDone(
        canEnter
          ? `“${session.title}” is open now. Use “Enter room” in the list above to go in.`
          : `“${session.title}” is open now for the group’s members and facilitators.`,
      );
    });
  }

  return (
    <FormSection
      title="Start a session"
      submitLabel="Start a session now"
      onSubmit={submit}
      pending={pending}
      error={error}
      done={done}
    >
      <Field
        label="Session title"
        name="title"
        required
        maxLength={limits.sessionTitleMax}
        value={title}
        onChange={(event) => {
          setTitle(event.target.value);
        }}
      />
      <Field
        label="Duration (minutes)"
        name="durationMinutes"
        type="number"
        inputMode="numeric"
        required
        min={limits.sessionDurationMinutesMin}
        max={limits.sessionDurationMinutesMax}
        step={1}
        hint={durationHint}
        value={duration}
        onChange={(event) => {
          setDuration(event.target.value);
        }}
      />
    </FormSection>
  );
}

function InviteSection({ groupId }: { groupId: string }) {
  const headingId = useId();
  const linkInput = useRef<HTMLInputElement>(null);
  const [invite, setInvite] = useState<Invite | null>(null);
  const [copied, setCopied] = useState<string | null>(null);
  const { pending, error, run } = useSubmit();

  const link = invite ? `${location.origin}/invite#${invite.code}` : '';

  function createInvite() {
    setCopied(null);
    void run(async () => {
      setInvite(await api.createInvite(groupId));
    });
  }

  async function copy() {
    try {
      await navigator.clipboard.writeText(link);
      setCopied('Copied. Share it privately with the person you are inviting.');
    } catch {
      // Clipboard access can be refused; selecting the text leaves copying by hand one step away.
      linkInput.current?.select();
    }
  }

  return (
    <section className="section" aria-labelledby={headingId}>
      <h2 id={headingId}>Invite a member</h2>
      <div className="stack card">
        <p>
          An invite link lets one person join this group under a name they choose. Send it to them
          privately.
        </p>
        <div className="actions">
          <button
            type="button"
            className={invite ? 'button-secondary' : undefined}
            onClick={createInvite}
            disabled={pending}
          >
            Invite someone
          </button>
        </div>
        <FormError message={error} />
        {invite && (
          <>
            <div className="field">
              <label htmlFor={`${headingId}-link`}>Invite link</label>
              <div className="copy-row">
                <input
                  id={`${headingId}-link`}
                  ref={linkInput}
                  readOnly
                  value={link}
                  aria-describedby={`${headingId}-expiry`}
                  onFocus={(event) => {
                    event.currentTarget.select();
                  }}
                />
                <button type="button" className="button-secondary" onClick={() => void copy()}>
                  Copy
                </button>
              </div>
              <p id={`${headingId}-expiry`} className="hint">
                This link stops working on{' '}
                <time dateTime={invite.expiresAt}>{formatLongDateTime(invite.expiresAt)}</time>.
              </p>
            </div>
          </>
        )}
        <StatusMessage message={copied} />
      </div>
    </section>
  );
}
