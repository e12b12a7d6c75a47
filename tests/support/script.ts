import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import type { HttpClient } from './http.ts';
import { newClientId } from './factories.ts';
import { command, unwrap, type TestSocket } from './socket.ts';

/**
 * Every kind of content a room holds, each carrying a marker found nowhere else, so a search of
 * a database dump or a log for the marker finds that content and nothing by chance.
 */
export function contentMarkers() {
  const mark = () => `zq${randomBytes(6).toString('hex')}`;
  return {
    message: `The first time I said it out loud ${mark()}`,
    warningNote: `Details of that night ${mark()}`,
    edited: `What I meant to say was ${mark()}`,
    reply: `I hear you, it took me years ${mark()}`,
    crisis: `Some nights I want to die ${mark()}`,
    announcement: `We will take a short pause soon ${mark()}`,
    reportNote: `This names someone ${mark()}`,
    sideFromParticipant: `Can I talk to you after ${mark()}`,
    sideFromFacilitator: `Of course, I am here ${mark()}`,
    checkInWord: mark(),
    checkOutWord: mark(),
  };
}
export type ContentMarkers = ReturnType<typeof contentMarkers>;

export type ScriptedRoom = {
  sessionId: string;
  facilitator: TestSocket;
  /** The facilitator's browser profile: the organiser who leads the group. */
  facilitatorClient: HttpClient;
  people: Array<{ socket: TestSocket; client: HttpClient; memberId: string }>;
};

/**
 * A whole session as people hold one: a message with a content warning and a note, an edit, a
 * reply, a reaction, words that raise a crisis alert, an announcement, a report with a note, a
 * side conversation both ways, a check-in round with a word and, once it has ended, a check-out
 * with a word. Needs two participants in the room.
 */
export async function runScriptedSession(room: ScriptedRoom, words: ContentMarkers): Promise<void> {
  const { sessionId, facilitator } = room;
  const [first, second] = room.people;
  if (!first || !second) throw new Error('the script needs two participants');

  const sent = unwrap(
    await command(first.socket, 'message:send', {
      sessionId,
      clientId: newClientId(),
      text: words.message,
      replyToId: null,
      warning: { categories: ['sexual-violence'], note: words.warningNote },
    }),
  );
  unwrap(await command(first.socket, 'message:edit', { sessionId, messageId: sent.id, text: words.edited }));
  const reply = unwrap(
    await command(second.socket, 'message:send', {
      sessionId,
      clientId: newClientId(),
      text: words.reply,
      replyToId: sent.id,
      warning: null,
    }),
  );
  unwrap(await command(first.socket, 'message:react', { sessionId, messageId: reply.id, reaction: 'heart', on: true }));
  unwrap(
    await command(first.socket, 'message:send', {
      sessionId,
      clientId: newClientId(),
      text: words.crisis,
      replyToId: null,
      warning: null,
    }),
  );
  unwrap(await command(facilitator, 'room:announce', { sessionId, clientId: newClientId(), text: words.announcement }));
  unwrap(
    await command(second.socket, 'message:report', {
      sessionId,
      messageId: sent.id,
      reason: 'identifying',
      note: words.reportNote,
    }),
  );
  unwrap(await command(first.socket, 'support:request', { sessionId }));
  unwrap(
    await command(first.socket, 'side:send', {
      sessionId,
      participantId: null,
      clientId: newClientId(),
      text: words.sideFromParticipant,
    }),
  );
  unwrap(
    await command(facilitator, 'side:send', {
      sessionId,
      participantId: first.memberId,
      clientId: newClientId(),
      text: words.sideFromFacilitator,
    }),
  );
  const round = unwrap(await command(facilitator, 'checkin:open', { sessionId }));
  expect(round.seq).toBeGreaterThan(0);
  const state = unwrap(await command(facilitator, 'staff:state', { sessionId }));
  const checkInId = state.checkIn?.id;
  if (!checkInId) throw new Error('no check-in round open');
  unwrap(await command(first.socket, 'checkin:answer', { sessionId, checkInId, colour: 'amber', word: words.checkInWord }));

  // Everything is in place while the room is open: the facilitators' console shows it.
  const console = unwrap(await command(facilitator, 'staff:state', { sessionId }));
  expect(console.checkIn?.answers.map((answer) => answer.word)).toContain(words.checkInWord);
  expect(console.reports.map((report) => report.note)).toContain(words.reportNote);

  const ended = await room.facilitatorClient.post(`/api/sessions/${sessionId}/end`);
  expect(ended.status, ended.text).toBeLessThan(300);
  const checkedOut = await first.client.post(`/api/sessions/${sessionId}/check-out`, {
    colour: 'green',
    word: words.checkOutWord,
  });
  expect(checkedOut.status, checkedOut.text).toBe(204);
  const totals = await room.facilitatorClient.get(`/api/sessions/${sessionId}/check-out`);
  expect(totals.json.words).toEqual([{ word: words.checkOutWord, count: 1 }]);
}
