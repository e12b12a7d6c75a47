import type { Member, SideMessage } from '@hearth/shared';
import { memberName } from '../../../lib/format.ts';
import type { RoomClient, RoomState } from '../roomClient.ts';
import { SideComposer, SideMessages } from '../SideThread.tsx';
import { ConsoleSection } from './ConsoleSection.tsx';

interface Thread {
  participant: Member | null;
  participantId: string;
  messages: SideMessage[];
}

/** Private threads with participants, one per person, shared by all the room's facilitators. */
export function SideConversations({
  client,
  state,
  openId,
  onOpen,
  focusReply,
}: {
  client: RoomClient;
  state: RoomState;
  /** The participant whose thread is shown. */
  openId: string | null;
  onOpen: (participantId: string | null) => void;
  /** The thread was opened from someone's actions: the reply box takes focus. */
  focusReply: boolean;
}) {
  const me = state.info?.me;
  const threads = new Map<string, Thread>();
  const person = (id: string) => state.roster.find((entry) => entry.member.memberId === id)?.member ?? null;
  for (const message of state.sideMessages) {
    const thread = threads.get(message.participantId) ?? {
      participant: person(message.participantId),
      participantId: message.participantId,
      messages: [],
    };
    if (message.author.memberId === message.participantId) thread.participant ??= message.author;
    thread.messages.push(message);
    threads.set(message.participantId, thread);
  }
  if (openId && !threads.has(openId)) {
    threads.set(openId, { participant: person(openId), participantId: openId, messages: [] });
  }
  const open = openId ? threads.get(openId) : undefined;
  const nameOf = (thread: Thread) => (thread.participant ? memberName(thread.participant) : 'A participant');

  if (!me) return null;
  return (
    <ConsoleSection title="Private conversations" count={threads.size}>
      {threads.size === 0 ? (
        <p className="empty">
          None yet. A participant can write to the facilitators privately, or you can open a
          conversation from their actions under People in the room.
        </p>
      ) : (
        <ul className="plain-list console-threads">
          {[...threads.values()].map((thread) => (
            <li key={thread.participantId}>
              <button
                type="button"
                className="button-inline"
                aria-expanded={thread.participantId === openId}
                onClick={() => {
                  onOpen(thread.participantId === openId ? null : thread.participantId);
                }}
              >
                Conversation with {nameOf(thread)} ({thread.messages.length})
              </button>
            </li>
          ))}
        </ul>
      )}
      {open && (
        <div className="console-thread stack">
          <p className="hint">Every facilitator of this session sees this conversation; no other participant does.</p>
          <SideMessages messages={open.messages} me={me} />
          <SideComposer
            key={open.participantId}
            label={`Reply to ${nameOf(open)}`}
            autoFocus={focusReply}
            onSend={async (text) => (await client.sendSide(text, open.participantId))?.message ?? null}
          />
        </div>
      )}
    </ConsoleSection>
  );
}
