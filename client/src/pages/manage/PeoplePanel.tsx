import { useEffect, useId, useState, type SubmitEvent } from 'react';
import {
  facilitatorRoles,
  groupRoles,
  limits,
  type GroupMember,
  type GroupRole,
  type MemberList,
} from '@hearth/shared';
import { usernamePattern } from '../../components/accountHints.ts';
import { ConfirmAction } from '../../components/confirm.tsx';
import {
  Field,
  FormError,
  FormSection,
  SelectField,
  StatusMessage,
} from '../../components/forms.tsx';
import { LoadError, Loading } from '../../components/layout.tsx';
import { api } from '../../lib/api.ts';
import { formatDateTime, roleWord } from '../../lib/format.ts';
import { useAsync } from '../../lib/useAsync.ts';
import { useSubmit } from '../../lib/useSubmit.ts';
import { BansSection } from './BansSection.tsx';

type FacilitatorRole = (typeof facilitatorRoles)[number];

function isGroupRole(value: string): value is GroupRole {
  return (groupRoles as readonly string[]).includes(value);
}

function isFacilitatorRoleValue(value: string): value is FacilitatorRole {
  return (facilitatorRoles as readonly string[]).includes(value);
}

const roleOrder: Record<GroupRole, number> = {
  lead_facilitator: 0,
  facilitator: 1,
  participant: 2,
};

export function PeoplePanel({
  groupId,
  isOrganiser,
  capacity,
  onParticipantCount,
}: {
  groupId: string;
  isOrganiser: boolean;
  capacity: number;
  /** Tells the page how many participants there are now, so its heading agrees with this list. */
  onParticipantCount: (count: number) => void;
}) {
  const members = useAsync(`members:${groupId}`, () => api.members(groupId));
  const [done, setDone] = useState<string | null>(null);

  function replace(member: GroupMember) {
    members.update((data) => ({
      members: [...data.members.filter((m) => m.memberId !== member.memberId), member],
    }));
  }

  function drop(memberId: string) {
    members.update((data) => ({ members: data.members.filter((m) => m.memberId !== memberId) }));
  }

  let body;
  if (members.state.status === 'loading') {
    body = <Loading label="Loading the group’s people…" />;
  } else if (members.state.status === 'error') {
    body = <LoadError error={members.state.error} onRetry={members.reload} />;
  } else {
    body = (
      <PeopleLists
        list={members.state.data}
        groupId={groupId}
        isOrganiser={isOrganiser}
        capacity={capacity}
        onParticipantCount={onParticipantCount}
        onChanged={(member, message) => {
          replace(member);
          setDone(message);
        }}
        onRemoved={(memberId, message) => {
          drop(memberId);
          setDone(message);
        }}
        onRoleChanged={(member, message) => {
          setDone(message);
          // Naming a new lead changes the previous lead too; the list is read again for that.
          if (member.role === 'lead_facilitator') members.reload();
          else replace(member);
        }}
      />
    );
  }

  return (
    <>
      <StatusMessage message={done} />
      {body}
      {isOrganiser && <BansSection groupId={groupId} onLifted={members.refresh} />}
      {isOrganiser && (
        <AddFacilitatorForm
          groupId={groupId}
          onAdded={() => {
            members.reload();
          }}
        />
      )}
    </>
  );
}

function PeopleLists({
  list,
  groupId,
  isOrganiser,
  capacity,
  onChanged,
  onRemoved,
  onRoleChanged,
  onParticipantCount,
}: {
  list: MemberList;
  groupId: string;
  isOrganiser: boolean;
  capacity: number;
  onParticipantCount: (count: number) => void;
  onChanged: (member: GroupMember, message: string) => void;
  onRemoved: (memberId: string, message: string) => void;
  onRoleChanged: (member: GroupMember, message: string) => void;
}) {
  const pendingId = useId();
  const activeId = useId();
  const waitlistId = useId();
  const pending = list.members
    .filter((m) => m.status === 'pending')
    .sort((a, b) => a.joinedAt.localeCompare(b.joinedAt));
  const active = list.members
    .filter((m) => m.status === 'active')
    .sort(
      (a, b) => roleOrder[a.role] - roleOrder[b.role] || a.pseudonym.localeCompare(b.pseudonym),
    );
  const waitlist = list.members
    .filter((m) => m.status === 'waitlisted')
    .sort(
      (a, b) =>
        (a.waitlistPosition ?? Infinity) - (b.waitlistPosition ?? Infinity) ||
        a.joinedAt.localeCompare(b.joinedAt),
    );
  const participants = active.filter((m) => m.role === 'participant').length;
  useEffect(() => {
    onParticipantCount(participants);
  }, [participants, onParticipantCount]);

  return (
    <>
      <section className="section section-first" aria-labelledby={pendingId}>
        <h2 id={pendingId}>Waiting for approval</h2>
        {pending.length === 0 ? (
          <p className="empty">Nobody is waiting for approval.</p>
        ) : (
          <ul className="card-list">
            {pending.map((member) => (
              <PendingItem
                key={member.memberId}
                member={member}
                groupId={groupId}
                onApproved={(approved) => {
                  onChanged(
                    approved,
                    approved.status === 'waitlisted'
                      ? `${approved.pseudonym} is approved. The group is full, so they are on the waitlist.`
                      : `${approved.pseudonym} is approved and can now join the sessions.`,
                  );
                }}
                onDeclined={() => {
                  onRemoved(member.memberId, `${member.pseudonym}’s request is declined.`);
                }}
              />
            ))}
          </ul>
        )}
      </section>

      <section className="section" aria-labelledby={activeId}>
        <h2 id={activeId}>Members</h2>
        <p className="meta">
          {participants} of {capacity} participant places are taken. Only the names people chose
          for this group are shown here.
        </p>
        {active.length === 0 ? (
          <p className="empty">There are no members yet.</p>
        ) : (
          <ul className="card-list">
            {active.map((member) => (
              <MemberItem
                key={member.memberId}
                member={member}
                groupId={groupId}
                isOrganiser={isOrganiser}
                onRoleChanged={onRoleChanged}
                onRemoved={() => {
                  onRemoved(member.memberId, `${member.pseudonym} is no longer in the group.`);
                }}
              />
            ))}
          </ul>
        )}
      </section>

      <section className="section" aria-labelledby={waitlistId}>
        <h2 id={waitlistId}>Waitlist</h2>
        {waitlist.length === 0 ? (
          <p className="empty">Nobody is on the waitlist.</p>
        ) : (
          <>
            <p className="meta">In order: the first person is offered the next free place.</p>
            <ol className="plain-list card divided">
              {waitlist.map((member, index) => (
                <li key={member.memberId} className="list-row">
                  <span className="list-main">
                    <span className="position">
                      {member.waitlistPosition ?? index + 1}
                      <span className="visually-hidden">.</span>
                    </span>{' '}
                    {member.pseudonym}
                  </span>
                  <span className="meta">
                    Since <time dateTime={member.joinedAt}>{formatDateTime(member.joinedAt)}</time>
                  </span>
                </li>
              ))}
            </ol>
          </>
        )}
      </section>
    </>
  );
}

function PendingItem({
  member,
  groupId,
  onApproved,
  onDeclined,
}: {
  member: GroupMember;
  groupId: string;
  onApproved: (member: GroupMember) => void;
  onDeclined: () => void;
}) {
  const nameId = useId();
  const { pending, error, run } = useSubmit();
  return (
    <li className="card">
      <h3 id={nameId} className="card-title">
        {member.pseudonym}
      </h3>
      <p className="meta">
        Asked to join{' '}
        <time dateTime={member.joinedAt}>{formatDateTime(member.joinedAt)}</time>
        {member.role !== 'participant' ? `, as ${roleWord(member.role).toLowerCase()}` : ''}.
      </p>
      <FormError message={error} />
      <div className="actions">
        <button
          type="button"
          aria-describedby={nameId}
          disabled={pending}
          onClick={() => {
            void run(async () => {
              onApproved(await api.approveMember(groupId, member.memberId));
            });
          }}
        >
          Approve
        </button>
        <button
          type="button"
          className="button-secondary"
          aria-describedby={nameId}
          disabled={pending}
          onClick={() => {
            void run(async () => {
              await api.declineMember(groupId, member.memberId);
              onDeclined();
            });
          }}
        >
          Decline
        </button>
      </div>
    </li>
  );
}

function MemberItem({
  member,
  groupId,
  isOrganiser,
  onRoleChanged,
  onRemoved,
}: {
  member: GroupMember;
  groupId: string;
  isOrganiser: boolean;
  onRoleChanged: (member: GroupMember, message: string) => void;
  onRemoved: () => void;
}) {
  const nameId = useId();
  const selectId = useId();
  const [role, setRole] = useState<GroupRole>(member.role);
  const { pending, error, run } = useSubmit();

  function changeRole(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    if (role === member.role) return;
    void run(async () => {
      const changed = await api.changeRole(groupId, member.memberId, { role });
      onRoleChanged(
        changed,
        changed.role === 'lead_facilitator'
          ? `${changed.pseudonym} is now the lead facilitator. The previous lead is now a facilitator.`
          : `${changed.pseudonym} is now ${roleWord(changed.role).toLowerCase()}.`,
      );
    });
  }

  function remove() {
    return run(async () => {
      await api.removeMember(groupId, member.memberId);
      onRemoved();
    });
  }

  return (
    <li className="card">
      <div className="session-head">
        <h3 id={nameId} className="card-title">
          {member.pseudonym}
        </h3>
        <span className="badge">{roleWord(member.role)}</span>
      </div>
      <p className="meta">
        Joined <time dateTime={member.joinedAt}>{formatDateTime(member.joinedAt)}</time>
      </p>
      {isOrganiser && (
        <>
          <form className="inline-form" onSubmit={changeRole}>
            <div className="field">
              <label htmlFor={selectId}>
                Role<span className="visually-hidden"> of {member.pseudonym}</span>
              </label>
              <select
                id={selectId}
                value={role}
                onChange={(event) => {
                  if (isGroupRole(event.target.value)) setRole(event.target.value);
                }}
              >
                {groupRoles.map((value) => (
                  <option key={value} value={value}>
                    {roleWord(value)}
                  </option>
                ))}
              </select>
            </div>
            <button
              type="submit"
              className="button-secondary"
              disabled={pending || role === member.role}
              aria-describedby={nameId}
            >
              Change role
            </button>
          </form>
          {role === 'lead_facilitator' && member.role !== 'lead_facilitator' && (
            <p className="hint">The present lead facilitator will become a facilitator.</p>
          )}
          <FormError message={error} />
          <div className="actions">
            <ConfirmAction
              label="Remove from group"
              question={`Remove ${member.pseudonym} from the group? They will no longer see its sessions or enter its rooms.`}
              confirmLabel="Yes, remove"
              keepLabel="Keep them in the group"
              describedBy={nameId}
              pending={pending}
              onConfirm={remove}
            />
          </div>
        </>
      )}
    </li>
  );
}

function AddFacilitatorForm({ groupId, onAdded }: { groupId: string; onAdded: () => void }) {
  const [username, setUsername] = useState('');
  const [pseudonym, setPseudonym] = useState('');
  const [role, setRole] = useState<FacilitatorRole>('facilitator');
  const [done, setDone] = useState<string | null>(null);
  const { pending, error, run } = useSubmit();

  function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    setDone(null);
    void run(async () => {
      const member = await api.assignFacilitator(groupId, {
        username: username.trim(),
        role,
        ...(pseudonym.trim() === '' ? {} : { pseudonym: pseudonym.trim() }),
      });
      setUsername('');
      setPseudonym('');
      setRole('facilitator');
      setDone(
        member.role === 'lead_facilitator'
          ? `${member.pseudonym} is now the lead facilitator. The previous lead is now a facilitator.`
          : `${member.pseudonym} is now a facilitator of this group.`,
      );
      onAdded();
    });
  }

  return (
    <FormSection
      title="Add a facilitator"
      intro={
        <p className="hint">
          For someone who already has a Hearth account. To bring in someone new as a facilitator,
          send them a facilitator invite instead.
        </p>
      }
      submitLabel="Add facilitator"
      onSubmit={submit}
      pending={pending}
      error={error}
      done={done}
    >
      <Field
        label="Username"
        name="username"
        required
        autoComplete="off"
        autoCapitalize="none"
        spellCheck={false}
        maxLength={limits.usernameMax}
        pattern={usernamePattern}
        hint="The name they log in with. Members never see it."
        value={username}
        onChange={(event) => {
          setUsername(event.target.value);
        }}
      />
      <Field
        label="Name in this group"
        name="pseudonym"
        autoComplete="off"
        minLength={limits.pseudonymMin}
        maxLength={limits.pseudonymMax}
        hint="Needed if they are not in the group yet: the name members will see."
        value={pseudonym}
        onChange={(event) => {
          setPseudonym(event.target.value);
        }}
      />
      <SelectField
        label="Role"
        name="role"
        value={role}
        onChange={(event) => {
          if (isFacilitatorRoleValue(event.target.value)) setRole(event.target.value);
        }}
      >
        {facilitatorRoles.map((value) => (
          <option key={value} value={value}>
            {roleWord(value)}
          </option>
        ))}
      </SelectField>
    </FormSection>
  );
}
