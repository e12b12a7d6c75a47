import type { ConsoleState, Member } from '@hearth/shared';
import { formatTime, isFacilitator, memberName } from '../../../lib/format.ts';
import { ColourTag } from '../CheckIn.tsx';
import type { RoomClient, RoomState } from '../roomClient.ts';
import { ConsoleSection } from './ConsoleSection.tsx';
import { PersonActions } from './PersonActions.tsx';

/**
 * Everyone in the room with how they are: present or stepped out, their check-in colour, an
 * open request for support, a mute; and, for participants, what a facilitator can do. Below,
 * the participants who wrote earlier in this session and are gone now, with the same actions.
 */
export function ConsoleRoster({
  client,
  state,
  console: staff,
  onOpenThread,
}: {
  client: RoomClient;
  state: RoomState;
  console: ConsoleState | null;
  onOpenThread: (member: Member) => void;
}) {
  const me = state.info?.me.memberId;
  const here = state.roster
    .filter((entry) => entry.state !== 'left')
    .sort(
      (a, b) =>
        Number(isFacilitator(b.member)) - Number(isFacilitator(a.member)) ||
        a.member.pseudonym.localeCompare(b.member.pseudonym),
    );
  // People who wrote in this session and are not here now (most often: they left). A facilitator
  // can still remove their messages, mute or ban them; never a co-facilitator, though.
  const present = new Set(here.map((entry) => entry.member.memberId));
  const earlier = new Map<string, Member>();
  for (const message of state.messages) {
    // A removed message's author is gone for good: nobody is left to mute or ban.
    if (message.removed) continue;
    const author = message.author;
    if (present.has(author.memberId) || author.memberId === me || isFacilitator(author)) continue;
    earlier.set(author.memberId, author);
  }
  const gone = [...earlier.values()].sort((a, b) => a.pseudonym.localeCompare(b.pseudonym));
  const answers = new Map(staff?.checkIn?.answers.map((a) => [a.member.memberId, a]) ?? []);
  const asked = new Set(staff?.supportRequests.map((r) => r.member.memberId) ?? []);
  const mutes = new Map(staff?.mutes.map((m) => [m.member.memberId, m.until]) ?? []);

  return (
    <ConsoleSection title="People in the room" count={here.length}>
      {here.length === 0 && <p className="empty">Nobody is here yet.</p>}
      <ul className="plain-list console-list">
        {here.map(({ member, state: presence }) => {
          const answer = answers.get(member.memberId);
          const mutedUntil = mutes.get(member.memberId) ?? null;
          return (
            <li key={member.memberId} className="console-person">
              <p className="console-person-line">
                <span className="list-main">{memberName(member)}</span>
                {member.memberId === me && <span className="meta"> (you)</span>}
                {isFacilitator(member) && <span className="roster-tag">facilitator</span>}
                {presence === 'stepped_out' && <span className="roster-state">stepped out</span>}
                {answer && <ColourTag colour={answer.colour} word={answer.word} />}
                {asked.has(member.memberId) && <span className="console-flag">asked for support</span>}
                {mutedUntil && (
                  <span className="console-flag">
                    muted until <time dateTime={mutedUntil}>{formatTime(mutedUntil)}</time>
                  </span>
                )}
              </p>
              {!isFacilitator(member) && member.memberId !== me && (
                <PersonActions
                  client={client}
                  member={member}
                  muted={mutedUntil !== null}
                  onOpenThread={() => {
                    onOpenThread(member);
                  }}
                />
              )}
            </li>
          );
        })}
      </ul>
      {gone.length > 0 && (
        <>
          <h4 className="console-subtitle">Earlier in this session</h4>
          <p className="hint">People who wrote here and are not in the room now.</p>
          <ul className="plain-list console-list">
            {gone.map((member) => {
              const mutedUntil = mutes.get(member.memberId) ?? null;
              return (
                <li key={member.memberId} className="console-person">
                  <p className="console-person-line">
                    <span className="list-main">{memberName(member)}</span>
                    {mutedUntil && (
                      <span className="console-flag">
                        muted until <time dateTime={mutedUntil}>{formatTime(mutedUntil)}</time>
                      </span>
                    )}
                  </p>
                  <PersonActions client={client} member={member} muted={mutedUntil !== null} />
                </li>
              );
            })}
          </ul>
        </>
      )}
    </ConsoleSection>
  );
}
