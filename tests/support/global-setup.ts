import { servicesConfigured } from './modes.ts';

export default function setup(): void {
  if (!servicesConfigured) {
    const line = '!'.repeat(78);
    process.stderr.write(
      [
        '',
        line,
        '!! DATABASE_URL and REDIS_URL are not set: the integration tests run on the',
        '!! embedded default only. The PostgreSQL + Redis mode (two server nodes) is NOT',
        '!! covered by this run. CI sets both; locally, for example:',
        '!!   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\',
        '!!   REDIS_URL=redis://127.0.0.1:6379 npm test',
        line,
        '',
      ].join('\n'),
    );
  }
}
