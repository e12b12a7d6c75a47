/**
 * The bundle budget: a participant opening a room on an old phone over a slow connection loads
 * at most 150 kB of gzipped JavaScript, and none of the organisers' or facilitators' code.
 *
 * Reads the chunk report the client build writes (client/dist/.vite/chunks.json), prints what
 * each route loads, and exits non-zero when the room route is over budget or carries code it
 * should not. Run after `npm run build`: `npm run budget` (`--budget-kb N` to try another limit).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const ROOM_BUDGET_KB = 150;

const say = (text: string) => process.stdout.write(`${text}\n`);
const complain = (text: string) => process.stderr.write(`${text}\n`);

/** Source folders whose code only organisers or facilitators run. */
const staffOnly = ['src/pages/manage/', 'src/features/room/facilitator/'];

/** Modules that must be in the room route, or the measurement is of something else. */
const roomModules = ['src/pages/RoomPage.tsx', 'src/features/room/RoomView.tsx'];

interface Chunk {
  fileName: string;
  isEntry: boolean;
  isDynamicEntry: boolean;
  imports: string[];
  dynamicImports: string[];
  /** Source module → its size in the chunk before minification. */
  modules: Record<string, number>;
}

interface Sizes {
  raw: number;
  gzip: number;
  brotli: number;
}

const { values } = parseArgs({
  options: {
    dist: { type: 'string', default: path.join(import.meta.dirname, '..', 'client', 'dist') },
    'budget-kb': { type: 'string', default: String(ROOM_BUDGET_KB) },
  },
});
const dist = values.dist;
const budgetBytes = Number(values['budget-kb']) * 1000;
const reportFile = path.join(dist, '.vite', 'chunks.json');
if (!existsSync(reportFile)) {
  complain(`No chunk report at ${reportFile}: run \`npm run build\` first.`);
  process.exit(1);
}
const chunks = JSON.parse(readFileSync(reportFile, 'utf8')) as Chunk[];
const byFile = new Map(chunks.map((chunk) => [chunk.fileName, chunk]));

/** The bytes as served: the build writes the .gz and .br files the server sends. */
function sizesOf(fileName: string): Sizes {
  const file = path.join(dist, fileName);
  const code = readFileSync(file);
  const read = (suffix: string, make: () => Buffer) =>
    existsSync(file + suffix) ? readFileSync(file + suffix).length : make().length;
  return {
    raw: code.length,
    gzip: read('.gz', () => gzipSync(code, { level: 9 })),
    brotli: read('.br', () =>
      brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
    ),
  };
}

/** A chunk and every chunk it imports statically: what loads before it can run. */
function closure(fileName: string, into = new Set<string>()): Set<string> {
  if (into.has(fileName)) return into;
  into.add(fileName);
  for (const imported of byFile.get(fileName)?.imports ?? []) closure(imported, into);
  return into;
}

const total = (files: Iterable<string>): Sizes => {
  const sum = { raw: 0, gzip: 0, brotli: 0 };
  for (const file of files) {
    const sizes = sizesOf(file);
    sum.raw += sizes.raw;
    sum.gzip += sizes.gzip;
    sum.brotli += sizes.brotli;
  }
  return sum;
};

const kb = (bytes: number) => `${(bytes / 1000).toFixed(1).padStart(6)} kB`;
const row = (name: string, sizes: Sizes) =>
  `  ${name.padEnd(46)} ${kb(sizes.raw)} ${kb(sizes.gzip)} gzip ${kb(sizes.brotli)} brotli`;

const entry = chunks.find((chunk) => chunk.isEntry);
if (!entry) {
  complain(`${reportFile} names no entry chunk.`);
  process.exit(1);
}

// The room page is part of the entry (App.tsx imports it eagerly), so the room route is the
// entry with its static imports; everything loaded lazily is another route's.
const roomRoute = closure(entry.fileName);
const roomSizes = total(roomRoute);

say('The participant’s room route (loaded before the room can show):');
for (const file of roomRoute) say(row(file, sizesOf(file)));
say(row('total', roomSizes));

say('\nLoaded on demand by other routes (on top of the above):');
for (const chunk of chunks.filter((c) => c.isDynamicEntry)) {
  const extra = [...closure(chunk.fileName)].filter((file) => !roomRoute.has(file));
  say(row(`${chunk.fileName}`, total(extra)));
}

const failures: string[] = [];
const roomModuleList = [...roomRoute].flatMap((file) => Object.keys(byFile.get(file)?.modules ?? {}));
for (const needed of roomModules) {
  if (!roomModuleList.includes(needed)) {
    failures.push(`${needed} is not in the entry's static imports, so this measures something else.`);
  }
}
const leaked = roomModuleList.filter((module) => staffOnly.some((folder) => module.startsWith(folder)));
if (leaked.length > 0) {
  failures.push(`Organiser or facilitator code loads with the room route: ${leaked.join(', ')}.`);
}
if (roomSizes.gzip > budgetBytes) {
  failures.push(
    `The room route loads ${kb(roomSizes.gzip).trim()} of gzipped JavaScript, over the budget of ${kb(budgetBytes).trim()}.`,
  );
}

if (failures.length > 0) {
  complain(`\nBundle budget: FAILED\n${failures.map((failure) => `  - ${failure}`).join('\n')}`);
  complain('\nThe largest source modules in the room route (before minification):');
  const sizes = new Map<string, number>();
  for (const file of roomRoute) {
    for (const [module, size] of Object.entries(byFile.get(file)?.modules ?? {})) {
      const owner = module.includes('node_modules/')
        ? module.replace(/.*node_modules\//, '').replace(/^((@[^/]+\/)?[^/]+).*/, '$1')
        : module;
      sizes.set(owner, (sizes.get(owner) ?? 0) + size);
    }
  }
  for (const [owner, size] of [...sizes].sort((a, b) => b[1] - a[1]).slice(0, 12)) {
    complain(`  ${owner.padEnd(46)} ${kb(size)}`);
  }
  process.exit(1);
}
say(
  `\nBundle budget: the room route is ${kb(roomSizes.gzip).trim()} gzipped, within ${kb(budgetBytes).trim()}; no organiser or facilitator code in it.`,
);
