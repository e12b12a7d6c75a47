import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newClientId, openRoomWithParticipant } from '../support/factories.ts';
import { startNode, type Node } from '../support/hearth.ts';
import { modes, type Provisioned } from '../support/modes.ts';
import { ownRedis } from '../support/redis-server.ts';
import { collectEvents, command, connect, enter, postedMessages, unwrap, type TestSocket } from '../support/socket.ts';

const services = modes.find((mode) => mode.name === 'services');

async function eventually(check: () => Promise<boolean>, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.runIf(services)('a Redis outage between two nodes', () => {
  let place: Provisioned;
  let redis: Awaited<ReturnType<typeof ownRedis>>;
  let nodeA: Node;
  let nodeB: Node;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    redis = await ownRedis();
    place = { ...(await services!.provision()) };
    place.redisUrl = redis.url;
    nodeA = await startNode(place);
    nodeB = await startNode(place);
  });

  afterAll(async () => {
    sockets.forEach((socket) => socket.close());
    await nodeA?.close();
    await nodeB?.close();
    await redis?.stop();
    await place?.dispose();
  });

  it('reports itself degraded while Redis is down, and delivers across nodes again after', async () => {
    const { organiser, sessionId, participant } = await openRoomWithParticipant(nodeA);
    const sender = await connect(nodeA.url, organiser.cookie);
    const receiver = await connect(nodeB.url, participant.cookie);
    sockets.push(sender, receiver);
    await enter(sender, sessionId);
    await enter(receiver, sessionId);
    const received = collectEvents(receiver);
    const heard = () => postedMessages(received.received).map((message) => message.text);
    const before = unwrap(await command(sender, 'message:send', { sessionId, clientId: newClientId(), text: 'before' }));
    await expect.poll(heard, { timeout: 5000 }).toContain('before');

    await redis.stop();
    await eventually(async () => (await fetch(`${nodeA.url}/readyz`)).status === 503);
    const degraded = await (await fetch(`${nodeA.url}/readyz`)).json();
    expect(degraded).toEqual({ status: 'degraded', checks: { database: 'ok', redis: 'failed' } });
    // Messages are still stored and acknowledged; only the cross-node broadcast waits.
    const during = unwrap(
      await command(sender, 'message:send', { sessionId, clientId: newClientId(), text: 'during' }),
    );
    expect(during.seq).toBe(before.seq + 1);

    await redis.start();
    await eventually(async () => (await fetch(`${nodeA.url}/readyz`)).status === 200);
    await eventually(async () => (await fetch(`${nodeB.url}/readyz`)).status === 200);
    // What the broadcast missed, catch-up repairs.
    const caughtUp = await enter(receiver, sessionId, before.seq);
    expect(postedMessages(caughtUp.events).map((m) => [m.seq, m.text])).toEqual([[during.seq, 'during']]);
    // And the re-subscribed nodes carry new broadcasts again.
    let delivered = false;
    for (let attempt = 0; attempt < 20 && !delivered; attempt++) {
      const text = `after ${attempt}`;
      unwrap(await command(sender, 'message:send', { sessionId, clientId: newClientId(), text }));
      await new Promise((resolve) => setTimeout(resolve, 500));
      // Only a message sent after Redis returned proves the nodes re-subscribed.
      delivered = heard().includes(text);
    }
    expect(delivered).toBe(true);
  });
});
