import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseMetrics } from '../../server/src/ops/metrics.ts';
import { newClientId } from '../support/factories.ts';
import { modes } from '../support/modes.ts';
import { command, unwrap } from '../support/socket.ts';
import { roomWorld } from '../support/world.ts';

const metricsToken = randomBytes(24).toString('base64url');

describe.each(modes)('/metrics, $name mode', (mode) => {
  const { world, openRoom, seat } = roomWorld(mode, { roomClockMs: 200, metricsToken });

  const scrape = (token = metricsToken) =>
    fetch(`${world.node.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });

  it('answers only to the metrics token', async () => {
    expect((await fetch(`${world.node.url}/metrics`)).status).toBe(401);
    expect((await scrape('not-the-token')).status).toBe(401);
    const res = await scrape();
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  });

  it('counts sockets, commands and the pool, and carries no name, word or secret', async () => {
    const { sessionId, people } = await openRoom(1);
    const { socket } = await seat(people[0]!, sessionId);
    const text = `metrics canary ${randomBytes(4).toString('hex')}`;
    unwrap(await command(socket, 'message:send', { sessionId, clientId: newClientId(), text }));

    const body = await (await scrape()).text();
    const values = parseMetrics(body);
    // The facilitator's socket and this participant's, at least (other tests' sockets are on their own nodes).
    expect(values.get('hearth_sockets')).toBeGreaterThanOrEqual(2);
    expect(values.get('hearth_socket_commands_in_flight')).toBeGreaterThanOrEqual(0);
    expect(values.get('process_resident_memory_bytes')).toBeGreaterThan(10 * 2 ** 20);
    expect(values.get('nodejs_heap_used_bytes')).toBeGreaterThan(0);
    expect([...values.keys()].some((key) => key.startsWith('nodejs_active_resources{type='))).toBe(true);
    if (mode.name === 'services') {
      expect(values.get('hearth_db_pool_clients{state="total"}')).toBeGreaterThan(0);
      expect(values.get('hearth_db_pool_clients{state="waiting"}')).toBe(0);
    } else {
      expect(body).not.toContain('hearth_db_pool_clients');
    }
    for (const secret of [text, people[0]!.pseudonym, people[0]!.client.cookie, metricsToken, world.organiser.cookie]) {
      expect(body).not.toContain(secret);
    }
    // Every line is a comment or `name{labels} number`: nothing else can slip in.
    for (const line of body.trim().split('\n')) {
      expect(line).toMatch(/^(# (HELP|TYPE) [a-z_]+ .+|[a-z_]+(\{[a-z]+="[A-Za-z0-9_.]+"\})? -?[0-9.e+-]+|[a-z_]+(\{[a-z]+="[A-Za-z0-9_.]+"\})? NaN)$/);
    }
  });
});

describe.each(modes)('/metrics without METRICS_TOKEN, $name mode', (mode) => {
  const { world } = roomWorld(mode);

  it('is not served at all', async () => {
    const res = await fetch(`${world.node.url}/metrics`, { headers: { authorization: 'Bearer anything-at-all-here-1234' } });
    expect(res.status).toBe(404);
  });
});
