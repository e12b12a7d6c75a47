import { lazy, Suspense, useEffect, useId, useRef, useState, type SubmitEvent } from 'react';
import {
  type Agreement,
  type CrisisResource,
  type GroupDetail,
  type Invite,
  type Me,
  type Session,
} from '@hearth/shared';
import { ConfirmAction } from '../components/confirm.tsx';
import { CrisisResourceList } from '../components/crisisResources.tsx';
import {
  DurationField,
  FormError,
  FormSection,
  SessionTitleField,
  StatusMessage,
} from '../components/forms.tsx';
import { InviteLinkField } from '../components/inviteLink.tsx';
import { LoadError, Loading, Page, PageHeading } from '../components/layout.tsx';
import { ScrollingText } from '../components/scrollingText.tsx';
import { isAhead, SessionCard, sortSessions } from '../components/sessionCard.tsx';
import { api, ApiRequestError, toApiRequestError } from '../lib/api.ts';
import { formatLongDateTime, isFacilitatorRole, roleInWords } from '../lib/format.ts';
import { Link, navigate } from '../lib/router.tsx';
import { useAsync } from '../lib/useAsync.ts';
import { useSessionClock } from '../lib/useSessionClock.ts';
import { useSubmit } from '../lib/useSubmit.ts';

/** Ended sessions and their check-out totals: only for those who lead the group, so loaded apart. */
const RecentSessions = lazy(() =>
  import('../features/room/facilitator/FacilitatorTools.tsx').then((module) => ({ default: module.RecentSessions })),
);

interface GroupData {
  group: GroupDetail;
  /** Null when the viewer may not see the sessions yet (waiting for approval or a place). */
  sessions: Session[] | null;
}

async function loadGroup(groupId: string): Promise<GroupData> {
  const [group, sessions] = await Promise.all([
    api.group(groupId),
    api.sessions(groupId).then(
      (list) => list.sessions,
      (caught: unknown) => {
        const error = toApiRequestError(caught);
        if (error.code === 'forbidden') return null;
        throw error;
      },
    ),
  ]);
  return { group, sessions };
}

/** The invite page says, through history state, that the person has just joined. */
function justJoined(): boolean {
  const state: unknown = history.state;
  return typeof state === 'object' && state !== null && 'joined' in state && state.joined === true;
}

function agreementAccepted(agreement: Agreement | null): boolean {
  return (
    agreement === null ||
    (agreement.acceptedVersion !== null && agreement.acceptedVersion >= agreement.version)
  );
}

export function GroupPage({ groupId, me }: { groupId: string; me: Me }) {
  const data = useAsync(`group:${groupId}:${me.id}`, () => loadGroup(groupId));
  const [welcome] = useState(justJoined);
  // A room that opens on schedule shows "Enter room" without a reload.
  useSessionClock(data.state.status === 'ready' ? data.state.data.sessions : null, data.refresh);

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
  const isMember = group.myRole !== null;
  const isActive = isMember && (group.myStatus === 'active' || group.myStatus === null);
  const isFacilitator = isActive && isFacilitatorRole(group.myRole);
  const canLead = isFacilitator || me.isOrganiser;
  const accepted = agreementAccepted(group.agreement);
  // The server lets only the group's own people into its rooms; an organiser who is not one of
  // them runs the group from here but does not read what is said in it. Facilitators are shown
  // the way in even before accepting; the room itself says if the agreements come first.
  const canEnter = isActive && (accepted || isFacilitator);

  function addSession(session: Session) {
    data.update((current) => ({
      ...current,
      sessions: [session, ...(current.sessions ?? []).filter((s) => s.id !== session.id)],
    }));
  }

  function setAgreement(agreement: Agreement) {
    data.update((current) => ({ ...current, group: { ...current.group, agreement } }));
  }

  return (
    <Page title="Group">
      <p className="breadcrumb">
        <Link to="/">Your groups</Link>
      </p>
      <PageHeading>{group.name}</PageHeading>
      {group.description && <p className="prose lead">{group.description}</p>}
      {isMember && !isActive ? (
        <p className="meta">
          {group.myPseudonym ? `Your name in this group will be ${group.myPseudonym}.` : ''}
        </p>
      ) : (
        <p className="meta">
          You are here as {roleInWords(group, me.isOrganiser).toLowerCase()}
          {group.myPseudonym ? `, named ${group.myPseudonym}` : ''}.
        </p>
      )}
      {canLead && (
        <p className="actions">
          <Link to={`/groups/${group.id}/manage`} className="button-link button-secondary">
            Manage group
          </Link>
        </p>
      )}

      {welcome && isActive && (
        <p className="notice notice-success">
          Welcome. You are now a member of this group.
          {group.agreement && !accepted
            ? ' Before your first session, please read the group agreements below.'
            : ''}
        </p>
      )}
      <MembershipNotice group={group} />

      {group.agreement && (
        <AgreementSection
          groupId={group.id}
          agreement={group.agreement}
          canAccept={isActive}
          onChange={setAgreement}
        />
      )}

      {sessions && (
        <SessionsSection
          sessions={sessions}
          isActive={isActive}
          canEnter={canEnter}
          canLead={canLead}
          needsAgreement={isActive && !accepted}
          onChanged={addSession}
        />
      )}

      {canLead && sessions?.some((s) => s.status === 'closed') && (
        <Suspense fallback={null}>
          <RecentSessions sessions={sessions} />
        </Suspense>
      )}

      {canLead && (
        <>
          <StartSessionForm groupId={group.id} canEnter={canEnter} onStarted={addSession} />
          <InviteSection groupId={group.id} />
        </>
      )}

      {group.crisisResources.length > 0 && <CrisisSection resources={group.crisisResources} />}

      {isMember && <LeaveSection groupId={group.id} />}
    </Page>
  );
}

function MembershipNotice({ group }: { group: GroupDetail }) {
  if (group.myStatus === 'pending') {
    return (
      <div className="notice">
        <p>
          <strong>Waiting for approval.</strong> Your request to join has reached the group’s
          facilitators. Once one of them approves it, you can join the sessions. There is nothing
          more you need to do.
        </p>
      </div>
    );
  }
  if (group.myStatus === 'banned') {
    return (
      <div className="notice">
        <p>
          You can no longer join this group’s sessions. Any support services the group lists stay
          on this page for you.
        </p>
      </div>
    );
  }
  if (group.myStatus === 'waitlisted') {
    return (
      <div className="notice">
        <p>
          <strong>You are on the waitlist.</strong> The group is full at the moment.
          {group.myWaitlistPosition !== null &&
            ` You are number ${String(group.myWaitlistPosition)} on the list.`}{' '}
          When a place opens up, you can join the sessions.
        </p>
      </div>
    );
  }
  return null;
}

function AgreementSection({
  groupId,
  agreement,
  canAccept,
  onChange,
}: {
  groupId: string;
  agreement: Agreement;
  canAccept: boolean;
  onChange: (agreement: Agreement) => void;
}) {
  const headingId = useId();
  const textId = useId();
  const thanks = useRef<HTMLParagraphElement>(null);
  const [done, setDone] = useState<string | null>(null);
  const { pending, error, run } = useSubmit();
  const accepted = agreementAccepted(agreement);
  const acceptedOlder =
    !accepted && agreement.acceptedVersion !== null && agreement.acceptedVersion < agreement.version;

  function accept() {
    setDone(null);
    void run(async () => {
      try {
        onChange(await api.acceptAgreement(groupId, { version: agreement.version }));
      } catch (caught) {
        const problem = toApiRequestError(caught);
        if (problem.code !== 'conflict') throw problem;
        // A newer version was published while this one was open; show it instead.
        onChange(await api.agreement(groupId));
        throw new ApiRequestError(
          'conflict',
          'The agreements were updated a moment ago. Please take a moment to read the new version before accepting it.',
          409,
        );
      }
      setDone('Thank you. You have accepted the group agreements.');
    });
  }

  // The button pressed is gone once accepted; focus goes to the thanks in its place, after it
  // is on the page (a frame's wait was sometimes too soon, and focus fell to the page itself).
  useEffect(() => {
    if (done) thanks.current?.focus();
  }, [done]);

  const text = (
    <ScrollingText id={textId} className="prose agreement-text" label="Text of the group agreements">
      {agreement.text}
    </ScrollingText>
  );

  return (
    <section className="section" aria-labelledby={headingId}>
      <h2 id={headingId}>Group agreements</h2>
      {accepted ? (
        <>
          {done ? (
            <p ref={thanks} tabIndex={-1} className="notice notice-success">
              {done}
            </p>
          ) : (
            canAccept && (
              <p className="meta">You have accepted these agreements (version {agreement.version}).</p>
            )
          )}
          <details className="card agreement-details">
            <summary>Read the group agreements</summary>
            {text}
          </details>
        </>
      ) : (
        <div className="stack card">
          {canAccept ? (
            acceptedOlder ? (
              <p>
                The group’s agreements have changed since you last accepted them. Please read them
                again; you can join the sessions once you have accepted this version.
              </p>
            ) : (
              <p>
                These are what everyone in the group agrees to, so the room can be a safe place.
                Please read them; you can join the sessions once you have accepted them.
              </p>
            )
          ) : (
            <p className="meta">
              You will be asked to accept these once you have a place in the group.
            </p>
          )}
          {text}
          <p className="hint">
            Version {agreement.version}, from{' '}
            <time dateTime={agreement.publishedAt}>{formatLongDateTime(agreement.publishedAt)}</time>
            .
          </p>
          <FormError message={error} />
          {canAccept && (
            <div className="actions">
              <button type="button" onClick={accept} disabled={pending} aria-describedby={textId}>
                I accept these agreements
              </button>
            </div>
          )}
        </div>
      )}
    </section>
  );
}

function SessionsSection({
  sessions,
  isActive,
  canEnter,
  canLead,
  needsAgreement,
  onChanged,
}: {
  sessions: readonly Session[];
  isActive: boolean;
  canEnter: boolean;
  canLead: boolean;
  needsAgreement: boolean;
  onChanged: (session: Session) => void;
}) {
  const headingId = useId();
  const idPrefix = useId();
  const [done, setDone] = useState<string | null>(null);
  const { pending, error, run } = useSubmit();
  const ahead = sortSessions(sessions.filter((s) => isAhead(s)));

  function openNow(session: Session) {
    setDone(null);
    void run(async () => {
      onChanged(await api.openSession(session.id));
      setDone(`“${session.title}” is open now.`);
    });
  }

  function end(session: Session) {
    setDone(null);
    return run(async () => {
      onChanged(await api.endSession(session.id));
      setDone(`“${session.title}” has ended. Its room is closed.`);
    });
  }

  return (
    <section className="section" aria-labelledby={headingId}>
      <h2 id={headingId}>Sessions</h2>
      {!isActive && <p className="meta">Rooms are for the group’s members and facilitators.</p>}
      <p className="hint">Times are shown in your own time zone.</p>
      {ahead.length === 0 ? (
        <p className="empty">No sessions are planned yet.</p>
      ) : (
        <ul className="card-list">
          {ahead.map((session) => {
            const titleId = `${idPrefix}-${session.id}`;
            return (
              <SessionCard key={session.id} session={session} titleId={titleId}>
                {session.status === 'open' && canEnter && (
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
                {session.status === 'open' && !canEnter && needsAgreement && (
                  <p className="meta">
                    The room is open. Once you have accepted the group agreements above, you can go
                    in.
                  </p>
                )}
                {canLead && session.status === 'scheduled' && (
                  <p className="actions">
                    <button
                      type="button"
                      className="button-secondary"
                      aria-describedby={titleId}
                      disabled={pending}
                      onClick={() => {
                        openNow(session);
                      }}
                    >
                      Open room now
                    </button>
                  </p>
                )}
                {canLead && session.status === 'open' && (
                  <div className="actions session-lead-actions">
                    <ConfirmAction
                      label="End session"
                      describedBy={titleId}
                      question={`End “${session.title}” for everyone now? The room closes and nobody can write in it any more.`}
                      confirmLabel="Yes, end the session"
                      keepLabel="Keep it open"
                      pending={pending}
                      onConfirm={() => end(session)}
                    />
                  </div>
                )}
              </SessionCard>
            );
          })}
        </ul>
      )}
      <FormError message={error} />
      <StatusMessage message={done} />
    </section>
  );
}

function CrisisSection({ resources }: { resources: readonly CrisisResource[] }) {
  const headingId = useId();
  return (
    <section className="section" aria-labelledby={headingId}>
      <h2 id={headingId}>If you need support now</h2>
      <p>
        You do not have to wait for a session. These services are there for you, outside the
        group.
      </p>
      <CrisisResourceList resources={resources} />
    </section>
  );
}

function LeaveSection({ groupId }: { groupId: string }) {
  const headingId = useId();
  const { pending, error, run } = useSubmit();

  function leave() {
    return run(async () => {
      await api.leaveGroup(groupId);
      navigate('/');
    });
  }

  return (
    <section className="section" aria-labelledby={headingId}>
      <h2 id={headingId}>Leaving</h2>
      <p>
        You can leave at any time, without giving a reason. To come back later, you would need a
        new invite.
      </p>
      <FormError message={error} />
      <div className="actions">
        <ConfirmAction
          label="Leave this group"
          question="Leave this group now? You will no longer see its sessions."
          confirmLabel="Yes, leave"
          keepLabel="Stay in the group"
          pending={pending}
          onConfirm={leave}
        />
      </div>
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
      <SessionTitleField value={title} onValueChange={setTitle} />
      <DurationField value={duration} onValueChange={setDuration} note="The room opens as soon as you start it." />
    </FormSection>
  );
}

function InviteSection({ groupId }: { groupId: string }) {
  const headingId = useId();
  const [invite, setInvite] = useState<Invite | null>(null);
  const { pending, error, run } = useSubmit();

  function createInvite() {
    void run(async () => {
      setInvite(await api.createInvite(groupId));
    });
  }

  return (
    <section className="section" aria-labelledby={headingId}>
      <h2 id={headingId}>Invite a member</h2>
      <div className="stack card">
        <p>
          Whoever opens an invite link can join this group under a name they choose, until the
          link expires. Send it privately, only to the people you mean to invite. For more
          choices, such as how long it lasts, use “Manage group”.
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
        {invite && <InviteLinkField key={invite.id} invite={invite} />}
      </div>
    </section>
  );
}
