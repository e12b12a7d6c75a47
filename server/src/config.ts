import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { z } from 'zod';

const emptyAsUnset = (value: unknown) => (value === '' ? undefined : value);

const urlWithProtocols = (protocols: string[], example: string) =>
  z.preprocess(
    emptyAsUnset,
    z
      .string()
      .refine((value) => {
        try {
          return protocols.includes(new URL(value).protocol);
        } catch {
          return false;
        }
      }, `must be a URL such as ${example}`)
      .optional(),
  );

const wholeNumber = (unit: string, min: number, max: number, fallback: number) => {
  const rule = `must be a whole number of ${unit} from ${min} to ${max}`;
  return z.preprocess(
    emptyAsUnset,
    z
      .string()
      .regex(/^\d+$/, rule)
      .transform(Number)
      .refine((value) => value >= min && value <= max, rule)
      .default(fallback),
  );
};

const booleanFlag = z.preprocess(
  emptyAsUnset,
  z
    .enum(['true', 'false', '1', '0'], { message: 'must be true or false' })
    .default('false')
    .transform((value) => value === 'true' || value === '1'),
);

const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));
const defaultClientDist = path.join(repositoryRoot, 'client', 'dist');
/** The embedded database lives beside the code, whichever folder Hearth is started from. */
const defaultDataDir = path.join(repositoryRoot, 'data');

/** GOV.UK's choice for "Exit this page": a busy, ordinary site that raises no questions. */
const defaultQuickExitUrl = 'https://www.bbc.co.uk/weather';

const portRule = 'must be a port number from 0 to 65535 (0 picks a free port)';

const EnvSchema = z.object({
  PORT: z.preprocess(
    emptyAsUnset,
    z
      .string()
      .regex(/^\d{1,5}$/, portRule)
      .transform(Number)
      .refine((port) => port <= 65535, portRule)
      .default(3000),
  ),
  HOST: z.preprocess(emptyAsUnset, z.string().min(1).default('localhost')),
  PUBLIC_URL: urlWithProtocols(['http:', 'https:'], 'https://hearth.example.org'),
  DATA_DIR: z.preprocess(emptyAsUnset, z.string().min(1).default(defaultDataDir)),
  DATABASE_URL: urlWithProtocols(['postgres:', 'postgresql:'], 'postgres://user@host:5432/hearth'),
  REDIS_URL: urlWithProtocols(['redis:', 'rediss:'], 'redis://host:6379'),
  REDIS_KEY_PREFIX: z.preprocess(
    emptyAsUnset,
    z
      .string()
      .regex(/^[A-Za-z0-9_.:-]+$/, 'must use letters, digits and _ . : - only')
      .default('hearth'),
  ),
  LOG_LEVEL: z.preprocess(
    emptyAsUnset,
    z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
        message: 'must be one of fatal, error, warn, info, debug, trace, silent',
      })
      .default('info'),
  ),
  TRUST_PROXY: booleanFlag,
  SESSION_TTL_HOURS: wholeNumber('hours', 1, 720, 24),
  CLIENT_DIST: z.preprocess(emptyAsUnset, z.string().min(1).default(defaultClientDist)),
  QUICK_EXIT_URL: urlWithProtocols(['https:', 'http:'], 'https://www.bbc.co.uk/weather'),
  ROOM_CLOCK_MS: wholeNumber('milliseconds', 100, 60_000, 2000),
  CRISIS_PHRASES_FILE: z.preprocess(emptyAsUnset, z.string().min(1).optional()),
  ENCRYPTION_KEYS: z.preprocess(emptyAsUnset, z.string().min(1).optional()),
  METRICS_TOKEN: z.preprocess(
    emptyAsUnset,
    z.string().min(24, 'must be at least 24 characters (a random secret)').optional(),
  ),
});

export type Config = {
  port: number;
  host: string;
  /** The address people use, when the operator set one; otherwise derived from the port. */
  publicUrl: string | undefined;
  dataDir: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  redisKeyPrefix: string;
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  trustProxy: boolean;
  sessionTtlHours: number;
  clientDist: string;
  /** Cookies are marked Secure when people reach Hearth over https. */
  secureCookies: boolean;
  /** The neutral site quick exit replaces the page with. */
  quickExitUrl: string;
  /** How often each node looks for rooms due to open or close, and for lost connections. */
  roomClockMs: number;
  /** A deployment's own crisis phrase list (one per line), instead of the curated default. */
  crisisPhrasesFile: string | undefined;
  /**
   * `id:base64key,…`, the first for new writes. Required with DATABASE_URL; the embedded
   * default keeps a generated key in the data folder.
   */
  encryptionKeys: string | undefined;
  /** Without it `/metrics` is not served; with it, only to `Authorization: Bearer <token>`. */
  metricsToken: string | undefined;
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Reads the environment once. A bad value stops start-up with one line naming the variable;
 * values are never echoed, since a URL may carry a password.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? 'environment');
      return `${name} ${issue.message}`;
    });
    throw new ConfigError(`Invalid configuration: ${lines.join('; ')}.`);
  }
  const e = parsed.data;
  const publicUrl = e.PUBLIC_URL?.replace(/\/+$/, '');
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl,
    dataDir: e.DATA_DIR === ':memory:' ? e.DATA_DIR : path.resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY,
    sessionTtlHours: e.SESSION_TTL_HOURS,
    clientDist: path.resolve(e.CLIENT_DIST),
    secureCookies: publicUrl?.startsWith('https:') ?? false,
    quickExitUrl: e.QUICK_EXIT_URL ?? defaultQuickExitUrl,
    roomClockMs: e.ROOM_CLOCK_MS,
    crisisPhrasesFile: e.CRISIS_PHRASES_FILE ? path.resolve(e.CRISIS_PHRASES_FILE) : undefined,
    encryptionKeys: e.ENCRYPTION_KEYS,
    metricsToken: e.METRICS_TOKEN,
  };
}
