import type { Message } from '@hearth/shared';
import { ConfirmAction } from '../../../components/confirm.tsx';
import { isFacilitator } from '../../../lib/format.ts';
import { useRoomUi } from '../roomUi.ts';

/**
 * A facilitator's actions on someone's message, in its "More" menu: hide it, or delete it.
 * Never on one's own message, nor on a co-facilitator's (the server refuses those).
 */
export function ModerationActions({
  message,
  own,
  pending,
  run,
}: {
  message: Message;
  own: boolean;
  pending: boolean;
  /** Runs an action; the message takes focus once the room shows it done, as these buttons go. */
  run: (task: () => Promise<string | null>, after?: string) => Promise<boolean>;
}) {
  const { client } = useRoomUi();
  const target = { sessionId: message.sessionId, messageId: message.id };
  if (own || isFacilitator(message.author)) return null;
  return (
    <>
      {!message.hidden && (
        <button
          type="button"
          className="button-secondary button-small"
          disabled={pending}
          onClick={() => {
            void run(
              async () => (await client.command('message:hide', { ...target, hidden: true }))?.message ?? null,
              'Hidden from the room. Facilitators still see it, marked.',
            );
          }}
        >
          Hide from the room
        </button>
      )}
      <ConfirmAction
        label="Delete"
        className="button-secondary button-small"
        question="Delete this message for everyone? Its words are gone for good; others see only that it was deleted."
        confirmLabel="Yes, delete it"
        keepLabel="Keep it"
        pending={pending}
        onConfirm={async () => {
          await run(async () => (await client.command('message:remove', target))?.message ?? null);
        }}
      />
    </>
  );
}
