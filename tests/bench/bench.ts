import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { latencyChart, type Series } from './chart.ts';
import { Load, type Kind, type RoomPlan, type StepResult } from './load.ts';
import { cpuSecondsBetween, cpuSecondsByPid, cpuSecondsOf, metricsOf, rssOf, startServer, type Server } from './processes.ts';
import { seedRooms, type SeededRoom } from './seed.ts';
import { provisionServices, type Provisioned } from '../support/modes.ts';

/**
 * `npm run bench`: Hearth against a bare socket.io broadcast server (the floor) under the same
 * load, on one node and on two nodes with Redis, then Hearth at a realistic load of many
 * rooms; `--soak MINUTES` runs a long, steady load instead and follows memory and handles.
 * Needs PostgreSQL and Redis (DATABASE_URL, REDIS_URL; the local defaults otherwise). Prints
 * its figures and writes them as JSON with an SVG chart to `--out` (bench-results/).
 */
const { values: options } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    soak: { type: 'string' },
    out: { type: 'string', default: 'bench-results' },
    rooms: { type: 'string' },
    'realistic-rooms': { type: 'string' },
    /** Writes a V8 CPU profile of each Hearth node into this folder (for `--cpu-prof` analysis). */
    profile: { type: 'string' },
    /** Which parts to run, e.g. `hearth1,realistic`; all of them when absent. */
    only: { type: 'string' },
  },
});

const quick = options.quick;
const settings = {
  perRoom: 12,
  kneeRooms: Number(options.rooms ?? (quick ? 20 : 200)),
  stepSeconds: quick ? 2 : 6,
  maxSteps: quick ? 3 : 14,
  growth: 1.3,
  realisticRooms: Number(options['realistic-rooms'] ?? (quick ? 40 : 1000)),
  realisticIntervalMs: 30_000,
  realisticSeconds: quick ? 10 : 60,
  historyMessages: quick ? 40 : 200,
  historyJoins: quick ? 20 : 200,
  /** The knee: the highest delivered rate whose fan-out p99 stays under this, with nothing lost. */
  p99LimitMs: 100,
};

const urls = {
  databaseUrl: process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
  redisUrl: process.env.REDIS_URL || 'redis://127.0.0.1:6379',
};
const metricsToken = randomBytes(24).toString('base64url');

const print = (line = '') => process.stdout.write(`${line}\n`);
const round = (value: number, digits = 1) => (Number.isFinite(value) ? Number(value.toFixed(digits)) : null);

type Measured = StepResult & {
  offeredCopiesPerSecond: number;
  /** CPU of the server nodes, and of PostgreSQL and Redis, per copy delivered. */
  nodeCpuUsPerCopy: number;
  servicesCpuUsPerCopy: number;
  nodeCpuCores: number;
  /** The load generator's own CPU: it shares the machine's cores with everything measured. */
  generatorCpuCores: number;
  passed: boolean;
};

type Run = {
  label: string;
  kind: Kind;
  nodes: number;
  connections: number;
  connectSeconds: number;
  memoryPerConnectionKB: number;
  steps: Measured[];
  knee: Measured | null;
};

async function startNodes(kind: Kind, count: number, place: Provisioned, withRedis: boolean): Promise<Server[]> {
  const servers: Server[] = [];
  for (let i = 0; i < count; i++) {
    servers.push(
      kind === 'hearth'
        ? await startServer(
            'server/src/main.ts',
            {
              PORT: '0',
              HOST: '127.0.0.1',
              DATA_DIR: place.dataDir,
              DATABASE_URL: place.databaseUrl!,
              ...(withRedis ? { REDIS_URL: place.redisUrl!, REDIS_KEY_PREFIX: place.redisKeyPrefix } : {}),
              ENCRYPTION_KEYS: place.encryptionKeys!,
              METRICS_TOKEN: metricsToken,
            },
            /Hearth is ready at http:\/\/localhost:(\d+)/,
            options.profile ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(options.profile)}`] : [],
          )
        : await startServer(
            'tests/bench/floor.ts',
            { PORT: '0', ...(withRedis ? { REDIS_URL: place.redisUrl!, REDIS_KEY_PREFIX: `${place.redisKeyPrefix}f` } : {}) },
            /floor ready on (\d+)/,
          ),
    );
  }
  return servers;
}

function plansFor(kind: Kind, rooms: SeededRoom[]): RoomPlan[] {
  return kind === 'hearth'
    ? rooms.map((room) => ({ id: room.sessionId, cookies: room.cookies }))
    : rooms.map((room, index) => ({ id: `room-${index}`, cookies: room.cookies.map(() => '') }));
}

async function measured(load: Load, servers: Server[], sendsPerSecond: number, seconds: number, drainMs?: number): Promise<Measured> {
  const nodeCpu = () => servers.reduce((sum, server) => sum + cpuSecondsOf(server.pid), 0);
  const servicesCpu = () => cpuSecondsByPid(['postgres', 'redis-server']);
  const [node0, services0, t0, own0] = [nodeCpu(), servicesCpu(), performance.now(), process.cpuUsage()];
  const step = await load.step(sendsPerSecond, seconds, drainMs);
  const [node1, services1, t1, own] = [nodeCpu(), servicesCpu(), performance.now(), process.cpuUsage(own0)];
  const servicesSeconds = cpuSecondsBetween(services0, services1);
  const copies = Math.max(1, step.deliveredPerSecond * step.seconds);
  const offeredCopiesPerSecond = sendsPerSecond * (settings.perRoom - 1);
  const passed =
    step.fanout.p99 < settings.p99LimitMs &&
    step.lost === 0 &&
    step.unanswered === 0 &&
    step.refused === 0 &&
    step.deliveredPerSecond >= 0.9 * offeredCopiesPerSecond;
  return {
    ...step,
    offeredCopiesPerSecond,
    nodeCpuUsPerCopy: ((node1 - node0) * 1e6) / copies,
    servicesCpuUsPerCopy: (servicesSeconds * 1e6) / copies,
    nodeCpuCores: (node1 - node0) / ((t1 - t0) / 1000),
    generatorCpuCores: (own.user + own.system) / 1e6 / ((t1 - t0) / 1000),
    passed,
  };
}

function printStepHeader() {
  print(
    '  interval  offered/s  delivered/s  fan-out p50 / p95 / p99 / max ms   ack p50 / p99 ms   lost dup ooo refused   node µs/copy  +pg,redis µs/copy  load gen. cores',
  );
}

function printStep(step: Measured) {
  const f = step.fanout;
  const cells = [
    `${String(step.intervalMs).padStart(6)} ms`,
    String(Math.round(step.offeredCopiesPerSecond)).padStart(9),
    String(Math.round(step.deliveredPerSecond)).padStart(12),
    `   ${[f.p50, f.p95, f.p99, f.max].map((v) => String(round(v))).join(' / ').padEnd(30)}`,
    `${[step.ack.p50, step.ack.p99].map((v) => String(round(v))).join(' / ').padEnd(17)}`,
    `${step.lost} ${step.duplicated} ${step.outOfOrder} ${step.refused}${step.unanswered ? ` (+${step.unanswered} unanswered)` : ''}${step.overtaken ? ` (${step.overtaken} overtaken)` : ''}`.padEnd(20),
    String(round(step.nodeCpuUsPerCopy)).padStart(12),
    String(round(step.servicesCpuUsPerCopy)).padStart(17),
    String(round(step.generatorCpuCores, 2)).padStart(16),
    step.passed ? '' : '  ✗',
  ];
  print(`  ${cells.join(' ')}`);
}

/** Raises the load step by step until p99 passes the limit or anything is lost. */
async function findKnee(
  label: string,
  kind: Kind,
  nodes: number,
  withRedis: boolean,
  place: Provisioned,
  rooms: SeededRoom[],
  startCopiesPerSecond: number,
): Promise<Run> {
  print(`\n## ${label}: ${rooms.length} rooms × ${settings.perRoom} people`);
  const servers = await startNodes(kind, nodes, place, withRedis);
  const load = new Load(kind, servers.map((server) => server.url));
  try {
    const rssBefore = servers.reduce((sum, server) => sum + rssOf(server.pid), 0);
    const opened = await load.open(plansFor(kind, rooms));
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const rssAfter = servers.reduce((sum, server) => sum + rssOf(server.pid), 0);
    const memoryPerConnectionKB = (rssAfter - rssBefore) / 1024 / load.connections;
    print(
      `  ${load.connections} connections opened and joined in ${round(opened.ms / 1000)} s (join p99 ${round(opened.joinMs.p99)} ms); ` +
        `server memory ${round(memoryPerConnectionKB)} KB per connection`,
    );
    printStepHeader();
    const steps: Measured[] = [];
    let copiesPerSecond = startCopiesPerSecond;
    for (let i = 0; i < settings.maxSteps; i++) {
      const step = await measured(load, servers, copiesPerSecond / (settings.perRoom - 1), settings.stepSeconds);
      steps.push(step);
      printStep(step);
      if (!step.passed) break;
      copiesPerSecond *= settings.growth;
    }
    const passing = steps.filter((step) => step.passed);
    const knee = passing.length > 0 ? passing.reduce((a, b) => (b.deliveredPerSecond > a.deliveredPerSecond ? b : a)) : null;
    print(
      knee
        ? `  knee: ${Math.round(knee.deliveredPerSecond)} copies/s delivered, fan-out p99 ${round(knee.fanout.p99)} ms, ` +
            `${round(knee.nodeCpuCores, 2)} cores of node CPU`
        : '  knee: none (the first step already missed the limit)',
    );
    return {
      label,
      kind,
      nodes,
      connections: load.connections,
      connectSeconds: opened.ms / 1000,
      memoryPerConnectionKB,
      steps,
      knee,
    };
  } finally {
    load.close();
    for (const server of servers) await server.stop();
  }
}

/** The floor at the realistic load: the same connections and messages, nothing else. */
async function realisticFloor(place: Provisioned, rooms: SeededRoom[]) {
  const people = rooms.length * settings.perRoom;
  print(`\n## floor, 1 node, realistic: ${rooms.length} rooms × ${settings.perRoom} people (${people} connections), each sending every ${settings.realisticIntervalMs / 1000} s`);
  const [server] = await startNodes('floor', 1, place, false);
  const load = new Load('floor', [server!.url]);
  try {
    const rssBefore = rssOf(server!.pid);
    const opened = await load.open(plansFor('floor', rooms));
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const rssPerConnectionKB = (rssOf(server!.pid) - rssBefore) / 1024 / load.connections;
    print(`  ${load.connections} connections opened and joined in ${round(opened.ms / 1000)} s; idle: ${round(rssPerConnectionKB)} KB RSS per connection`);
    printStepHeader();
    const step = await measured(load, [server!], people / (settings.realisticIntervalMs / 1000), settings.realisticSeconds);
    printStep(step);
    return { connections: load.connections, idleRssPerConnectionKB: rssPerConnectionKB, step };
  } finally {
    load.close();
    await server!.stop();
  }
}

/** Hearth at the load of many ordinary rooms: memory per idle connection, p99, joining with history. */
async function realistic(place: Provisioned, rooms: SeededRoom[]) {
  const people = rooms.length * settings.perRoom;
  print(
    `\n## Hearth, 1 node, realistic: ${rooms.length} rooms × ${settings.perRoom} people (${people} connections), ` +
      `each sending every ${settings.realisticIntervalMs / 1000} s`,
  );
  const [server] = await startNodes('hearth', 1, place, true);
  const load = new Load('hearth', [server!.url]);
  try {
    const before = await metricsOf(server!.url, metricsToken);
    const rssBefore = rssOf(server!.pid);
    const opened = await load.open(plansFor('hearth', rooms));
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const after = await metricsOf(server!.url, metricsToken);
    const rssPerConnectionKB = (rssOf(server!.pid) - rssBefore) / 1024 / load.connections;
    const heapPerConnectionKB =
      ((after.get('nodejs_heap_used_bytes') ?? 0) - (before.get('nodejs_heap_used_bytes') ?? 0)) / 1024 / load.connections;
    print(
      `  ${load.connections} connections opened and joined in ${round(opened.ms / 1000)} s (join p50 ${round(opened.joinMs.p50)} ms, ` +
        `p99 ${round(opened.joinMs.p99)} ms); idle: ${round(rssPerConnectionKB)} KB RSS, ${round(heapPerConnectionKB)} KB heap per connection`,
    );
    const historyRoom = rooms.length - 1;
    await load.fill(historyRoom, settings.historyMessages);
    const quiet = await load.historyJoins(historyRoom, Math.min(50, settings.historyJoins));
    print(`  entering a room with ${settings.historyMessages} messages of history, idle: p50 ${round(quiet.p50)} ms, p99 ${round(quiet.p99)} ms`);
    printStepHeader();
    const sendsPerSecond = people / (settings.realisticIntervalMs / 1000);
    const [step, busy] = await Promise.all([
      measured(load, [server!], sendsPerSecond, settings.realisticSeconds),
      load.historyJoins(historyRoom, settings.historyJoins),
    ]);
    printStep(step);
    print(
      `  entering a room with ${settings.historyMessages} messages of history under this load (${busy.count} times): ` +
        `p50 ${round(busy.p50)} ms, p99 ${round(busy.p99)} ms, max ${round(busy.max)} ms`,
    );
    return {
      rooms: rooms.length,
      connections: load.connections,
      connectSeconds: opened.ms / 1000,
      joinMs: opened.joinMs,
      idleRssPerConnectionKB: rssPerConnectionKB,
      idleHeapPerConnectionKB: heapPerConnectionKB,
      step,
      historyJoinIdleMs: quiet,
      historyJoinUnderLoadMs: busy,
    };
  } finally {
    load.close();
    await server!.stop();
  }
}

/** A long steady load on one node, sampled every 30 s: memory, handles and pool over time. */
async function soak(place: Provisioned, rooms: SeededRoom[], minutes: number) {
  const people = rooms.length * settings.perRoom;
  const intervalSeconds = 20;
  print(`\n## Soak: Hearth, 1 node, ${rooms.length} rooms × ${settings.perRoom} people, each sending every ${intervalSeconds} s, ${minutes} min`);
  const [server] = await startNodes('hearth', 1, place, true);
  const load = new Load('hearth', [server!.url]);
  const samples: Array<Record<string, number | null>> = [];
  const sample = async (minute: number, step: StepResult | null) => {
    const m = await metricsOf(server!.url, metricsToken);
    const mb = (bytes: number | undefined) => round((bytes ?? 0) / 2 ** 20);
    const resources = [...m].filter(([key]) => key.startsWith('nodejs_active_resources')).reduce((sum, [, v]) => sum + v, 0);
    const row = {
      minute: round(minute),
      rssMB: mb(m.get('process_resident_memory_bytes')),
      heapUsedMB: mb(m.get('nodejs_heap_used_bytes')),
      activeResources: resources,
      sockets: m.get('hearth_sockets') ?? null,
      poolTotal: m.get('hearth_db_pool_clients{state="total"}') ?? null,
      poolWaiting: m.get('hearth_db_pool_clients{state="waiting"}') ?? null,
      fanoutP99Ms: step ? round(step.fanout.p99) : null,
      lost: step ? step.lost : null,
    };
    samples.push(row);
    print(`  ${Object.entries(row).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  };
  try {
    await sample(0, null);
    await load.open(plansFor('hearth', rooms));
    const started = performance.now();
    while (performance.now() - started < minutes * 60_000) {
      const step = await load.step(people / intervalSeconds, 30, 2000);
      await sample((performance.now() - started) / 60_000, step);
    }
    load.close();
    // Once everyone has gone, and again after the pool's idle timeout and a few collections:
    // what is still held then was kept by the run.
    await new Promise((resolve) => setTimeout(resolve, 5000));
    await sample((performance.now() - started) / 60_000, null);
    await new Promise((resolve) => setTimeout(resolve, 30_000));
    await sample((performance.now() - started) / 60_000, null);
    const end = await metricsOf(server!.url, metricsToken);
    const resourcesAtEnd = Object.fromEntries(
      [...end].flatMap(([key, value]) => {
        const type = /^nodejs_active_resources\{type="(.+)"\}$/.exec(key)?.[1];
        return type ? [[type, value]] : [];
      }),
    );
    print(`  open handles and requests at the end, by type: ${JSON.stringify(resourcesAtEnd)}`);
    return { minutes, rooms: rooms.length, intervalSeconds, samples, resourcesAtEnd };
  } finally {
    load.close();
    await server!.stop();
  }
}

function ratio(hearth: number | undefined, floor: number | undefined) {
  return hearth !== undefined && floor ? round(hearth / floor, 2) : null;
}

async function main() {
  const started = performance.now();
  const machine = { cpus: cpus().length, model: cpus()[0]?.model ?? '', memoryGB: round(totalmem() / 2 ** 30), node: process.version };
  print(`# Hearth benchmark ${new Date().toISOString()}${quick ? ' (quick)' : ''}`);
  print(`machine: ${machine.cpus} cores (${machine.model}), ${machine.memoryGB} GB; ${machine.node}; server, PostgreSQL, Redis and load share the cores`);
  const place = await provisionServices(urls);
  try {
    const soakMinutes = options.soak ? Number(options.soak) : null;
    const roomCount = soakMinutes ? settings.kneeRooms : Math.max(settings.kneeRooms, settings.realisticRooms);
    const t0 = performance.now();
    let lastPrinted = 0;
    const rooms = await seedRooms(place, roomCount, settings.perRoom, (done) => {
      if (done - lastPrinted >= 100 || done === roomCount) {
        lastPrinted = done;
        process.stdout.write(`\rseeding rooms: ${done}/${roomCount}`);
      }
    });
    print(` (${round((performance.now() - t0) / 1000)} s)`);
    await mkdir(options.out!, { recursive: true });

    if (soakMinutes) {
      const result = await soak(place, rooms.slice(0, settings.kneeRooms), soakMinutes);
      const file = path.join(options.out!, 'soak.json');
      await writeFile(file, `${JSON.stringify({ date: new Date().toISOString(), machine, ...result }, null, 2)}\n`);
      print(`\nwritten: ${file}`);
      return;
    }

    const kneeRooms = rooms.slice(0, settings.kneeRooms);
    const wanted = new Set((options.only ?? 'floor1,floor2,hearth1,hearth2,realistic').split(','));
    const knees = {
      floor1: () => findKnee('floor, 1 node', 'floor', 1, false, place, kneeRooms, quick ? 2000 : 4000),
      floor2: () => findKnee('floor, 2 nodes + Redis', 'floor', 2, true, place, kneeRooms, quick ? 2000 : 4000),
      hearth1: () => findKnee('Hearth, 1 node', 'hearth', 1, true, place, kneeRooms, 1000),
      hearth2: () => findKnee('Hearth, 2 nodes + Redis', 'hearth', 2, true, place, kneeRooms, 1000),
    };
    const byName: Partial<Record<keyof typeof knees, Run>> = {};
    for (const name of Object.keys(knees) as Array<keyof typeof knees>) {
      if (wanted.has(name)) byName[name] = await knees[name]();
    }
    const runs = Object.values(byName);
    const realFloor = wanted.has('realistic') ? await realisticFloor(place, rooms.slice(0, settings.realisticRooms)) : null;
    const real = wanted.has('realistic') ? await realistic(place, rooms.slice(0, settings.realisticRooms)) : null;

    const { floor1, floor2, hearth1, hearth2 } = byName;
    const ratios = {
      oneNode: {
        kneeRate: ratio(hearth1?.knee?.deliveredPerSecond, floor1?.knee?.deliveredPerSecond),
        cpuPerCopy: ratio(hearth1?.knee?.nodeCpuUsPerCopy, floor1?.knee?.nodeCpuUsPerCopy),
        memoryPerConnection: ratio(hearth1?.memoryPerConnectionKB, floor1?.memoryPerConnectionKB),
      },
      twoNodes: {
        kneeRate: ratio(hearth2?.knee?.deliveredPerSecond, floor2?.knee?.deliveredPerSecond),
        cpuPerCopy: ratio(hearth2?.knee?.nodeCpuUsPerCopy, floor2?.knee?.nodeCpuUsPerCopy),
        memoryPerConnection: ratio(hearth2?.memoryPerConnectionKB, floor2?.memoryPerConnectionKB),
      },
    };
    print('\n## Summary (Hearth as a ratio to the bare socket.io floor, same run, same load)');
    print('  run                        knee copies/s  p99 at knee  node µs/copy  +pg,redis µs/copy  KB/connection');
    for (const run of runs) {
      const k = run.knee;
      print(
        `  ${run.label.padEnd(26)} ${String(k ? Math.round(k.deliveredPerSecond) : '-').padStart(13)} ${String(k ? round(k.fanout.p99) : '-').padStart(9)} ms ` +
          `${String(k ? round(k.nodeCpuUsPerCopy) : '-').padStart(12)} ${String(k ? round(k.servicesCpuUsPerCopy) : '-').padStart(18)} ${String(round(run.memoryPerConnectionKB)).padStart(14)}`,
      );
    }
    print(
      `  Hearth ÷ floor, 1 node: knee rate ×${ratios.oneNode.kneeRate}, node CPU per copy ×${ratios.oneNode.cpuPerCopy}, memory per connection ×${ratios.oneNode.memoryPerConnection}`,
    );
    print(
      `  Hearth ÷ floor, 2 nodes: knee rate ×${ratios.twoNodes.kneeRate}, node CPU per copy ×${ratios.twoNodes.cpuPerCopy}, memory per connection ×${ratios.twoNodes.memoryPerConnection}`,
    );
    if (real && realFloor) print(
      `  realistic, floor: ${realFloor.connections} connections, fan-out p99 ${round(realFloor.step.fanout.p99)} ms, ${round(realFloor.idleRssPerConnectionKB)} KB RSS per idle connection`,
    );
    if (real) print(
      `  realistic: ${real.connections} connections, fan-out p99 ${round(real.step.fanout.p99)} ms, lost ${real.step.lost}; ` +
        `idle ${round(real.idleRssPerConnectionKB)} KB RSS per connection; history join p99 ${round(real.historyJoinUnderLoadMs.p99)} ms`,
    );

    const series: Series[] = runs.map((run) => ({
      label: run.label,
      points: run.steps.map((step) => ({ x: step.deliveredPerSecond, y: step.fanout.p99 })),
      knee: run.knee ? { x: run.knee.deliveredPerSecond, y: run.knee.fanout.p99 } : null,
    }));
    const json = path.join(options.out!, 'bench.json');
    const svg = path.join(options.out!, 'latency.svg');
    await writeFile(
      json,
      `${JSON.stringify({ date: new Date().toISOString(), quick, machine, settings, runs, ratios, realistic: real, realisticFloor: realFloor }, null, 2)}\n`,
    );
    await writeFile(
      svg,
      latencyChart(series, `Fan-out p99 against load, rooms of ${settings.perRoom} (${machine.cpus} cores shared by everything)`),
    );
    print(`\nwritten: ${json}, ${svg} (${round((performance.now() - started) / 60_000)} min in all)`);
  } finally {
    await place.dispose();
  }
}

await main();
