import type { Member } from '@hearth/shared';
import { isFacilitator } from '../../../lib/format.ts';
import type { RoomClient } from '../roomClient.ts';
import { ConsoleSection } from './ConsoleSection.tsx';
import { CommandStatus } from './CommandStatus.tsx';
import { PersonActions } from './PersonActions.tsx';
import { useCommand } from './useCommand.ts';

/**
 * Who waits to be let in, oldest first; one at a time or everyone at once. Someone who should
 * not come in can be banned from the group from here.
 */
export function WaitingRoom({ client, waiting }: { client: RoomClient; waiting: readonly Member[] }) {
  const { pending, error, done, run } = useCommand(client);
  const sessionId = client.sessionId;
  return (
    <ConsoleSection title="Waiting room" count={waiting.length}>
      {waiting.length === 0 ? (
        <p className="empty">Nobody is waiting.</p>
      ) : (
        <ul className="plain-list console-list">
          {waiting.map((member) => (
            <li key={member.memberId} className="list-row">
              <span className="list-main">{member.pseudonym}</span>
              <button
                type="button"
                className="button-small"
                disabled={pending}
                onClick={() => {
                  void run(
                    () => client.command('room:admit', { sessionId, memberId: member.memberId }),
                    `${member.pseudonym} is in the room now.`,
                  );
                }}
              >
                Let in<span className="visually-hidden"> {member.pseudonym}</span>
              </button>
              {!isFacilitator(member) && <PersonActions client={client} member={member} muted={false} banOnly />}
            </li>
          ))}
        </ul>
      )}
      {waiting.length > 1 && (
        <p>
          <button
            type="button"
            className="button-secondary button-small"
            disabled={pending}
            onClick={() => {
              void run(async () => {
                const res = await client.ask('room:admit-all', { sessionId });
                return res.ok ? null : res.error;
              }, 'Everyone waiting is in the room now.');
            }}
          >
            Let everyone in
          </button>
        </p>
      )}
      <CommandStatus error={error} done={done} />
    </ConsoleSection>
  );
}
