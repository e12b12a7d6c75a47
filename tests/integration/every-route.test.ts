import { randomUUID } from 'node:crypto';
import { ApiErrorSchema } from '@hearth/shared';
import { count, is } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as schema from '../../server/src/db/schema.ts';
import { createGroup, createOrganiser } from '../support/factories.ts';
import { startNode, type Node } from '../support/hearth.ts';
import type { HttpClient } from '../support/http.ts';
import { modes, type Provisioned } from '../support/modes.ts';

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  maxLength?: number;
  anyOf?: JsonSchema[];
};
type Operation = { requestBody?: { content?: { 'application/json'?: { schema?: JsonSchema } } }; parameters?: Array<{ in: string; name: string }> };

/** A value of a type the schema does not accept. */
function wrongTypeFor(property: JsonSchema): unknown {
  const type = Array.isArray(property.type) ? property.type[0] : property.type;
  switch (type) {
    case 'string':
      return 12345;
    case 'number':
    case 'integer':
      return 'not a number';
    case 'boolean':
      return 'yes';
    case 'array':
      return 'not a list';
    default:
      return 12345;
  }
}

/**
 * Every route of the REST API, read from its own OpenAPI description, so that a route added
 * later is covered without anyone remembering to: each malformed body or parameter gets a
 * `{ code, message }` error and changes nothing.
 */
describe.each(modes)('bad input on every route, $name mode', (mode) => {
  let place: Provisioned;
  let node: Node;
  let organiser: HttpClient;
  let operations: Array<{ method: string; path: string; operation: Operation }>;

  beforeAll(async () => {
    place = await mode.provision();
    node = await startNode(place);
    organiser = await createOrganiser(node);
    const document = node.app.swagger() as { paths: Record<string, Record<string, Operation>> };
    operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ method: method.toUpperCase(), path, operation })),
    );
  });

  afterAll(async () => {
    await node?.close();
    await place?.dispose();
  });

  async function tableCounts() {
    const counts: Record<string, number> = {};
    for (const [name, table] of Object.entries(schema)) {
      if (!is(table, PgTable)) continue;
      counts[name] = (await node.database.db.select({ n: count() }).from(table))[0]!.n;
    }
    return counts;
  }

  const fill = (path: string) => path.replace(/\{[^}]+\}/g, () => randomUUID());

  it('knows the API: at least every route this test was written against', () => {
    const withBodies = operations.filter((o) => o.operation.requestBody);
    expect(withBodies.length).toBeGreaterThanOrEqual(20);
    expect(operations.map((o) => `${o.method} ${o.path}`)).toEqual(
      expect.arrayContaining([
        'GET /api/config',
        'GET /api/groups/{groupId}/room-preferences',
        'PUT /api/groups/{groupId}/room-preferences',
        'POST /api/sessions/{sessionId}/open',
        'POST /api/sessions/{sessionId}/end',
      ]),
    );
  });

  it('answers every malformed body with invalid_input and stores nothing', async () => {
    const before = await tableCounts();
    let checked = 0;
    for (const { method, path, operation } of operations) {
      const bodySchema = operation.requestBody?.content?.['application/json']?.schema;
      if (!bodySchema) continue;
      const properties = bodySchema.properties ?? {};
      const bodies: Array<[string, unknown]> = [['a JSON array', [1, 2, 3]], ['a JSON string', '"text"'], ['a number', '42']];
      if ((bodySchema.required ?? []).length > 0) bodies.push(['no fields', {}]);
      for (const [name, property] of Object.entries(properties)) {
        bodies.push([`${name} of the wrong type`, { [name]: wrongTypeFor(property) }]);
        if (property.maxLength) bodies.push([`${name} too long`, { [name]: 'x'.repeat(property.maxLength + 1) }]);
      }
      for (const [what, body] of bodies) {
        const res = await organiser.request(method, fill(path), body);
        const label = `${method} ${path} with ${what}`;
        expect(res.status, label).toBe(400);
        expect(ApiErrorSchema.safeParse(res.json).success, label).toBe(true);
        expect(res.json.code, label).toBe('invalid_input');
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
    expect(await tableCounts()).toEqual(before);
  });

  it('answers every malformed path parameter with invalid_input', async () => {
    for (const { method, path, operation } of operations) {
      if (!path.includes('{') || path.startsWith('/docs')) continue;
      const res = await organiser.request(method, path.replace(/\{[^}]+\}/g, 'not-an-id'), operation.requestBody ? {} : undefined);
      expect(res.status, `${method} ${path}`).toBe(400);
      expect(res.json.code, `${method} ${path}`).toBe('invalid_input');
    }
  });

  it('refuses malformed room preferences for a real group, keeping what was saved', async () => {
    const { id: groupId } = await createGroup(organiser);
    const path = `/api/groups/${groupId}/room-preferences`;
    const saved = { contentWarnings: { 'sexual-violence': 'hide' }, typingIndicators: false };
    expect((await organiser.request('PUT', path, saved)).json).toEqual(saved);
    for (const body of [
      { contentWarnings: { 'sexual-violence': 'sometimes' }, typingIndicators: true },
      { contentWarnings: { ['k'.repeat(41)]: 'show' }, typingIndicators: true },
      { contentWarnings: [], typingIndicators: true },
      { contentWarnings: {} },
      { typingIndicators: true },
    ]) {
      const res = await organiser.request('PUT', path, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json.code, JSON.stringify(body)).toBe('invalid_input');
    }
    expect((await organiser.get(path)).json).toEqual(saved);
  });

  it('answers a malformed query with invalid_input', async () => {
    const res = await organiser.get(`/api/groups/${randomUUID()}/sessions?from=yesterday`);
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('invalid_input');
  });
});
