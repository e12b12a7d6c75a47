import { timingSafeEqual, createHash } from 'node:crypto';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { FastifyPluginAsync } from 'fastify';

export type MetricsSources = {
  /** Socket.io connections this node holds. */
  sockets: () => number;
  /** Socket commands received and not yet answered. */
  commandsInFlight: () => number;
  poolClients: () => { total: number; idle: number; waiting: number } | null;
};

type Sample = { name: string; help: string; type: 'gauge' | 'counter'; values: Array<[labels: string, value: number]> };

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * `/metrics` in Prometheus' text format: this node's process, connections and database pool,
 * counts and sizes only. It is served only when the operator set METRICS_TOKEN, and only to
 * that token, since even a count of people online is not for everyone.
 */
export const metricsRoutes: FastifyPluginAsync<{ token: string | undefined; sources: MetricsSources }> = async (
  app,
  { token, sources },
) => {
  if (!token) {
    // Answered as an unknown API path would be, rather than by the client's pages.
    app.get('/metrics', { schema: { hide: true } }, async (_request, reply) =>
      reply.code(404).send({ code: 'not_found', message: 'Metrics are not enabled on this server.' }),
    );
    return;
  }
  const expected = digest(`Bearer ${token}`);
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  app.addHook('onClose', async () => loopDelay.disable());
  let lastUtilization = performance.eventLoopUtilization();

  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    // Hashes of equal length, so the comparison takes the same time whatever was sent.
    if (!timingSafeEqual(digest(request.headers.authorization ?? ''), expected)) {
      return reply.code(401).send({ code: 'unauthenticated', message: 'This needs the metrics token.' });
    }
    const memory = process.memoryUsage();
    const cpu = process.cpuUsage();
    const utilization = performance.eventLoopUtilization(lastUtilization);
    lastUtilization = performance.eventLoopUtilization();
    const resources = new Map<string, number>();
    for (const type of process.getActiveResourcesInfo()) resources.set(type, (resources.get(type) ?? 0) + 1);
    const pool = sources.poolClients();
    const samples: Sample[] = [
      { name: 'process_cpu_seconds_total', help: 'User and system CPU time.', type: 'counter', values: [['', (cpu.user + cpu.system) / 1e6]] },
      { name: 'process_resident_memory_bytes', help: 'Resident set size.', type: 'gauge', values: [['', memory.rss]] },
      { name: 'nodejs_heap_used_bytes', help: 'V8 heap in use.', type: 'gauge', values: [['', memory.heapUsed]] },
      { name: 'nodejs_heap_total_bytes', help: 'V8 heap reserved.', type: 'gauge', values: [['', memory.heapTotal]] },
      { name: 'nodejs_external_memory_bytes', help: 'Memory of buffers and other objects outside the heap.', type: 'gauge', values: [['', memory.external + memory.arrayBuffers]] },
      {
        name: 'nodejs_active_resources',
        help: 'Handles and requests keeping the event loop alive, by type.',
        type: 'gauge',
        values: [...resources].map(([type, count]) => [`type="${type}"`, count]),
      },
      {
        name: 'nodejs_eventloop_delay_seconds',
        help: 'Event loop delay since the last scrape.',
        type: 'gauge',
        values: [
          ['quantile="0.5"', loopDelay.percentile(50) / 1e9],
          ['quantile="0.99"', loopDelay.percentile(99) / 1e9],
          ['quantile="1"', loopDelay.max / 1e9],
        ],
      },
      { name: 'nodejs_eventloop_utilization', help: 'Share of time the event loop was busy since the last scrape.', type: 'gauge', values: [['', utilization.utilization]] },
      { name: 'hearth_sockets', help: 'Socket.io connections held by this node.', type: 'gauge', values: [['', sources.sockets()]] },
      { name: 'hearth_socket_commands_in_flight', help: 'Socket commands received and not yet answered.', type: 'gauge', values: [['', sources.commandsInFlight()]] },
    ];
    loopDelay.reset();
    if (pool) {
      samples.push({
        name: 'hearth_db_pool_clients',
        help: 'PostgreSQL pool clients, by state.',
        type: 'gauge',
        values: [
          ['state="total"', pool.total],
          ['state="idle"', pool.idle],
          ['state="waiting"', pool.waiting],
        ],
      });
    }
    const text = samples
      .map(({ name, help, type, values }) =>
        [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...values.map(([labels, value]) => `${name}${labels ? `{${labels}}` : ''} ${value}`)].join('\n'),
      )
      .join('\n');
    return reply.header('cache-control', 'no-store').type('text/plain; version=0.0.4').send(`${text}\n`);
  });
};

/** Reads a Prometheus text page into `name{labels}` → value, as the benchmark and tests do. */
export function parseMetrics(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    values.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return values;
}
