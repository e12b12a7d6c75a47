import { performance } from 'node:perf_hooks';
import { buildApp } from './app.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { RedisUnreachable } from './redis.ts';

const SHUTDOWN_DEADLINE_MS = 10_000;

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) fail(error.message);
  throw error;
}

const hearth = await buildApp(config).catch((error: unknown) =>
  fail(error instanceof ConfigError ? error.message : `Hearth could not start: ${describeStartupError(error, config)}`),
);
const { app, services } = hearth;

try {
  await app.listen({ port: config.port, host: config.host });
} catch (error) {
  await app.close();
  fail(`Hearth could not listen on ${config.host}:${config.port}: ${(error as Error).message}`);
}

const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : config.port;
const publicUrl = config.publicUrl ?? `http://localhost:${port}`;
const readyMs = Math.round(performance.now());
app.log.info(
  { port, database: hearth.database.driver, realtime: config.redisUrl ? 'redis' : 'memory', readyMs },
  'hearth ready',
);

const lines = [
  '',
  `  Hearth is ready at ${publicUrl}  (${readyMs} ms)`,
  `  database: ${config.databaseUrl ? 'PostgreSQL' : `embedded, in ${config.dataDir}`}` +
    `; realtime: ${config.redisUrl ? 'Redis' : 'this process only'}`,
];
const setupToken = await services.accounts.issueSetupToken();
if (setupToken) {
  // Printed to the terminal, not logged: the link is a one-time secret for whoever started Hearth.
  lines.push(
    '',
    '  No account exists yet. Create the first organiser account at this one-time link',
    '  (valid for 24 hours, until used):',
    '',
    `    ${publicUrl}/setup#${setupToken}`,
  );
}
process.stdout.write(`${lines.join('\n')}\n\n`);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) {
    process.exit(1);
  }
  stopping = true;
  app.log.info({ signal }, 'shutting down');
  const deadline = setTimeout(() => {
    app.log.error('shutdown took too long; exiting');
    process.exit(1);
  }, SHUTDOWN_DEADLINE_MS);
  deadline.unref();
  await app.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

function describeStartupError(error: unknown, cfg: Config): string {
  const code = (error as { code?: string })?.code;
  if (cfg.databaseUrl && (code === 'ECONNREFUSED' || code === 'ENOTFOUND')) {
    return 'the PostgreSQL server at DATABASE_URL cannot be reached.';
  }
  if (error instanceof RedisUnreachable) return `${error.message}.`;
  return error instanceof Error ? error.message : String(error);
}
