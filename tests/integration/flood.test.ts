import { createHash } from 'node:crypto';
import { createClient } from 'redis';
import { describe, expect, it } from 'vitest';
import { rateLimits } from '../../server/src/lib/rateLimits.ts';
import { percentile, printFigures } from '../support/figures.ts';
import { newClientId } from '../support/factories.ts';
import { modes } from '../support/modes.ts';
import { command, raw, unwrap, type TestSocket } from '../support/socket.ts';
import { roomWorld } from '../support/world.ts';

const limits = rateLimits.socket;


const figures = (values: number[]) =>
  `p50 ${percentile(values, 50).toFixed(1)} ms, p95 ${percentile(values, 95).toFixed(1)} ms, max ${Math.max(...values).toFixed(1)} ms`;

/**
 * One member sends as fast as a client can; the limits turn it away cheaply while the others
 * in the room keep talking. Runs with the limits as Hearth ships them. What is asserted is the
 * mechanism (the flooder's work is bounded, nobody else is refused or loses a message); the
 * others' delivery times are printed as figures, not asserted, since this machine's load moves
 * them (in embedded mode the test's own clients share the server's process).
 */
describe.each(modes)('a flooding client, $name mode', (mode) => {
  const { world, openRoom, seat, socketOf } = roomWorld(mode, { roomClockMs: 200 }, { rateLimits });

  /** Sends `count` messages from `from`, one every `gapMs`, and times each to its arrival at `to`. */
  async function timedExchange(sessionId: string, from: TestSocket, to: TestSocket, count: number, gapMs: number) {
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    const arrived = new Promise<void>((resolve) => {
      to.on('room:event', (event) => {
        if (event.type !== 'message' || event.change !== 'posted') return;
        const start = sentAt.get(event.message.clientId);
        if (start === undefined) return;
        latencies.push(performance.now() - start);
        if (latencies.length === count) resolve();
      });
    });
    const refusals: string[] = [];
    for (let i = 0; i < count; i++) {
      const clientId = newClientId();
      sentAt.set(clientId, performance.now());
      const ack = await command(from, 'message:send', { sessionId, clientId, text: `Still here, ${i}.`, replyToId: null, warning: null });
      if (!ack.ok) refusals.push(ack.error.code);
      await new Promise((resolve) => setTimeout(resolve, gapMs));
    }
    await Promise.race([arrived, new Promise((resolve) => setTimeout(resolve, 5000))]);
    return { latencies, refusals };
  }

  it('limits the flooder, on every node at once, while the room keeps its pace', async () => {
    const { sessionId, people } = await openRoom(5);
    type Person = (typeof people)[0];
    const [flooder, speaker, secondSpeaker, thirdSpeaker, listener] = people as [Person, Person, Person, Person, Person];
    const floodHere = (await seat(flooder, sessionId)).socket;
    const floodThere = (await seat(flooder, sessionId, world.other)).socket;
    const speaking = (await seat(speaker, sessionId)).socket;
    // Each speaker sends within their own limit: the calm ten, then another ten in the flood.
    const speakingNext = (await seat(secondSpeaker, sessionId)).socket;
    const speakingAlso = (await seat(thirdSpeaker, sessionId, world.other)).socket;
    const listening = (await seat(listener, sessionId, world.other)).socket;

    const calm = await timedExchange(sessionId, speaking, listening, 10, 40);
    expect(calm.refusals).toEqual([]);
    expect(calm.latencies).toHaveLength(10);

    // As fast as a client can: every command sent without waiting, from two nodes at once.
    const attempts = 300;
    const send = (socket: TestSocket, i: number) =>
      raw(socket, 'message:send', { sessionId, clientId: newClientId(), text: `Flood ${i}`, replyToId: null, warning: null });
    const flood = Promise.all([
      ...Array.from({ length: attempts }, (_, i) => send(floodHere, i)),
      ...Array.from({ length: attempts }, (_, i) => raw(floodThere, 'room:catch-up', { sessionId, afterSeq: i % 5 })),
    ]);
    const [during, alongside] = await Promise.all([
      timedExchange(sessionId, speakingNext, listening, 10, 40),
      timedExchange(sessionId, speakingAlso, listening, 10, 40),
    ]);
    const answers = await flood;

    const sends = answers.slice(0, attempts);
    const catchUps = answers.slice(attempts);
    const accepted = sends.filter((ack) => ack.ok).length;
    // Writes are counted per account across nodes, within one window that began with this flood.
    expect(accepted).toBeGreaterThan(0);
    expect(accepted).toBeLessThanOrEqual(limits.writesPerAccount.limit);
    const refused = [...sends, ...catchUps].filter((ack) => !ack.ok);
    expect(new Set(refused.map((ack) => ack.error.code))).toEqual(new Set(['rate_limited']));
    expect(refused[0].error.message).toMatch(/Please wait \d+ seconds?/);
    // Reads are held to the socket's own pace: no more than its burst and what the flood's
    // time refilled, and a socket cannot pile up more than a few dozen waiting.
    const readsServed = catchUps.filter((ack) => ack.ok).length;
    expect(readsServed).toBeGreaterThan(10);
    expect(readsServed).toBeLessThanOrEqual(limits.perSocket.burst + 10);

    // Everyone else: nothing refused, nothing lost.
    expect([...during.refusals, ...alongside.refusals]).toEqual([]);
    expect(during.latencies).toHaveLength(10);
    expect(alongside.latencies).toHaveLength(10);
    during.latencies.push(...alongside.latencies);
    printFigures(
      `flood (${mode.name}): ${attempts} sends + ${attempts} reads from one account; ` +
        `${accepted} sends and ${readsServed} reads served. ` +
        `Others' delivery, calm: ${figures(calm.latencies)}; during the flood: ${figures(during.latencies)}`,
    );

    // Limited, not thrown out: the flooder's sockets are still connected and heard once the window passes.
    expect(floodHere.connected && floodThere.connected).toBe(true);
    const again = await socketOf(listener.client);
    expect(again.connected).toBe(true);
    unwrap(await command(speaking, 'message:send', { sessionId, clientId: newClientId(), text: 'After the flood.', replyToId: null, warning: null }));
  });

  it('answers a flood of requests with 429 and Retry-After, for that account only', async () => {
    const { people } = await openRoom(2);
    const [busy, calm] = people as [(typeof people)[0], (typeof people)[0]];
    const limit = rateLimits.rest.perAccount.limit;
    // Half of them spelled with an encoded path, which reaches the same route and counts the same.
    const statuses = await Promise.all(
      Array.from({ length: limit + 20 }, (_, i) => busy.client.get(i % 2 === 0 ? '/api/me' : '/%61pi/me')),
    );
    const limited = statuses.filter((res) => res.status === 429);
    const served = statuses.filter((res) => res.status === 200).length;
    // Joining the group already counted a few requests in this window.
    expect(served).toBeLessThanOrEqual(limit);
    expect(served).toBeGreaterThan(limit - 10);
    expect(served + limited.length).toBe(statuses.length);
    expect(limited[0]!.json.code).toBe('rate_limited');
    expect(Number(limited[0]!.headers.get('retry-after'))).toBeGreaterThan(0);
    // The same address, another account: not held back.
    expect((await calm.client.get('/api/me')).status).toBe(200);

    if (mode.name === 'services') {
      // What Redis holds names no address, account or username, not even as a plain hash.
      const redis = createClient({ url: world.place.redisUrl });
      await redis.connect();
      try {
        const keys = await redis.keys(`${world.place.redisKeyPrefix}:count:*`);
        expect(keys.length).toBeGreaterThan(0);
        const me = (await calm.client.get('/api/me')).json as { id: string; username: string };
        expect(me.username).toBeTruthy();
        const plain = ['127.0.0.1', me.id, me.username, createHash('sha256').update('127.0.0.1').digest('hex')];
        for (const value of plain) expect(keys.join('\n')).not.toContain(value);
      } finally {
        await redis.quit();
      }
    }
  });
});
