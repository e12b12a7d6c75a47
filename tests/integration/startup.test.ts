import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../support/http.ts';
import { modes, type Provisioned } from '../support/modes.ts';
import { report, runHearth, waitForOutput, type Started } from '../support/process.ts';
import { connect } from '../support/socket.ts';

describe('configuration errors stop start-up with one clear line', () => {
  it.each([
    ['PORT', { PORT: 'abc' }],
    ['PORT', { PORT: '70000' }],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://someone:secret-pw@db/hearth' }],
    ['DATABASE_URL', { DATABASE_URL: 'not a url' }],
    ['REDIS_URL', { REDIS_URL: 'http://cache:6379' }],
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }],
    ['ENCRYPTION_KEYS', { ENCRYPTION_KEYS: 'k1:c2VjcmV0LXB3' }],
    ['ENCRYPTION_KEYS', { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' }],
  ])('names %s', async (name, env) => {
    const started = runHearth({ DATA_DIR: ':memory:', ...env });
    const { code } = await started.exited;
    expect(code).toBe(1);
    const lines = started.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^Invalid configuration: ${name} `));
    expect(started.output()).not.toContain('secret-pw');
  });
});

describe.each(modes)('a real start, $name mode', (mode) => {
  let place: Provisioned;
  let dataDir: string;
  let started: Started | undefined;

  afterAll(async () => {
    if (started && started.child.exitCode === null) started.child.kill('SIGKILL');
    await place?.dispose();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('prints a one-time setup link on first run, serves it, and shuts down on SIGTERM', async () => {
    place = await mode.provision();
    dataDir = await mkdtemp(path.join(tmpdir(), 'hearth-start-'));
    const t0 = performance.now();
    started = runHearth({
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: path.join(dataDir, 'data'),
      DATABASE_URL: place.databaseUrl ?? '',
      REDIS_URL: place.redisUrl ?? '',
      ENCRYPTION_KEYS: place.encryptionKeys ?? '',
      REDIS_KEY_PREFIX: place.redisKeyPrefix,
    });
    const [, port] = await waitForOutput(started, /Hearth is ready at http:\/\/localhost:(\d+)/);
    const coldStartMs = Math.round(performance.now() - t0);
    const base = `http://127.0.0.1:${port}`;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    report(`cold start to ready, ${mode.name} mode, empty database: ${coldStartMs} ms`);

    const [, token] = await waitForOutput(started, /\/setup#([A-Za-z0-9_-]+)/);
    const browser = new HttpClient(base);
    const created = await browser.post('/api/setup', {
      token,
      username: 'first_organiser',
      password: 'a long enough passphrase',
    });
    expect(created.status).toBe(201);
    // The one-time link never reaches the JSON log lines.
    const jsonLines = started.output().split('\n').filter((line) => line.startsWith('{'));
    expect(jsonLines.length).toBeGreaterThan(0);
    expect(jsonLines.join('\n')).not.toContain(token!);

    const socket = await connect(base, browser.cookie);
    const disconnected = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    const stopAt = performance.now();
    started.child.kill('SIGTERM');
    const exit = await started.exited;
    // A dropped transport, not a server-side disconnect: clients reconnect by themselves.
    expect(await disconnected).toBe('transport close');
    socket.close();
    expect(exit.code).toBe(0);
    report(`graceful shutdown with a connected socket, ${mode.name} mode: ${Math.round(performance.now() - stopAt)} ms`);

    // A restart on the same data keeps the account and prints no setup link.
    const t1 = performance.now();
    started = runHearth({
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: path.join(dataDir, 'data'),
      DATABASE_URL: place.databaseUrl ?? '',
      REDIS_URL: place.redisUrl ?? '',
      ENCRYPTION_KEYS: place.encryptionKeys ?? '',
      REDIS_KEY_PREFIX: place.redisKeyPrefix,
    });
    const [, again] = await waitForOutput(started, /Hearth is ready at http:\/\/localhost:(\d+)/);
    report(`warm start to ready, ${mode.name} mode: ${Math.round(performance.now() - t1)} ms`);
    expect(started.output()).not.toContain('/setup#');
    const login = await new HttpClient(`http://127.0.0.1:${again}`).post('/api/auth/login', {
      username: 'first_organiser',
      password: 'a long enough passphrase',
    });
    expect(login.status).toBe(200);
    started.child.kill('SIGINT');
    expect((await started.exited).code).toBe(0);
  });
});
