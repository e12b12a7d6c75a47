import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { servicesConfigured, servicesUrls } from '../support/modes.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

/**
 * `npm run bench` stays runnable: a quick run against the floor and one Hearth node must
 * finish, deliver every copy exactly once and in order, and write its JSON and chart. The
 * figures themselves are printed by the benchmark, never asserted here.
 */
describe.runIf(servicesConfigured)('the benchmark, as a quick run', () => {
  it('runs the floor and Hearth under the same load, loses nothing, and writes its results', async () => {
    const out = await mkdtemp(path.join(tmpdir(), 'hearth-bench-'));
    try {
      await run(
        process.execPath,
        ['--import', 'tsx', 'tests/bench/bench.ts', '--quick', '--only', 'floor1,hearth1', '--rooms', '6', '--out', out],
        {
          cwd: root,
          env: { ...process.env, DATABASE_URL: servicesUrls.databaseUrl, REDIS_URL: servicesUrls.redisUrl },
          timeout: 240_000,
          maxBuffer: 16 * 2 ** 20,
        },
      );
      const result = JSON.parse(await readFile(path.join(out, 'bench.json'), 'utf8'));
      expect(result.runs.map((r: { label: string }) => r.label)).toEqual(['floor, 1 node', 'Hearth, 1 node']);
      for (const benchRun of result.runs) {
        expect(benchRun.connections).toBe(6 * 12);
        expect(benchRun.steps.length).toBeGreaterThan(0);
        for (const step of benchRun.steps) {
          expect({ lost: step.lost, duplicated: step.duplicated, outOfOrder: step.outOfOrder, refused: step.refused }).toEqual({
            lost: 0,
            duplicated: 0,
            outOfOrder: 0,
            refused: 0,
          });
          expect(step.fanout.count).toBeGreaterThan(0);
        }
      }
      const svg = await readFile(path.join(out, 'latency.svg'), 'utf8');
      expect(svg).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      expect(svg).toContain('Hearth, 1 node');
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }, 300_000);
});
