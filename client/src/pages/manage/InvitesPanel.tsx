import { useId, useState, type SubmitEvent } from 'react';
import type { z } from 'zod';
import {
  inviteRoles,
  limits,
  type Invite,
  type InviteListSchema,
  type InviteSummary,
} from '@hearth/shared';
import { Field, FormError, FormSection, SelectField } from '../../components/forms.tsx';
import { InviteLinkField } from '../../components/inviteLink.tsx';
import { LoadError, Loading } from '../../components/layout.tsx';
import { api } from '../../lib/api.ts';
import { formatDateTime } from '../../lib/format.ts';
import { useAsync, type AsyncState } from '../../lib/useAsync.ts';
import { useSubmit } from '../../lib/useSubmit.ts';

type InviteRole = (typeof inviteRoles)[number];

const maxUsesLimit = 500;

const stateWords: Record<InviteSummary['state'], string> = {
  active: 'Active',
  expired: 'Expired',
  revoked: 'Revoked',
  used_up: 'All uses taken',
};

function isInviteRole(value: string): value is InviteRole {
  return (inviteRoles as readonly string[]).includes(value);
}

function summaryOf({ code: _code, ...summary }: Invite): InviteSummary {
  return summary;
}

export function InvitesPanel({ groupId, isOrganiser }: { groupId: string; isOrganiser: boolean }) {
  const invites = useAsync(`invites:${groupId}`, () => api.invites(groupId));

  function upsert(invite: InviteSummary) {
    invites.update((data) => ({
      invites: [invite, ...data.invites.filter((i) => i.id !== invite.id)],
    }));
  }

  return (
    <>
      <CreateInviteForm
        groupId={groupId}
        isOrganiser={isOrganiser}
        onCreated={(invite) => {
          upsert(summaryOf(invite));
        }}
      />
      <InviteList
        groupId={groupId}
        state={invites.state}
        onRetry={invites.reload}
        onRevoked={(invite) => {
          upsert({ ...invite, state: 'revoked' });
        }}
      />
    </>
  );
}

function CreateInviteForm({
  groupId,
  isOrganiser,
  onCreated,
}: {
  groupId: string;
  isOrganiser: boolean;
  onCreated: (invite: Invite) => void;
}) {
  const [role, setRole] = useState<InviteRole>('participant');
  const [days, setDays] = useState('7');
  const [uses, setUses] = useState('');
  const [invite, setInvite] = useState<Invite | null>(null);
  const { pending, error, run } = useSubmit();

  function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    setInvite(null);
    void run(async () => {
      const created = await api.createInvite(groupId, {
        role: isOrganiser ? role : 'participant',
        expiresInDays: Number(days),
        ...(uses.trim() === '' ? {} : { maxUses: Number(uses) }),
      });
      onCreated(created);
      setInvite(created);
    });
  }

  return (
    <>
      <FormSection
        title="Create an invite"
        intro={
          <p className="hint">
            {isOrganiser
              ? 'Whoever opens the link can join the group under a name they choose. Send it privately.'
              : 'Invites you create are for participants. Whoever opens the link can join the group under a name they choose. Send it privately.'}
          </p>
        }
        submitLabel="Create invite"
        onSubmit={submit}
        pending={pending}
        error={error}
        done={null}
      >
        {isOrganiser && (
          <SelectField
            label="Invite for"
            name="role"
            value={role}
            onChange={(event) => {
              if (isInviteRole(event.target.value)) setRole(event.target.value);
            }}
          >
            <option value="participant">A participant</option>
            <option value="facilitator">A facilitator</option>
          </SelectField>
        )}
        <Field
          label="Expires after (days)"
          name="expiresInDays"
          type="number"
          inputMode="numeric"
          required
          min={1}
          max={limits.inviteDaysMax}
          step={1}
          hint={`From 1 to ${String(limits.inviteDaysMax)} days.`}
          value={days}
          onChange={(event) => {
            setDays(event.target.value);
          }}
        />
        <Field
          label="Number of uses"
          name="maxUses"
          type="number"
          inputMode="numeric"
          min={1}
          max={maxUsesLimit}
          step={1}
          hint="Optional. Leave it empty to let any number of people use it until it expires."
          value={uses}
          onChange={(event) => {
            setUses(event.target.value);
          }}
        />
      </FormSection>
      {invite && (
        <div className="stack card invite-made">
          <p>The invite is ready.</p>
          <InviteLinkField key={invite.id} invite={invite} autoFocus />
        </div>
      )}
    </>
  );
}

function InviteList({
  groupId,
  state,
  onRetry,
  onRevoked,
}: {
  groupId: string;
  state: AsyncState<z.infer<typeof InviteListSchema>>;
  onRetry: () => void;
  onRevoked: (invite: InviteSummary) => void;
}) {
  const headingId = useId();
  let body;
  if (state.status === 'loading') {
    body = <Loading label="Loading the invites…" />;
  } else if (state.status === 'error') {
    body = <LoadError error={state.error} onRetry={onRetry} />;
  } else if (state.data.invites.length === 0) {
    body = <p className="empty">No invites have been made yet.</p>;
  } else {
    const sorted = [...state.data.invites].sort(
      (a, b) =>
        Number(b.state === 'active') - Number(a.state === 'active') ||
        b.createdAt.localeCompare(a.createdAt),
    );
    body = (
      <ul className="card-list">
        {sorted.map((invite) => (
          <InviteItem key={invite.id} groupId={groupId} invite={invite} onRevoked={onRevoked} />
        ))}
      </ul>
    );
  }
  return (
    <section className="section" aria-labelledby={headingId}>
      <h2 id={headingId}>Invites</h2>
      <p className="hint">Links are shown only when they are made, so they cannot be shown here.</p>
      {body}
    </section>
  );
}

function InviteItem({
  groupId,
  invite,
  onRevoked,
}: {
  groupId: string;
  invite: InviteSummary;
  onRevoked: (invite: InviteSummary) => void;
}) {
  const titleId = useId();
  const { pending, error, run } = useSubmit();
  const usesWords =
    invite.maxUses === null
      ? `Used ${String(invite.uses)} ${invite.uses === 1 ? 'time' : 'times'}`
      : `Used ${String(invite.uses)} of ${String(invite.maxUses)} ${invite.maxUses === 1 ? 'time' : 'times'}`;

  return (
    <li className="card">
      <div className="session-head">
        <h3 id={titleId} className="card-title">
          For {invite.role === 'facilitator' ? 'a facilitator' : 'a participant'}, made{' '}
          <time dateTime={invite.createdAt}>{formatDateTime(invite.createdAt)}</time>
        </h3>
        <span className={`badge badge-invite-${invite.state}`}>{stateWords[invite.state]}</span>
      </div>
      <p className="meta">
        {usesWords}.{' '}
        {invite.state === 'expired' ? 'Expired' : 'Expires'}{' '}
        <time dateTime={invite.expiresAt}>{formatDateTime(invite.expiresAt)}</time>.
      </p>
      <FormError message={error} />
      {invite.state === 'active' && (
        <div className="actions">
          <button
            type="button"
            className="button-secondary"
            aria-describedby={titleId}
            disabled={pending}
            onClick={() => {
              void run(async () => {
                await api.revokeInvite(groupId, invite.id);
                onRevoked(invite);
              });
            }}
          >
            Revoke
          </button>
        </div>
      )}
    </li>
  );
}
