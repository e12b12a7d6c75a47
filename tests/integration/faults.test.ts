import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import {
  readiness,
  seedRoom,
  startTwoNodes,
  stopAll,
  waitUntil,
  type HearthProcess,
} from '../support/cluster.ts';
import { newClientId, uniqueName } from '../support/factories.ts';
import { printFigures } from '../support/figures.ts';
import {
  committedButUnanswered,
  deliveryFindings,
  describeFigures,
  loadFigures,
  roomHistory,
  roomLoad,
  type RoomLoad,
} from '../support/load.ts';
import { modes, servicesUrls, type Provisioned } from '../support/modes.ts';
import { ownPostgres, type OwnPostgres } from '../support/postgres-server.ts';
import { ownRedis } from '../support/redis-server.ts';
import { command, connect, enter, type TestSocket } from '../support/socket.ts';

const services = modes.find((mode) => mode.name === 'services');

const PARTICIPANTS = 6;
/** Each node's pool (server/src/db/database.ts). */
const POOL_MAX = 10;
/** How long node-redis waits for an answer to a queued command before rejecting it. */
const REDIS_COMMAND_TIMEOUT_MS = 5000;
/** The per-account write window (server/src/lib/rateLimits.ts). */
const WRITE_WINDOW_MS = 10_000;
/** Bounds for each phase: generous for a busy two-core machine, never open-ended. */
const SETTLE_MS = 25_000;
const CATCH_UP_MS = 15_000;
const RECONNECT_MS = 20_000;
const TEST_MS = 120_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A fresh database on the test's own PostgreSQL, with the shared Redis under a prefix of its own. */
async function placeOn(postgres: OwnPostgres): Promise<Provisioned> {
  const database = uniqueName('hearth_faults');
  await withClient(postgres.url, (client) => client.query(`create database ${database}`));
  return {
    databaseUrl: postgres.urlOf(database),
    dataDir: '/nonexistent',
    redisUrl: servicesUrls.redisUrl!,
    redisKeyPrefix: uniqueName('t'),
    encryptionKeys: `k1:${randomBytes(32).toString('base64')}`,
    // The whole server, database included, goes with the test's PostgreSQL.
    dispose: async () => undefined,
  };
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The stored rows themselves, beside what the room's history shows: one per client id. */
async function storedMessages(databaseUrl: string, sessionId: string) {
  const { rows } = await withClient(databaseUrl, (client) =>
    client.query<{ rows: number; clientIds: number }>(
      'select count(*)::int as "rows", count(distinct client_id)::int as "clientIds" from messages where session_id = $1',
      [sessionId],
    ),
  );
  return rows[0]!;
}

/** How many sockets the room's roster counts as connected, on any node. */
async function connectionRows(databaseUrl: string, sessionId: string): Promise<number> {
  const { rows } = await withClient(databaseUrl, (client) =>
    client.query<{ n: number }>('select count(*)::int as n from room_connections where session_id = $1', [sessionId]),
  );
  return rows[0]!.n;
}

/** Sends to `node` that never got an answer: cut off by its going away. */
function unansweredOn(load: RoomLoad, node: string): number {
  return load.attempts().filter(({ attempt }) => attempt.node === node && attempt.result?.kind === 'no-answer').length;
}

const degraded = (failing: 'database' | 'redis') => ({
  status: 503,
  body: { status: 'degraded', checks: { database: failing === 'database' ? 'failed' : 'ok', redis: failing === 'redis' ? 'failed' : 'ok' } },
});

async function bothReadyzAre(nodes: readonly HearthProcess[], status: number): Promise<boolean> {
  const answers = await Promise.all(nodes.map(readiness));
  return answers.every((answer) => answer.status === status);
}

describe.runIf(services)('faults under load: two Hearth processes on PostgreSQL and Redis', () => {
  let running: HearthProcess[] = [];
  let load: RoomLoad | undefined;
  let cleanups: Array<() => Promise<unknown>> = [];

  afterEach(async () => {
    const [started, nodes, rest] = [load, running, cleanups.reverse()];
    const steps = [() => started?.close(), () => stopAll(nodes), ...rest];
    load = undefined;
    running = [];
    cleanups = [];
    // Every step runs, whatever an earlier one did: a server left running outlives the test.
    const failed: unknown[] = [];
    for (const step of steps) await Promise.resolve().then(step).catch((error: unknown) => failed.push(error));
    if (failed.length > 0) throw failed[0];
  });

  /** Two nodes on a fresh place, their room already busy with messages for a few seconds. */
  async function underLoad() {
    const place = await services!.provision();
    cleanups.push(() => place.dispose());
    const running = await bringUp(place);
    running.load.startSending();
    await sleep(4000);
    return { place, ...running };
  }

  /** Two nodes on `place`, one open room, and its members entered, on their home nodes. */
  async function bringUp(place: Provisioned) {
    const { a, b, setupToken } = await startTwoNodes(place);
    running.push(a, b);
    const room = await seedRoom(a, setupToken, PARTICIPANTS);
    load = await roomLoad({
      sessionId: room.sessionId,
      nodes: [
        { name: 'A', url: a.url },
        { name: 'B', url: b.url },
      ],
      members: [
        // Participants may write only while a facilitator is present, and a node that stops
        // takes its sockets' presence with it: the room's one facilitator stays on A, which lives.
        { name: 'organiser', cookie: room.organiser.cookie, home: 'A' },
        ...room.people.map((person, i) => ({
          name: `participant ${i + 1}`,
          cookie: person.client.cookie,
          home: i % 2 === 0 ? 'B' : 'A',
        })),
      ],
    });
    return { a, b, room, load };
  }

  /**
   * Stops the writing, lets every sender settle, reads the history as a newcomer would, brings
   * every member up to its end through catch-up, and checks every send is accounted for.
   */
  async function accountForEverySend(survivor: HearthProcess, room: Awaited<ReturnType<typeof bringUp>>['room'], place: Provisioned) {
    const current = load!;
    current.stopSending();
    await current.settle(SETTLE_MS);
    const history = await roomHistory(survivor.url, room.organiser.cookie, room.sessionId);
    await current.catchUp(history.lastSeq, CATCH_UP_MS);
    expect(deliveryFindings(current, history.events)).toEqual({ perMember: [], history: [], ordering: [], unsettled: [] });
    expect(current.members.filter((member) => member.lostFor).map((member) => member.lostFor)).toEqual([]);
    const figures = loadFigures(current, history.events);
    const stored = await storedMessages(place.databaseUrl!, room.sessionId);
    expect(stored).toEqual({ rows: figures.storedMessages, clientIds: figures.storedMessages });
    expect(figures.acked).toBeGreaterThan(PARTICIPANTS * 5);
    return { figures, history: history.events };
  }

  it(
    'SIGKILL of one node: every acknowledged message reaches everyone exactly once, in order, after reconnecting',
    async () => {
      const { place, a, b, room, load } = await underLoad();

      const onB = load.members.filter((member) => member.node === 'B');
      await load.sendUnderWay('B');
      const killedAt = Date.now();
      b.child.kill('SIGKILL');
      expect(await b.exited).toEqual({ code: null, signal: 'SIGKILL' });
      await waitUntil(
        'everyone who was on B is back in the room on A',
        () => onB.every((member) => member.node === 'A' && member.connected),
        RECONNECT_MS,
      );
      const backMs = Date.now() - killedAt;
      await sleep(4000);

      const { figures, history } = await accountForEverySend(a, room, place);
      expect(a.alive()).toBe(true);
      expect(await readiness(a)).toMatchObject({ status: 200 });
      const cutOff = unansweredOn(load, 'B');
      const answersLost = committedButUnanswered(load, history, 'B').length;
      printFigures(
        `faults · SIGKILL node B (${onB.length} of ${load.members.length} members on it) with a send under way: ` +
          `${cutOff} sends cut off (${answersLost} of them had committed), all settled after resending on A; ` +
          `everyone back on A ${backMs} ms after the kill. ${describeFigures(figures)}`,
      );
    },
    TEST_MS,
  );

  it(
    'Redis stopped for a while: nodes stay up and degraded, sends are acknowledged, everything arrives after',
    async () => {
      const redis = await ownRedis();
      cleanups.push(() => redis.stop());
      const place = { ...(await services!.provision()), redisUrl: redis.url };
      cleanups.push(() => place.dispose());
      const { a, b, room, load } = await bringUp(place);
      load.startSending();
      await sleep(3000);

      const stoppedAt = Date.now();
      await redis.stop();
      const degradedMs = await waitUntil('both nodes report Redis failed', () => bothReadyzAre([a, b], 503), 15_000);
      for (const node of [a, b]) expect(await readiness(node)).toEqual(degraded('redis'));
      // Longer than the Redis client's command timeout, so that what it queued meanwhile times out.
      await sleep(REDIS_COMMAND_TIMEOUT_MS + 1000);
      expect([a.alive(), b.alive()]).toEqual([true, true]);

      const restartedAt = Date.now();
      await redis.start();
      const readyMs = await waitUntil('both nodes ready again', () => bothReadyzAre([a, b], 200), 20_000);
      await sleep(3000);

      const { figures } = await accountForEverySend(a, room, place);
      expect([a.alive(), b.alive()]).toEqual([true, true]);
      // Storage is PostgreSQL: writing goes on without Redis; only cross-node broadcasts wait.
      const whileDown = load.attempts().filter(({ attempt }) => attempt.at >= stoppedAt && attempt.at < restartedAt);
      const refusedWhileDown = whileDown.filter(({ attempt }) => attempt.result?.kind !== 'ok');
      expect(refusedWhileDown.map(({ record, attempt }) => `${record.text}: ${JSON.stringify(attempt.result)}`)).toEqual([]);
      expect(whileDown.length).toBeGreaterThanOrEqual(load.members.length * 3);
      printFigures(
        `faults · Redis down ${restartedAt - stoppedAt} ms under load: both nodes degraded ${degradedMs} ms after, ` +
          `${whileDown.length} sends while down, all acknowledged; ready ${readyMs} ms after Redis was back. ${describeFigures(figures)}`,
      );
    },
    TEST_MS,
  );

  it(
    'PostgreSQL restarted: no crash, nothing acknowledged while it is down, sends work again soon after, no pool client leaked',
    async () => {
      const postgres = await ownPostgres();
      cleanups.push(() => postgres.dispose());
      const place = await placeOn(postgres);
      const { a, b, room, load } = await bringUp(place);
      load.startSending();
      await sleep(3000);

      await postgres.stop('fast');
      const downAt = Date.now();
      const degradedMs = await waitUntil('both nodes report the database failed', () => bothReadyzAre([a, b], 503), 15_000);
      for (const node of [a, b]) expect(await readiness(node)).toEqual(degraded('database'));
      await sleep(4000);
      expect([a.alive(), b.alive()]).toEqual([true, true]);

      const startAskedAt = Date.now();
      await postgres.start();
      const backAt = Date.now();
      await waitUntil(
        'a send acknowledged after PostgreSQL is back',
        () => load.attempts().some(({ attempt }) => attempt.result?.kind === 'ok' && attempt.answeredAt! >= backAt),
        20_000,
      );
      const firstOkMs = Math.min(
        ...load
          .attempts()
          .flatMap(({ attempt }) => (attempt.result?.kind === 'ok' && attempt.answeredAt! >= backAt ? [attempt.answeredAt! - backAt] : [])),
      );
      const readyMs = await waitUntil('both nodes ready again', () => bothReadyzAre([a, b], 200), 20_000);
      await sleep(3000);

      const { figures } = await accountForEverySend(a, room, place);
      expect([a.alive(), b.alive()]).toEqual([true, true]);
      const whileDown = load.attempts().filter(({ attempt }) => attempt.at >= downAt && attempt.at < startAskedAt);
      const okWhileDown = whileDown.filter(({ attempt }) => attempt.result?.kind === 'ok' && attempt.answeredAt! < startAskedAt);
      expect(okWhileDown.map(({ record }) => record.text)).toEqual([]);
      const errorsWhileDown = whileDown.filter(({ attempt }) => attempt.result?.kind === 'error').length;
      // Said as what it is, a moment's unavailability the client retries, never as a fault of ours.
      const codesWhileDown = new Set(
        whileDown.flatMap(({ attempt }) => (attempt.result?.kind === 'error' ? [attempt.result.code] : [])),
      );
      expect([...codesWhileDown].filter((code) => code !== 'unavailable')).toEqual([]);
      const unansweredWhileDown = whileDown.filter(({ attempt }) => attempt.result?.kind === 'no-answer').length;
      expect(errorsWhileDown + unansweredWhileDown).toBeGreaterThan(0);
      expect(firstOkMs).toBeLessThan(10_000);

      // The load's writes must have left the per-account window before the sequential sends,
      // which would otherwise be refused for their rate rather than tell anything of the pool.
      const lastLoadSend = Math.max(...load.attempts().map(({ attempt }) => attempt.at));
      await sleep(Math.max(0, lastLoadSend + WRITE_WINDOW_MS + 500 - Date.now()));
      const cookies = [room.organiser.cookie, ...room.people.map((person) => person.client.cookie)];
      const sends = 2 * POOL_MAX + 4;
      const monitor = await connectionMonitor(postgres, place);
      try {
        for (const node of [a, b]) {
          const failures = await sendSequentially(node, cookies, room.sessionId, sends);
          expect(failures, `sequential sends through node ${node.name}`).toEqual([]);
        }
      } finally {
        await monitor.stop();
      }
      expect(monitor.max).toBeLessThanOrEqual(2 * POOL_MAX);
      printFigures(
        `faults · PostgreSQL down ${startAskedAt - downAt} ms under load: both nodes degraded ${degradedMs} ms after; ` +
          `${whileDown.length} sends while down (${errorsWhileDown} error answers, ${unansweredWhileDown} unanswered, 0 acknowledged); ` +
          `first acknowledged ${firstOkMs} ms after PostgreSQL was back, ready ${readyMs} ms after. ` +
          `${sends} sequential sends through each node, all acknowledged; at most ${monitor.max} server connections ` +
          `(limit ${2 * POOL_MAX}). ${describeFigures(figures)}`,
      );
    },
    TEST_MS,
  );

  it(
    'SIGTERM of one node: it drains and exits 0 within 10 s, and nothing acknowledged is lost',
    async () => {
      const { place, a, b, room, load } = await underLoad();

      const onB = load.members.filter((member) => member.node === 'B');
      await load.sendUnderWay('B');
      const termAt = Date.now();
      b.child.kill('SIGTERM');
      const exit = await b.exited;
      const exitMs = Date.now() - termAt;
      expect(exit).toEqual({ code: 0, signal: null });
      expect(exitMs).toBeLessThan(10_000);
      expect(b.output()).not.toContain('still running at shutdown');
      await waitUntil(
        'everyone who was on B is back in the room on A',
        () => onB.every((member) => member.node === 'A' && member.connected),
        RECONNECT_MS,
      );
      const backMs = Date.now() - termAt;
      // The server closed their transports: a dropped connection, which clients reconnect from.
      for (const member of onB) {
        expect(member.disconnects.find((drop) => drop.at >= termAt)?.reason, member.name).toBe('transport close');
      }
      const answeredInDrain = load
        .attempts()
        .filter(({ attempt }) => attempt.node === 'B' && attempt.answeredAt !== null && attempt.answeredAt >= termAt).length;
      const cutOff = unansweredOn(load, 'B');
      await sleep(3000);

      const { figures, history } = await accountForEverySend(a, room, place);
      expect(a.alive()).toBe(true);
      // A send B had committed was answered before its transport closed: draining waits for it.
      expect(committedButUnanswered(load, history, 'B').map((record) => record.text)).toEqual([]);
      // B wrote down its people leaving before it closed its database: none of its connections
      // is left for the others' sweep (which only comes a minute later), only those open on A.
      expect(b.output()).not.toContain('socket background work failed');
      await waitUntil(
        'the roster counts only the sockets open on A',
        async () => (await connectionRows(place.databaseUrl!, room.sessionId)) === load.members.length,
        5000,
      );
      printFigures(
        `faults · SIGTERM node B (${onB.length} of ${load.members.length} members on it) with a send under way: ` +
          `exited 0 in ${exitMs} ms; ${answeredInDrain} sends answered while draining, ${cutOff} cut off before ` +
          `B took them (resent on A); everyone back on A ${backMs} ms after SIGTERM. ${describeFigures(figures)}`,
      );
    },
    TEST_MS,
  );
});

/** Sends one message after another through `node`, taking turns among the accounts; returns what failed. */
async function sendSequentially(node: HearthProcess, cookies: readonly string[], sessionId: string, count: number) {
  const sockets: TestSocket[] = [];
  try {
    for (const cookie of cookies) {
      const socket = await connect(node.url, cookie);
      sockets.push(socket);
      await enter(socket, sessionId);
    }
    const failures: string[] = [];
    for (let i = 0; i < count; i++) {
      const socket = sockets[i % sockets.length]!;
      const clientId = newClientId();
      const ack = await command(socket, 'message:send', { sessionId, clientId, text: `pool check ${node.name} ${i}` }).catch(
        () => ({ ok: false as const, error: { code: 'no_answer', message: '' } }),
      );
      if (!ack.ok) failures.push(`send ${i}: ${ack.error.code}`);
    }
    return failures;
  } finally {
    sockets.forEach((socket) => socket.close());
  }
}

/** Samples how many server connections the nodes hold on the test's database, from outside it. */
async function connectionMonitor(postgres: OwnPostgres, place: Provisioned) {
  const database = new URL(place.databaseUrl!).pathname.slice(1);
  const client = new pg.Client({ connectionString: postgres.url });
  await client.connect();
  const count = async () =>
    (await client.query<{ n: number }>('select count(*)::int as n from pg_stat_activity where datname = $1', [database])).rows[0]!.n;
  let max = await count();
  let stopped = false;
  const sampling = (async () => {
    while (!stopped) {
      max = Math.max(max, await count());
      await sleep(50);
    }
  })();
  return {
    get max() {
      return max;
    },
    async stop() {
      stopped = true;
      await sampling;
      max = Math.max(max, await count());
      await client.end();
    },
  };
}
