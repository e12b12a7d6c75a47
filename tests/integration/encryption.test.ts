import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSealer, formatKeyRing, newKey, parseKeyRing, sealedAt } from '../../server/src/crypto/keyring.ts';
import { resealAll } from '../../server/src/crypto/rotation.ts';
import { checkOutWords, messages } from '../../server/src/db/schema.ts';
import { createGroup, createOrganiser, inviteParticipant, newClientId, startSession } from '../support/factories.ts';
import { startNode, type Node } from '../support/hearth.ts';
import type { HttpClient } from '../support/http.ts';
import { modes, type Provisioned } from '../support/modes.ts';
import { command, connect, enter, postedMessages, unwrap, type TestSocket } from '../support/socket.ts';

/** Every sealed column's raw values, as a dump would show them. */
async function rawContent(node: Node): Promise<string> {
  const result = await node.database.db.execute(sql`
    select body as v from messages union all select coalesce(warning_note, '') from messages
    union all select body from side_messages union all select reported_text from reports
    union all select note from reports union all select word from check_in_answers union all select word from check_out_words`);
  return JSON.stringify((result as unknown as { rows: unknown[] }).rows);
}

describe.each(modes)('content at rest, $name mode', (mode) => {
  let place: Provisioned;
  let node: Node;
  let organiser: HttpClient;
  const sockets: TestSocket[] = [];
  const words = {
    message: 'The night it happened I told nobody.',
    note: 'Describes the night in detail.',
    side: 'Can we talk after, just us?',
  };

  beforeAll(async () => {
    place = await mode.provision();
    node = await startNode(place);
    organiser = await createOrganiser(node);
  });

  afterAll(async () => {
    sockets.forEach((socket) => socket.close());
    await node?.close();
    await place?.dispose();
  });

  async function room() {
    const groupId = (await createGroup(organiser)).id;
    const sessionId = (await startSession(organiser, groupId)).id;
    const facilitator = await connect(node.url, organiser.cookie);
    sockets.push(facilitator);
    await enter(facilitator, sessionId);
    const person = await inviteParticipant(organiser, groupId);
    const socket = await connect(node.url, person.client.cookie);
    sockets.push(socket);
    await enter(socket, sessionId);
    return { sessionId, facilitator, socket };
  }

  it('stores messages, warning notes, side messages and reported words only sealed', async () => {
    const { sessionId, facilitator, socket } = await room();
    const sent = unwrap(
      await command(socket, 'message:send', {
        sessionId,
        clientId: newClientId(),
        text: words.message,
        warning: { categories: ['sexual-violence'], note: words.note },
      }),
    );
    unwrap(await command(socket, 'side:send', { sessionId, participantId: null, clientId: newClientId(), text: words.side }));
    const facilitatorWords = unwrap(
      await command(facilitator, 'message:send', { sessionId, clientId: newClientId(), text: 'Thank you for trusting us with that.' }),
    );
    unwrap(await command(socket, 'message:report', { sessionId, messageId: facilitatorWords.id, reason: 'other', note: '' }));

    const dump = await rawContent(node);
    for (const text of [...Object.values(words), 'Thank you for trusting us with that.']) expect(dump).not.toContain(text);
    expect(dump).toMatch(/v1\.k1\./);

    // People still read it all.
    const page = unwrap(await command(socket, 'room:catch-up', { sessionId, afterSeq: 0 }));
    expect(postedMessages(page.events).find((m) => m.id === sent.id)).toMatchObject({
      text: words.message,
      warning: { note: words.note },
    });
    const console = unwrap(await command(facilitator, 'staff:state', { sessionId }));
    expect(console.sideMessages.map((m) => m.text)).toEqual([words.side]);
    expect(console.reports.map((r) => r.reportedText)).toEqual(['Thank you for trusting us with that.']);
  });

  it('refuses a sealed message moved to another row', async () => {
    const { sessionId, socket } = await room();
    const first = unwrap(await command(socket, 'message:send', { sessionId, clientId: newClientId(), text: 'First.' }));
    const second = unwrap(await command(socket, 'message:send', { sessionId, clientId: newClientId(), text: 'Second.' }));
    const [row] = await node.database.db.select().from(messages).where(eq(messages.id, first.id));
    await node.database.db.update(messages).set({ body: row!.body }).where(eq(messages.id, second.id));
    const [moved] = await node.database.db.select().from(messages).where(eq(messages.id, second.id));
    expect(() => node.sealer.open(moved!.body, `messages.body.${second.id}`)).toThrow();
    expect(node.sealer.open(row!.body, `messages.body.${first.id}`)).toBe('First.');
    await node.database.db.delete(messages).where(eq(messages.id, second.id));
  });

  it('re-seals everything under a new primary key, and still reads it all', async () => {
    const { sessionId, socket } = await room();
    unwrap(await command(socket, 'message:send', { sessionId, clientId: newClientId(), text: 'Before the rotation.' }));
    const current =
      place.encryptionKeys ?? readFileSync(path.join(place.dataDir, 'encryption-keys'), 'utf8').trim();
    const [id, key] = newKey('k2');
    const rotated = `${id}:${key.toString('base64')},${formatKeyRing(parseKeyRing(current))}`;
    // A check-out word counted under the old key, and the same word counted after the new key
    // came in: after the rotation they are one row, found under the new key.
    const newSealer = createSealer(parseKeyRing(rotated));
    const context = `check_out_words.${sessionId}`;
    const [before, after] = [randomUUID(), randomUUID()];
    await node.database.db.insert(checkOutWords).values([
      { id: before, sessionId, wordKey: node.sealer.blindIndex('lighter', context), word: node.sealer.seal('lighter', sealedAt('check_out_words', 'word', before)), count: 2 },
      { id: after, sessionId, wordKey: newSealer.blindIndex('lighter', context), word: newSealer.seal('lighter', sealedAt('check_out_words', 'word', after)), count: 1 },
    ]);
    const counts = await resealAll(node.database.db, newSealer);
    expect(counts['messages.body']).toBeGreaterThan(0);
    expect(counts['check_out_words.word_key']).toBe(1);
    const words = await node.database.db.select().from(checkOutWords).where(eq(checkOutWords.sessionId, sessionId));
    expect(words.map((row) => [newSealer.open(row.word, sealedAt('check_out_words', 'word', row.id)), row.count, row.wordKey])).toEqual([
      ['lighter', 3, newSealer.blindIndex('lighter', context)],
    ]);
    expect(await rawContent(node)).not.toMatch(/v1\.k1\./);
    const repeat = await resealAll(node.database.db, createSealer(parseKeyRing(rotated)));
    expect(Object.keys(repeat)).toEqual(Object.keys(counts));
    expect(Object.values(repeat).every((count) => count === 0), JSON.stringify(repeat)).toBe(true);

    await node.close();
    node = await startNode(place, { encryptionKeys: rotated });
    const again = await connect(node.url, (await inviteParticipantFor(sessionId)).cookie);
    sockets.push(again);
    const joined = await enter(again, sessionId);
    expect(postedMessages(joined.events).map((m) => m.text)).toContain('Before the rotation.');
  });

  async function inviteParticipantFor(sessionId: string) {
    const [row] = await node.database.db.execute(sql`select group_id from sessions where id = ${sessionId}`).then(
      (result) => (result as unknown as { rows: Array<{ group_id: string }> }).rows,
    );
    return (await inviteParticipant(organiser.at(node.url), row!.group_id)).client;
  }
});
