import { randomUUID } from 'node:crypto';
import { limits } from '@hearth/shared';
import { ApiErrorSchema, clientCommands } from '@hearth/shared';
import { count, is } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as schema from '../../server/src/db/schema.ts';
import { messages } from '../../server/src/db/schema.ts';
import { newClientId, openRoomWithParticipant, startSession } from '../support/factories.ts';
import { startNode, type Node } from '../support/hearth.ts';
import { HttpClient } from '../support/http.ts';
import { modes, type Provisioned } from '../support/modes.ts';
import {
  collect,
  collectEvents,
  command,
  connect,
  enter,
  postedMessages,
  raw,
  unwrap,
  type TestSocket,
} from '../support/socket.ts';

describe.each(modes)('bad input, $name mode', (mode) => {
  let place: Provisioned;
  let node: Node;
  let organiser: HttpClient;
  let participant: HttpClient;
  let groupId: string;
  let sessionId: string;
  let sender: TestSocket;
  let listener: TestSocket;

  beforeAll(async () => {
    place = await mode.provision();
    node = await startNode(place);
    ({ organiser, groupId, sessionId, participant } = await openRoomWithParticipant(node));
    sender = await connect(node.url, participant.cookie);
    listener = await connect(node.url, organiser.cookie);
    // The organiser facilitates: while they are in the room, the participant may write.
    await enter(listener, sessionId);
    await enter(sender, sessionId);
  });

  afterAll(async () => {
    sender?.close();
    listener?.close();
    await node?.close();
    await place?.dispose();
  });

  const messageCount = async () => (await node.database.db.select({ n: count() }).from(messages))[0]!.n;

  describe('socket payloads', () => {
    const tooLong = 'x'.repeat(limits.messageTextMax + 1);
    const cases: Array<[string, string, unknown[]]> = [
      ['no payload', 'message:send', []],
      ['a string payload', 'message:send', ['hello']],
      ['null', 'message:send', [null]],
      ['an array', 'message:send', [[1, 2, 3]]],
      ['a missing text', 'message:send', [{ sessionId: 'S', clientId: 'C' }]],
      ['a number for text', 'message:send', [{ sessionId: 'S', clientId: 'C', text: 42 }]],
      ['a clientId that is not a uuid', 'message:send', [{ sessionId: 'S', clientId: 'abc', text: 'hi' }]],
      ['empty text', 'message:send', [{ sessionId: 'S', clientId: 'C', text: '   ' }]],
      ['oversize text', 'message:send', [{ sessionId: 'S', clientId: 'C', text: tooLong }]],
      ['a replyToId that is not a uuid', 'message:send', [{ sessionId: 'S', clientId: 'C', text: 'hi', replyToId: 'x' }]],
      ['an empty warning', 'message:send', [{ sessionId: 'S', clientId: 'C', text: 'hi', warning: {} }]],
      ['a warning naming a category twice', 'message:send', [{ sessionId: 'S', clientId: 'C', text: 'hi', warning: { categories: ['sexual-violence', 'sexual-violence'] } }]],
      ['a negative afterSeq', 'room:join', [{ sessionId: 'S', afterSeq: -1, reminderAcknowledged: true }]],
      ['a fractional afterSeq', 'room:join', [{ sessionId: 'S', afterSeq: 1.5, reminderAcknowledged: true }]],
      ['a session id that is not a uuid', 'room:join', [{ sessionId: 'nope', afterSeq: 0, reminderAcknowledged: true }]],
      ['a join without the reminder acknowledged', 'room:join', [{ sessionId: 'S', afterSeq: 0 }]],
      ['a join with the reminder refused', 'room:join', [{ sessionId: 'S', afterSeq: 0, reminderAcknowledged: false }]],
      ['a catch-up with a negative afterSeq', 'room:catch-up', [{ sessionId: 'S', afterSeq: -1 }]],
    ];

    it.each(cases)('answers %s with invalid_input and stores nothing', async (_name, event, args) => {
      const before = await messageCount();
      const filled = args.map((arg) =>
        arg && typeof arg === 'object' && !Array.isArray(arg)
          ? Object.fromEntries(
              Object.entries(arg).map(([key, value]) => [
                key,
                value === 'S' ? sessionId : value === 'C' ? newClientId() : value,
              ]),
            )
          : arg,
      );
      const reply = await raw(sender, event, ...filled);
      expect(reply.ok).toBe(false);
      expect(ApiErrorSchema.parse(reply.error).code).toBe('invalid_input');
      expect(reply.error.message.length).toBeGreaterThan(0);
      expect(sender.connected).toBe(true);
      expect(await messageCount()).toBe(before);
    });

    // Every command the contract names, including ones added later, refuses a payload that is
    // not an object of its shape.
    it.each(Object.keys(clientCommands))('answers a shapeless %s with invalid_input', async (event) => {
      const before = await messageCount();
      for (const payload of [undefined, 'text', 7, [], {}, { sessionId: 'not-a-uuid' }]) {
        const reply = await raw(sender, event, payload);
        expect(reply).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
      }
      expect(sender.connected).toBe(true);
      expect(await messageCount()).toBe(before);
    });

    it('answers an unknown event with unknown_event', async () => {
      const reply = await raw(sender, 'room:explode', { sessionId });
      expect(reply).toEqual({ ok: false, error: expect.objectContaining({ code: 'unknown_event' }) });
    });

    it('reports a failed command sent without an acknowledgement', async () => {
      const rejected = collect(sender, 'command:rejected');
      (sender as any).emit('message:send', { text: 5 });
      const [event] = await rejected.waitFor(1);
      expect(event).toMatchObject({ event: 'message:send', error: { code: 'invalid_input' } });
    });

    it('refuses a send to a room the socket has not joined', async () => {
      const other = (await startSession(organiser, groupId)).id;
      const reply = await command(sender, 'message:send', { sessionId: other, clientId: newClientId(), text: 'hi' });
      expect(reply).toEqual({ ok: false, error: expect.objectContaining({ code: 'forbidden' }) });
    });

    it('keeps the connection and the room working after all of that', async () => {
      const received = collectEvents(listener);
      const ack = unwrap(
        await command(sender, 'message:send', { sessionId, clientId: newClientId(), text: 'Still talking.' }),
      );
      await expect.poll(() => postedMessages(received.received).map((m) => m.id), { timeout: 5000 }).toContain(ack.id);
      expect(postedMessages(received.received).find((m) => m.id === ack.id)).toMatchObject({
        seq: ack.seq,
        text: 'Still talking.',
      });
    });

    it('disconnects nobody when a payload is larger than the transport allows', async () => {
      // socket.io closes a connection whose frame exceeds maxHttpBufferSize; the room goes on.
      const flooder = await connect(node.url, participant.cookie);
      const closed = new Promise((resolve) => flooder.once('disconnect', resolve));
      (flooder as any).emit('message:send', { sessionId, clientId: newClientId(), text: 'y'.repeat(200_000) });
      await closed;
      const received = collectEvents(listener);
      const ack = unwrap(await command(sender, 'message:send', { sessionId, clientId: newClientId(), text: 'Carry on.' }));
      await expect.poll(() => postedMessages(received.received).map((m) => m.id), { timeout: 5000 }).toContain(ack.id);
      expect(sender.connected && listener.connected).toBe(true);
    });
  });

  describe('REST bodies', () => {
    const routes: Array<{ path: () => string; valid: () => Record<string, unknown>; as: () => HttpClient }> = [
      { path: () => '/api/setup', valid: () => ({ token: 'x'.repeat(43), username: 'someone', password: 'long enough password' }), as: () => new HttpClient(node.url) },
      { path: () => '/api/auth/login', valid: () => ({ username: 'someone', password: 'whatever it is' }), as: () => new HttpClient(node.url) },
      { path: () => '/api/groups', valid: () => ({ name: 'A group', pseudonym: 'Lead' }), as: () => organiser },
      { path: () => `/api/groups/${groupId}/sessions`, valid: () => ({ title: 'Session', durationMinutes: 60 }), as: () => organiser },
      { path: () => '/api/invites/preview', valid: () => ({ code: 'x'.repeat(43) }), as: () => organiser },
      { path: () => '/api/invites/redeem', valid: () => ({ code: 'x'.repeat(43), pseudonym: 'Someone' }), as: () => organiser },
    ];

    const mutations: Array<[string, (valid: Record<string, unknown>) => unknown]> = [
      ['a missing field', (valid) => Object.fromEntries(Object.entries(valid).slice(1))],
      ['a wrong type', (valid) => ({ ...valid, [Object.keys(valid)[0]!]: 12345 })],
      ['oversize text', (valid) => ({ ...valid, [Object.keys(valid)[0]!]: 'z'.repeat(5000) })],
      ['a JSON array', () => [1, 2]],
      ['a JSON string', () => '"just a string"'],
    ];

    for (const route of routes) {
      it.each(mutations)(`POST %s to each route gets invalid_input and changes nothing`, async (_name, mutate) => {
        const before = await tableCounts();
        const res = await route.as().request('POST', route.path(), mutate(route.valid()));
        expect(res.status, route.path()).toBe(400);
        expect(ApiErrorSchema.parse(res.json)).toMatchObject({ code: 'invalid_input' });
        expect(await tableCounts()).toEqual(before);
      });
    }

    it('answers malformed JSON, a wrong content type and an oversize body clearly', async () => {
      const broken = await organiser.request('POST', '/api/groups', '{"name": ');
      expect(broken.status).toBe(400);
      expect(broken.json).toEqual({ code: 'invalid_input', message: 'The request body is not valid JSON.' });
      const form = await organiser.request('POST', '/api/groups', 'name=x', { 'content-type': 'text/plain' });
      expect(form.status).toBe(415);
      expect(form.json.code).toBe('invalid_input');
      const huge = await organiser.request('POST', '/api/groups', JSON.stringify({ name: 'q'.repeat(100_000) }));
      expect(huge.status).toBe(413);
      expect(huge.json.code).toBe('payload_too_large');
    });

    it('answers a malformed route parameter and an unknown route', async () => {
      const badId = await organiser.get('/api/groups/not-a-uuid/sessions');
      expect(badId.status).toBe(400);
      expect(badId.json.code).toBe('invalid_input');
      const unknownGroup = await organiser.get(`/api/groups/${randomUUID()}/sessions`);
      expect(unknownGroup.status).toBe(404);
      expect(unknownGroup.json.code).toBe('not_found');
      const nowhere = await organiser.get('/api/nowhere');
      expect(nowhere.status).toBe(404);
      expect(nowhere.json.code).toBe('not_found');
    });

  });

  async function tableCounts() {
    const db = node.database.db;
    const counts: Record<string, number> = {};
    for (const [name, table] of Object.entries(schema)) {
      if (!is(table, PgTable)) continue;
      counts[name] = (await db.select({ n: count() }).from(table))[0]!.n;
    }
    return counts;
  }
});
