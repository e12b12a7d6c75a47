import type { Readiness } from '@hearth/shared';
import { createGroup, joinWithNewAccount, password, startSession, uniqueName, type Joined } from './factories.ts';
import { HttpClient } from './http.ts';
import type { Provisioned } from './modes.ts';
import { runHearth, waitForOutput, type Started } from './process.ts';

/** One Hearth node running as its own process, as it runs in production. */
export type HearthProcess = Started & {
  name: string;
  url: string;
  /** Whether the process is still running (it did not crash or exit). */
  alive(): boolean;
};

const READY_MS = 90_000;

/** Nodes still running, ended with the test process whatever happened to the test. */
const runningChildren = new Set<Started['child']>();
process.once('exit', () => runningChildren.forEach((child) => child.kill('SIGKILL')));

/** Starts one node on a provisioned place, on a free port, with production defaults. */
export async function startHearthProcess(place: Provisioned, name: string): Promise<HearthProcess> {
  const started = runHearth({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: place.dataDir,
    DATABASE_URL: place.databaseUrl ?? '',
    REDIS_URL: place.redisUrl ?? '',
    ENCRYPTION_KEYS: place.encryptionKeys ?? '',
    REDIS_KEY_PREFIX: place.redisKeyPrefix,
  });
  runningChildren.add(started.child);
  started.child.once('exit', () => runningChildren.delete(started.child));
  try {
    const [, port] = await waitForOutput(started, /Hearth is ready at http:\/\/localhost:(\d+)/, READY_MS);
    return {
      ...started,
      name,
      url: `http://127.0.0.1:${port}`,
      alive: () => started.child.exitCode === null && started.child.signalCode === null,
    };
  } catch (error) {
    if (started.child.exitCode === null) started.child.kill('SIGKILL');
    throw error;
  }
}

/**
 * Two nodes on one place, started together as a deployment starts them (they take turns at the
 * migrations), with the one-time setup token the first one printed.
 */
export async function startTwoNodes(place: Provisioned) {
  const results = await Promise.allSettled([startHearthProcess(place, 'A'), startHearthProcess(place, 'B')]);
  const nodes = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failed = results.find((result) => result.status === 'rejected');
  if (failed) {
    await stopAll(nodes);
    throw failed.reason;
  }
  const [a, b] = nodes as [HearthProcess, HearthProcess];
  const [, setupToken] = await waitForOutput(a, /\/setup#([A-Za-z0-9_-]+)/, 5000);
  return { a, b, setupToken: setupToken! };
}

/** Ends the nodes a test started, if they still run; only these processes, by their own handle. */
export async function stopAll(nodes: ReadonlyArray<HearthProcess | undefined>): Promise<void> {
  await Promise.all(
    nodes.map(async (node) => {
      if (!node || !node.alive()) return;
      node.child.kill('SIGKILL');
      await node.exited;
    }),
  );
}

export async function readiness(node: HearthProcess): Promise<{ status: number; body: Readiness }> {
  const response = await fetch(`${node.url}/readyz`, { signal: AbortSignal.timeout(5000) });
  return { status: response.status, body: (await response.json()) as Readiness };
}

/** Polls until `check` holds, or fails saying what was waited for; returns how long it took. */
export async function waitUntil(what: string, check: () => Promise<boolean> | boolean, ms: number): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    let held = false;
    try {
      held = await check();
    } catch {
      // A check that cannot answer yet (a node restarting) has not held.
    }
    if (held) return Date.now() - t0;
    if (Date.now() - t0 > ms) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * One open room on a fresh deployment: the first organiser, made through the setup token, leads
 * a group and has started a session; `participants` newcomers joined through invites and
 * accepted the agreements. Seeded over REST, as people would, at production cost.
 */
export async function seedRoom(node: HearthProcess, setupToken: string, participants: number) {
  const organiser = new HttpClient(node.url);
  const setup = await organiser.post('/api/setup', { token: setupToken, username: uniqueName('organiser'), password });
  if (setup.status !== 201) throw new Error(`setup answered ${setup.status}: ${setup.text}`);
  const group = await createGroup(organiser);
  const session = await startSession(organiser, group.id);
  const people: Joined[] = [];
  for (let i = 0; i < participants; i++) people.push(await joinWithNewAccount(organiser, group.id));
  return { organiser, groupId: group.id, sessionId: session.id, people };
}
