import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Node } from '../support/hearth.ts';
import { modes } from '../support/modes.ts';
import { contentMarkers, runScriptedSession, type ContentMarkers } from '../support/script.ts';
import { memberIdOf, updateGroup } from '../support/factories.ts';
import { roomWorld } from '../support/world.ts';

const run = promisify(execFile);

/** Every row of every table of ours, as text: what a copy of the database would give away. */
async function everyRow(node: Node): Promise<string> {
  const tables = (await node.database.db.execute(
    sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`,
  )) as unknown as { rows: Array<{ name: string }> };
  expect(tables.rows.map((row) => row.name)).toContain('messages');
  const parts: string[] = [];
  for (const { name } of tables.rows) {
    const rows = (await node.database.db.execute(sql.raw(`select * from "${name}"`))) as unknown as { rows: unknown[] };
    parts.push(`${name}: ${JSON.stringify(rows.rows)}`);
  }
  return parts.join('\n');
}

/** The markers of `words` found in `text`, by the kind of content they belong to. */
function found(text: string, words: ContentMarkers): string[] {
  return Object.entries(words).flatMap(([kind, value]) => {
    const marker = value.split(' ').at(-1)!;
    return text.includes(marker) ? [kind] : [];
  });
}

/** Rows that still belong to one session's content, per table. */
async function contentRows(node: Node, sessionId: string): Promise<Record<string, number>> {
  const result = (await node.database.db.execute(sql`
    select 'messages' as t, count(*)::int as n from messages where session_id = ${sessionId}
    union all select 'message_reactions', count(*)::int from message_reactions r join messages m on m.id = r.message_id where m.session_id = ${sessionId}
    union all select 'side_messages', count(*)::int from side_messages where session_id = ${sessionId}
    union all select 'reports', count(*)::int from reports where session_id = ${sessionId}
    union all select 'alerts', count(*)::int from alerts where session_id = ${sessionId}
    union all select 'support_signals', count(*)::int from support_signals where session_id = ${sessionId}
    union all select 'check_ins', count(*)::int from check_ins where session_id = ${sessionId}
    union all select 'check_in_answers', count(*)::int from check_in_answers a join check_ins c on c.id = a.check_in_id where c.session_id = ${sessionId}
    union all select 'check_out_words', count(*)::int from check_out_words where session_id = ${sessionId}
    union all select 'room_events', count(*)::int from room_events where session_id = ${sessionId}
    union all select 'room_members', count(*)::int from room_members where session_id = ${sessionId}`)) as unknown as {
    rows: Array<{ t: string; n: number }>;
  };
  return Object.fromEntries(result.rows.map((row) => [row.t, Number(row.n)]));
}

/**
 * A full session holding every kind of content, then what an attacker with the database or the
 * logs would find: none of the words, only sealed values; and once the group's retention time
 * has passed, no content at all.
 */
describe.each(modes)('nothing said leaks, $name mode', (mode) => {
  const { world, openRoom, seat } = roomWorld(mode);

  it('keeps the words out of the database and the logs, and deletes them after retention', async () => {
    const { groupId, sessionId, facilitator, people } = await openRoom(2);
    await updateGroup(world.organiser, groupId, { retentionHours: 6 });
    const seated = [];
    for (const person of people) {
      const { socket } = await seat(person, sessionId, world.other);
      seated.push({ socket, client: person.client, memberId: await memberIdOf(world.organiser, groupId, person.pseudonym) });
    }
    const words = contentMarkers();
    await runScriptedSession({ sessionId, facilitator, facilitatorClient: world.organiser, people: seated }, words);

    const before = await contentRows(world.node, sessionId);
    // The script left content in every table that holds some.
    for (const table of ['messages', 'message_reactions', 'side_messages', 'reports', 'alerts', 'check_in_answers', 'check_out_words']) {
      expect(before[table], table).toBeGreaterThan(0);
    }

    // The search itself finds every marker where one is.
    expect(found(JSON.stringify(words), words)).toHaveLength(Object.keys(words).length);
    const rows = await everyRow(world.node);
    expect(found(rows, words)).toEqual([]);
    expect(rows).toMatch(/"v1\.[A-Za-z0-9_-]+\./);
    if (mode.name === 'services') {
      // The real tool an operator (or a thief of a backup) would use.
      const { stdout } = await run('pg_dump', ['--data-only', world.place.databaseUrl!], { maxBuffer: 64 * 1024 * 1024 });
      expect(stdout).toContain('COPY public.messages');
      expect(found(stdout, words)).toEqual([]);
    }
    const logs = world.node.logs.text + world.other.logs.text;
    expect(logs.length).toBeGreaterThan(0);
    expect(found(logs, words)).toEqual([]);

    // Retention: not before the time, exactly once after it, on whichever node sweeps first.
    const closedAt = Date.now();
    const hour = 3600_000;
    const early = await world.node.services.retention.sweep(new Date(closedAt + 5 * hour));
    expect(early.purged).toBe(0);
    expect((await contentRows(world.node, sessionId)).messages).toBe(before.messages);
    const later = new Date(closedAt + 6 * hour + 60_000);
    const sweeps = await Promise.all([
      world.node.services.retention.sweep(later),
      world.other.services.retention.sweep(later),
    ]);
    expect(sweeps.reduce((sum, sweep) => sum + sweep.purged, 0)).toBe(1);
    const after = await contentRows(world.node, sessionId);
    expect(Object.values(after).every((count) => count === 0), JSON.stringify(after)).toBe(true);

    // The session's place in the calendar and its anonymous colour totals remain.
    const totals = await world.organiser.get(`/api/sessions/${sessionId}/check-out`);
    expect(totals.json).toMatchObject({ total: 1, colours: { green: 1 }, words: [] });
    const late = await seated[1]!.client.post(`/api/sessions/${sessionId}/check-out`, { colour: 'red' });
    expect(late.status).toBe(409);
  });
});
