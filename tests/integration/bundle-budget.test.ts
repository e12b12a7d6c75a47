import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const script = ['--import', 'tsx', 'scripts/bundle-budget.ts'];

/** The budget script itself (`npm test` runs it after the build; these check it can fail). */
describe('the bundle budget', () => {
  it('passes the build as it is, printing what the room route loads', async () => {
    const { stdout } = await run(process.execPath, script);
    expect(stdout).toMatch(/The participant’s room route/);
    expect(stdout).toMatch(/total\s+[\d.]+ kB\s+[\d.]+ kB gzip/);
    expect(stdout).toMatch(/ManagePage-.*\.js/);
    expect(stdout).toMatch(/FacilitatorTools-.*\.js/);
    expect(stdout).toMatch(/Bundle budget: the room route is [\d.]+ kB gzipped, within 150\.0 kB/);
  });

  it('fails, naming the budget and the largest modules, when the room route is over it', async () => {
    const failed = await run(process.execPath, [...script, '--budget-kb', '10']).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toMatch(/Bundle budget: FAILED/);
    expect(failed?.stderr).toMatch(/over the budget of 10\.0 kB/);
    expect(failed?.stderr).toMatch(/react-dom/);
  });
});
