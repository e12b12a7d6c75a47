import { useId, useState } from 'react';
import type { Ban } from '@hearth/shared';
import { FormError, StatusMessage } from '../../components/forms.tsx';
import { LoadError, Loading } from '../../components/layout.tsx';
import { api } from '../../lib/api.ts';
import { formatDateTime } from '../../lib/format.ts';
import { useAsync } from '../../lib/useAsync.ts';
import { useSubmit } from '../../lib/useSubmit.ts';

/**
 * The people banned from the group, with the reason given; an organiser can lift a ban. A lifted
 * ban puts the person back as waiting for approval (same name, history kept), so `onLifted` lets
 * the people list read itself again and show them with an Approve button.
 */
export function BansSection({ groupId, onLifted }: { groupId: string; onLifted?: () => void }) {
  const headingId = useId();
  const bans = useAsync(`bans:${groupId}`, () => api.bans(groupId));
  const [done, setDone] = useState<string | null>(null);

  let body;
  if (bans.state.status === 'loading') body = <Loading label="Loading the bans…" />;
  else if (bans.state.status === 'error') body = <LoadError error={bans.state.error} onRetry={bans.reload} />;
  else if (bans.state.data.bans.length === 0) body = <p className="empty">Nobody is banned from this group.</p>;
  else {
    body = (
      <ul className="card-list">
        {bans.state.data.bans.map((ban) => (
          <BanItem
            key={ban.memberId}
            groupId={groupId}
            ban={ban}
            onLifted={() => {
              bans.update((data) => ({ bans: data.bans.filter((b) => b.memberId !== ban.memberId) }));
              setDone(
                `The ban on ${ban.pseudonym} is lifted. They are waiting for approval: approve them on this page to give them back their place.`,
              );
              onLifted?.();
            }}
          />
        ))}
      </ul>
    );
  }

  return (
    <section className="section" aria-labelledby={headingId}>
      <h2 id={headingId}>Banned from the group</h2>
      <StatusMessage message={done} />
      {body}
    </section>
  );
}

function BanItem({ groupId, ban, onLifted }: { groupId: string; ban: Ban; onLifted: () => void }) {
  const nameId = useId();
  const { pending, error, run } = useSubmit();
  return (
    <li className="card">
      <h3 id={nameId} className="card-title">
        {ban.pseudonym}
      </h3>
      <p className="meta">
        Banned <time dateTime={ban.bannedAt}>{formatDateTime(ban.bannedAt)}</time>
      </p>
      <p>Reason: {ban.reason}</p>
      <FormError message={error} />
      <div className="actions">
        <button
          type="button"
          className="button-secondary"
          aria-describedby={nameId}
          disabled={pending}
          onClick={() => {
            void run(async () => {
              await api.liftBan(groupId, ban.memberId);
              onLifted();
            });
          }}
        >
          Lift ban
        </button>
      </div>
    </li>
  );
}
