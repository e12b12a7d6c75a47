/**
 * Measured figures (timings and counts, never content) for people to read in a test run's
 * output: performance is reported, not asserted. Written to stdout, the one place tests print.
 */
export function printFigures(line: string): void {
  process.stdout.write(`${line}\n`);
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}
