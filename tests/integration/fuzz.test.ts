import { randomUUID } from 'node:crypto';
import {
  ApiErrorSchema,
  ackSchema,
  clientCommands,
  defaultCwCategories,
  limits,
  reactions,
  reportReasons,
  serverEvents,
  type ClientCommandName,
  type CommandPayload,
} from '@hearth/shared';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  acceptAgreement,
  createGroup,
  createInvite,
  memberIdOf,
  newClientId,
  redeemAsNewcomer,
  startSession,
  updateGroup,
  inviteParticipant,
  password,
  type CreatedInvite,
} from '../support/factories.ts';
import type { Node } from '../support/hearth.ts';
import { HttpClient } from '../support/http.ts';
import { modes } from '../support/modes.ts';
import { collect, collectEvents, command, postedMessages, raw, unwrap, type TestSocket } from '../support/socket.ts';
import { roomWorld } from '../support/world.ts';

/**
 * Fuzzing with fast-check: arbitrary and mutated payloads for every socket command and every
 * REST body. Whatever arrives, the server answers with a valid reply or a clear error, logs no
 * unexpected failure, keeps the sender connected and keeps the room delivering to others.
 *
 * Socket commands: each command gets arbitrary values, its own keys holding anything, and
 * mutations of a realistic payload built with the room's real ids (a key dropped, a value of
 * another type, unknown and prototype-polluting keys, ids swapped for foreign, random or
 * malformed ones, numbers and strings at and past their limits), from a facilitator and from a
 * participant of one open room. An acknowledgement is `{ ok: true, data }` with data of the
 * command's result schema, or `{ ok: false, error }` with a known code (never `internal`), a
 * message that does not repeat the input, and `invalid_input` whenever the payload schema
 * refuses the payload (`rate_limited` is accepted wherever a limit may apply first). Nothing
 * may be logged as a failure.
 *
 * The room must stay usable from run to run, and valid outcomes change it: a pause, a lock,
 * slow mode, a mute, leaving. Such outcomes are undone after the run (`heal`), and when a
 * command the fixture needs is refused the whole room is put back (`fullHeal`). Removing and
 * banning name a victim who is replaced once banned, never the fuzzing participant; the two
 * other participants, who speak and listen in the final check, are never named at all.
 * Payloads stay below socket.io's 64 KiB frame limit, over which socket.io closes the
 * connection (the one valid disconnection, tested in bad-input.test.ts): no fuzzing socket
 * may be disconnected.
 *
 * REST: every route with a JSON body in the live OpenAPI document gets arbitrary JSON, raw
 * malformed text, other content types and mutations of a realistic body, as the organiser who
 * owns the group (or as the caller the route is for), with path parameters that are real ids.
 * Every answer is below 500 and every 4xx is `{ code, message }` with a known code. Routes whose
 * success uses up their fixture (ending a session, approving someone, logging out) get a fresh
 * one after each success, so that later runs reach the success path again.
 *
 * Runs are fixed by a seed (FUZZ_SEED overrides it; a failure reports seed, path and shrunk
 * counterexample so it can be replayed) and their number is modest; FUZZ_RUNS multiplies it.
 */
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : 0x4ea27;
const SCALE = process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) : 1;
const runs = (n: number) => Math.max(1, Math.round(n * SCALE));
const RUNS = {
  /** Per command and per sender (facilitator, participant). */
  command: runs(30),
  /** Per command, without an acknowledgement callback. */
  noAck: runs(8),
  unknownEvent: runs(60),
  joinCase: runs(8),
  /** Per REST route. */
  route: runs(35),
};
const settings = (offset: number) => ({ seed: SEED + offset });
const TIMEOUT = 240_000;

const errorLogPattern = /"msg":"(socket command failed|request failed|socket background work failed)"|"level":(50|60)/;

// ---------------------------------------------------------------------------------------------
// References to real things, resolved when a run is sent (the fixture changes as runs go).
// ---------------------------------------------------------------------------------------------

const idVariants = ['upper', 'braced', 'padded', 'nodash', 'truncated', 'extended'] as const;
type IdVariant = (typeof idVariants)[number];

/** A real id (or value) of the fixture, named; shown as ref(name) in a counterexample. */
class Ref {
  constructor(
    readonly name: string,
    readonly variant?: IdVariant,
  ) {}
  [fc.toStringMethod](): string {
    return this.variant ? `ref(${this.name}:${this.variant})` : `ref(${this.name})`;
  }
}

function applyVariant(id: string, variant: IdVariant | undefined): string {
  switch (variant) {
    case 'upper':
      return id.toUpperCase();
    case 'braced':
      return `{${id}}`;
    case 'padded':
      return ` ${id} `;
    case 'nodash':
      return id.replaceAll('-', '');
    case 'truncated':
      return id.slice(0, 35);
    case 'extended':
      return `${id}0`;
    default:
      return id;
  }
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
};

/** Defines a key as an own, enumerable property, even `__proto__`, so that JSON carries it. */
function put(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true });
}

/** A deep copy of plain objects and arrays; everything else (Refs, dates, bytes) is kept. */
function clone<T>(value: T): T {
  if (Array.isArray(value)) return value.map(clone) as T;
  if (isPlainObject(value)) {
    const copy: Record<string, unknown> = Object.getPrototypeOf(value) === null ? Object.create(null) : {};
    for (const key of Object.keys(value)) put(copy, key, clone(value[key]));
    return copy as T;
  }
  return value;
}

/** Replaces every Ref with what it names now. */
async function resolveDeep(value: unknown, resolve: (ref: Ref) => Promise<unknown>): Promise<unknown> {
  if (value instanceof Ref) {
    const resolved = await resolve(value);
    return typeof resolved === 'string' ? applyVariant(resolved, value.variant) : resolved;
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) out.push(await resolveDeep(item, resolve));
    return out;
  }
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = Object.getPrototypeOf(value) === null ? Object.create(null) : {};
    for (const key of Object.keys(value)) put(out, key, await resolveDeep(value[key], resolve));
    return out;
  }
  return value;
}

// ---------------------------------------------------------------------------------------------
// Arbitraries.
// ---------------------------------------------------------------------------------------------

const nastyShort = fc.constantFrom(
  '\u0000',
  'nul\u0000inside',
  '\uD800',
  'a lone \uDC00 low surrogate',
  'half an emoji \uD83D',
  'bidi \u202Eoverride',
  '\uFEFFbyte order mark',
  'zero\u200Bwidth',
  'Z\u0351\u0364\u0334a\u0353l\u0321g\u0358o',
  '🫂 ❤️ 👂🏽',
  '\r\n\t',
  '   ',
  "'; drop table messages; --",
  '{{7*7}} ${7*7}',
  '<img src=x onerror=alert(1)>',
  '%s%n%x',
  '../../../etc/passwd',
  'null',
  'undefined',
  'true',
  '-1',
  'NaN',
  '1e309',
  '__proto__',
  'constructor',
);

/** Ordinary words with one troublesome character: NUL, a lone surrogate, a bidi override, a BOM. */
const tainted = fc
  .tuple(fc.lorem({ maxCount: 3 }), fc.constantFrom('\u0000', '\u0000', '\uD800', '\u202E', '\uFEFF'), fc.boolean())
  .map(([words, odd, before]) => (before ? `${odd}${words}` : `${words}${odd}`));

const someString = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 2, arbitrary: nastyShort },
  { weight: 1, arbitrary: tainted },
  { weight: 1, arbitrary: fc.lorem({ maxCount: 6 }) },
);

/** Strings at, just under and just over the limits the schemas set. Fill characters stay at
 * most two bytes, so no payload reaches the 64 KiB a socket frame may have. */
const limitLengths = [
  limits.checkInWordMax,
  limits.cwNoteMax,
  limits.reasonMax,
  limits.messageTextMax,
  limits.pseudonymMax,
  limits.usernameMax,
  limits.groupNameMax,
  limits.sessionTitleMax,
  40,
  64,
  128,
  256,
];
const hugeString = fc
  .tuple(fc.constantFrom(...limitLengths), fc.constantFrom(-1, 0, 1), fc.constantFrom('x', 'é', ' ', 'ß'))
  .map(([n, delta, fill]) => fill.repeat(n + delta));

const edgeNumber = fc.oneof(
  fc.constantFrom(
    -1, 0, 1, 0.5, -0, 29, 30, 31, 120, 121, 299, 300, 301, 899, 900, 901, 2 ** 31, 2 ** 53, 2 ** 53 + 2,
    -(2 ** 53), 1e21, Number.MAX_VALUE, Number.MIN_VALUE, Number.EPSILON, NaN, Infinity, -Infinity,
  ),
  fc.integer(),
  fc.double(),
);

const pollution = fc
  .constantFrom(
    '{"__proto__":{"polluted":"yes"}}',
    '{"constructor":{"prototype":{"polluted":"yes"}}}',
    '{"__proto__":{"sessionId":"00000000-0000-0000-0000-000000000000","isOrganiser":true}}',
    '{"prototype":{"polluted":"yes"},"__proto__":null}',
  )
  .map((text) => JSON.parse(text) as unknown);

const deepNest = (depth: number): unknown => {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? { a: value } : [value];
  return value;
};

const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.anything({
      maxDepth: 3,
      maxKeys: 5,
      withNullPrototype: true,
      withBoxedValues: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withObjectString: true,
      withSparseArray: true,
    }),
  },
  { weight: 2, arbitrary: someString },
  { weight: 1, arbitrary: hugeString },
  { weight: 2, arbitrary: edgeNumber },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(undefined, null, true, false, '', 0) },
  { weight: 1, arbitrary: fc.constantFrom('[]', '{}', '[[]]', '{"":{}}').map((text) => JSON.parse(text) as unknown) },
  { weight: 1, arbitrary: fc.nat({ max: 80 }).map(deepNest) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 32 }) },
  { weight: 1, arbitrary: pollution },
);

/** Names of the real ids a mutation may swap in. Never the bystanders of the final check. */
const swappableRefs = [
  'session',
  'endedSession',
  'foreignSession',
  'self',
  'facilitator',
  'victim',
  'foreignMember',
  'participantMessage',
  'facilitatorMessage',
  'deletedMessage',
  'foreignMessage',
  'checkIn',
  'report',
  'supportRequest',
  'alert',
  'sentClientId',
] as const;

const uuidish: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...swappableRefs).map((name) => new Ref(name)) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom(...swappableRefs), fc.constantFrom(...idVariants))
      .map(([name, variant]) => new Ref(name, variant)),
  },
  { weight: 2, arbitrary: fc.uuid() },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '00000000-0000-0000-0000-000000000000',
      'ffffffff-ffff-ffff-ffff-ffffffffffff',
      'not-a-uuid',
      '',
      '00000000-0000-0000-0000-00000000000g',
    ),
  },
);

const replacement: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: anyValue },
  { weight: 3, arbitrary: uuidish },
  { weight: 2, arbitrary: edgeNumber },
  { weight: 2, arbitrary: someString },
  { weight: 1, arbitrary: hugeString },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(true, false, null, 'true', 1) },
);

const extraKey = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'valueOf',
    'hasOwnProperty',
    'then',
    'id',
    'role',
    'isOrganiser',
    'accountId',
    'status',
    'admitted',
  ),
  fc.string({ maxLength: 12 }),
);

type Mutation =
  | { op: 'drop'; at: number[] }
  | { op: 'set'; at: number[]; value: unknown }
  | { op: 'add'; at: number[]; key: string; value: unknown }
  | { op: 'wrap'; how: 'array' | 'nested' };

const path = fc.array(fc.nat(), { minLength: 1, maxLength: 3 });
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ op: fc.constant('drop' as const), at: path }) },
  { weight: 5, arbitrary: fc.record({ op: fc.constant('set' as const), at: path, value: replacement }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('add' as const), at: path, key: extraKey, value: replacement }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('wrap' as const), how: fc.constantFrom('array' as const, 'nested' as const) }) },
);

const isContainer = (value: unknown): value is Record<string, unknown> | unknown[] =>
  Array.isArray(value) || isPlainObject(value);

/** Applies mutations to a copy of a valid payload: the path's numbers pick keys at each depth. */
function mutate(valid: unknown, mutations: readonly Mutation[]): unknown {
  let root = clone(valid);
  for (const m of mutations) {
    if (m.op === 'wrap') {
      root = m.how === 'array' ? [root] : { payload: root };
      continue;
    }
    let parent: unknown = root;
    for (const step of m.at.slice(0, -1)) {
      if (!isContainer(parent)) break;
      const keys = Object.keys(parent);
      const child = keys.length > 0 ? (parent as Record<string, unknown>)[keys[step % keys.length]!] : undefined;
      if (!isContainer(child)) break;
      parent = child;
    }
    if (!isContainer(parent)) continue;
    const keys = Object.keys(parent);
    const last = m.at.at(-1)!;
    if (m.op === 'add') {
      if (Array.isArray(parent)) parent.push(clone(m.value));
      else put(parent, m.key, clone(m.value));
      continue;
    }
    if (keys.length === 0) continue;
    const key = keys[last % keys.length]!;
    if (m.op === 'drop') {
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
    } else {
      put(parent as Record<string, unknown>, key, clone(m.value));
    }
  }
  return root;
}

const mutated = (valid: fc.Arbitrary<unknown>) =>
  fc.tuple(valid, fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([v, ms]) => mutate(v, ms));

// Realistic values for valid payloads.

const r = (name: string) => fc.constant(new Ref(name));
const session = r('session');
const messageText = fc.oneof(
  { weight: 4, arbitrary: fc.lorem({ maxCount: 12, mode: 'sentences' }) },
  { weight: 2, arbitrary: fc.string({ minLength: 1, maxLength: 80 }) },
  { weight: 2, arbitrary: fc.tuple(fc.lorem({ maxCount: 3 }), nastyShort).map(([a, b]) => `${a} ${b}`) },
  { weight: 2, arbitrary: tainted },
  { weight: 1, arbitrary: fc.constantFrom('I want to die', 'Honestly I feel like I can’t go on', 'I would never hurt myself') },
  { weight: 1, arbitrary: fc.constantFrom(limits.messageTextMax - 1, limits.messageTextMax).map((n) => 'x'.repeat(n)) },
);
const shortText = fc.oneof(
  { weight: 3, arbitrary: fc.lorem({ maxCount: 5 }) },
  { weight: 2, arbitrary: tainted },
  { weight: 2, arbitrary: someString },
  { weight: 1, arbitrary: fc.constant('') },
);
const reasonText = fc.oneof(
  { weight: 4, arbitrary: shortText },
  { weight: 1, arbitrary: fc.constantFrom(limits.reasonMax - 1, limits.reasonMax).map((n) => 'r'.repeat(n)) },
);
const cwKeys = defaultCwCategories.map((c) => c.key);
const warning = fc.record(
  {
    categories: fc.subarray(cwKeys, { maxLength: limits.cwCategoriesMax }),
    note: fc.oneof(fc.constant(''), fc.lorem({ maxCount: 3 }), tainted, nastyShort),
  },
  { requiredKeys: [] },
);
const clientId = fc.oneof({ weight: 4, arbitrary: fc.uuid() }, { weight: 1, arbitrary: r('sentClientId') });
const afterSeq = fc.oneof(fc.nat({ max: 50 }), fc.constant(0));

type Who = 'facilitator' | 'participant';
const sessionOnly = () => fc.record({ sessionId: session });

/**
 * A realistic, usually valid payload for every command, with real ids of the room. The record
 * type makes a command added later a compile error here until it has one.
 */
const validPayloads: Record<ClientCommandName, (who: Who) => fc.Arbitrary<unknown>> = {
  'room:join': () => fc.record({ sessionId: session, afterSeq, reminderAcknowledged: fc.constant(true) }),
  'room:catch-up': () => fc.record({ sessionId: session, afterSeq }),
  'room:leave': sessionOnly,
  'room:presence': () => fc.record({ sessionId: session, state: fc.constantFrom('present', 'stepped_out') }),
  'room:typing': sessionOnly,
  'room:admit': () => fc.record({ sessionId: session, memberId: fc.oneof(r('victim'), r('participant')) }),
  'message:send': () =>
    fc.record(
      {
        sessionId: session,
        clientId,
        text: messageText,
        replyToId: fc.oneof(fc.constant(null), r('participantMessage'), r('facilitatorMessage')),
        warning: fc.option(warning, { nil: null }),
      },
      { requiredKeys: ['sessionId', 'clientId', 'text'] },
    ),
  'message:edit': (who) =>
    fc.record(
      {
        sessionId: session,
        messageId: r(`${who}Message`),
        text: messageText,
        warning: fc.option(warning, { nil: null }),
      },
      { requiredKeys: ['sessionId', 'messageId', 'text'] },
    ),
  'message:delete': (who) => fc.record({ sessionId: session, messageId: r(`${who}Message`) }),
  'message:react': () =>
    fc.record({
      sessionId: session,
      messageId: fc.oneof(r('participantMessage'), r('facilitatorMessage')),
      reaction: fc.constantFrom(...reactions),
      on: fc.boolean(),
    }),
  'message:warn': () =>
    fc.record({ sessionId: session, messageId: fc.oneof(r('participantMessage'), r('facilitatorMessage')), warning }),
  'message:report': (who) =>
    fc.record(
      {
        sessionId: session,
        messageId: r(who === 'participant' ? 'facilitatorMessage' : 'participantMessage'),
        reason: fc.constantFrom(...reportReasons),
        note: shortText,
      },
      { requiredKeys: ['sessionId', 'messageId', 'reason'] },
    ),
  'staff:state': sessionOnly,
  'room:admit-all': sessionOnly,
  'room:announce': () => fc.record({ sessionId: session, clientId, text: messageText }),
  'room:pause': () =>
    fc.record({ sessionId: session, seconds: fc.integer({ min: limits.pauseSecondsMin, max: limits.pauseSecondsMax }) }),
  'room:resume': sessionOnly,
  'room:slow-mode': () =>
    fc.record({ sessionId: session, seconds: fc.integer({ min: 0, max: limits.slowModeSecondsMax }) }),
  'room:lock': () => fc.record({ sessionId: session, locked: fc.boolean() }),
  'checkin:open': sessionOnly,
  'checkin:close': sessionOnly,
  'checkin:answer': () =>
    fc.record(
      {
        sessionId: session,
        checkInId: r('checkIn'),
        colour: fc.constantFrom('green', 'amber', 'red'),
        word: fc.oneof(fc.lorem({ maxCount: 1 }), tainted, nastyShort, fc.constant('w'.repeat(limits.checkInWordMax))),
      },
      { requiredKeys: ['sessionId', 'checkInId', 'colour'] },
    ),
  'member:mute': () =>
    fc.record(
      {
        sessionId: session,
        memberId: fc.oneof(r('victim'), r('participant')),
        minutes: fc.integer({ min: 1, max: limits.muteMinutesMax }),
        reason: reasonText,
      },
      { requiredKeys: ['sessionId', 'memberId', 'minutes'] },
    ),
  'member:unmute': () => fc.record({ sessionId: session, memberId: fc.oneof(r('victim'), r('participant')) }),
  // Removing or banning names the victim only: the fuzzing participant stays in the room.
  'member:remove': () =>
    fc.record({ sessionId: session, memberId: r('victim'), reason: reasonText }, { requiredKeys: ['sessionId', 'memberId'] }),
  'member:ban': () =>
    fc.record({
      sessionId: session,
      memberId: r('victim'),
      reason: fc.oneof(fc.lorem({ maxCount: 5 }), tainted, nastyShort, fc.constant('b'.repeat(limits.reasonMax))),
    }),
  'message:hide': () =>
    fc.record(
      { sessionId: session, messageId: r('participantMessage'), hidden: fc.boolean(), reason: reasonText },
      { requiredKeys: ['sessionId', 'messageId', 'hidden'] },
    ),
  'message:remove': () =>
    fc.record(
      { sessionId: session, messageId: r('participantMessage'), reason: reasonText },
      { requiredKeys: ['sessionId', 'messageId'] },
    ),
  'member:clear-messages': () =>
    fc.record(
      { sessionId: session, memberId: fc.oneof(r('victim'), r('participant')), reason: reasonText },
      { requiredKeys: ['sessionId', 'memberId'] },
    ),
  'report:resolve': () =>
    fc.record(
      { sessionId: session, reportId: r('report'), outcome: fc.constantFrom('action_taken', 'dismissed'), note: reasonText },
      { requiredKeys: ['sessionId', 'reportId', 'outcome'] },
    ),
  'support:acknowledge': () => fc.record({ sessionId: session, requestId: r('supportRequest') }),
  'alert:acknowledge': () => fc.record({ sessionId: session, alertId: r('alert') }),
  'side:send': (who) =>
    fc.record({
      sessionId: session,
      participantId:
        who === 'facilitator' ? fc.oneof(r('participant'), r('victim')) : fc.oneof(fc.constant(null), r('self')),
      clientId,
      text: messageText,
    }),
  'support:request': sessionOnly,
};

const commandNames = Object.keys(clientCommands) as ClientCommandName[];
const shapeOf = (event: ClientCommandName) =>
  Object.keys((clientCommands[event].payload as unknown as { shape: Record<string, unknown> }).shape);

/** Garbage for one command: anything at all, or its own keys holding anything. */
const arbitraryPayload = (event: ClientCommandName) =>
  fc.oneof(
    { weight: 2, arbitrary: anyValue },
    {
      weight: 2,
      arbitrary: fc.record(Object.fromEntries(shapeOf(event).map((key) => [key, fc.oneof(anyValue, uuidish)])), {
        requiredKeys: [],
      }),
    },
  );

type Sent = { kind: 'arbitrary' | 'mutated' | 'valid'; payload: unknown };
const commandInput = (event: ClientCommandName, who: Who): fc.Arbitrary<Sent> =>
  fc.oneof(
    { weight: 3, arbitrary: arbitraryPayload(event).map((payload) => ({ kind: 'arbitrary' as const, payload })) },
    { weight: 5, arbitrary: mutated(validPayloads[event](who)).map((payload) => ({ kind: 'mutated' as const, payload })) },
    { weight: 2, arbitrary: validPayloads[event](who).map((payload) => ({ kind: 'valid' as const, payload })) },
  );
const extraArgs = fc.oneof(
  { weight: 4, arbitrary: fc.constant([] as unknown[]) },
  { weight: 1, arbitrary: fc.array(anyValue, { minLength: 1, maxLength: 2 }) },
);

// ---------------------------------------------------------------------------------------------
// What every answer must be.
// ---------------------------------------------------------------------------------------------

const show = (value: unknown, max = 600) => {
  let text: string;
  try {
    text = JSON.stringify(value, (_key, v: unknown) => (v instanceof Uint8Array ? `<${v.length} bytes>` : v)) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max)}… (${text.length} characters)` : text;
};

function stringsIn(value: unknown, out: string[] = [], depth = 0): string[] {
  if (depth > 100) return out;
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((item) => stringsIn(item, out, depth + 1));
  else if (isPlainObject(value)) Object.values(value).forEach((item) => stringsIn(item, out, depth + 1));
  return out;
}

/**
 * The string values of the input (at least 8 characters once trimmed) that the message repeats.
 * Words the schema itself names (field names, options) are not echoes.
 */
function echoes(message: string, input: unknown, vocabulary: string): string[] {
  return stringsIn(input)
    .map((s) => s.trim())
    .filter((s) => s.length >= 8 && !vocabulary.includes(s) && !validatorWords.includes(s) && message.includes(s));
}

/** What validation messages say of any input (zod's wording): not an echo when a value says it too. */
const validatorWords =
  'Invalid input: expected string, received undefined null number boolean object array bigint symbol function ' +
  'nan date map set Invalid option: expected one of Too big: Too small: expected string to have characters ' +
  'Invalid UUID Invalid string: must match pattern Unrecognized key The request is not valid. invalid_input';

/**
 * A value as the server receives it: socket.io and fetch carry JSON, so boxed values, dates,
 * maps, NaN and holes arrive as what JSON makes of them. (Bytes travel as bytes; no schema
 * accepts either form.)
 */
const onTheWire = (value: unknown): unknown => {
  const text = JSON.stringify(value);
  return text === undefined ? null : (JSON.parse(text) as unknown);
};

class FuzzFailure extends Error {
  override name = 'FuzzFailure';
}
function fail(what: string, sent: unknown, answer?: unknown): never {
  throw new FuzzFailure(`${what}\n  sent: ${show(sent)}${answer === undefined ? '' : `\n  answer: ${show(answer)}`}`);
}

function checkError(error: unknown, sent: unknown, vocabulary: string, context: string) {
  const parsed = ApiErrorSchema.safeParse(error);
  if (!parsed.success) fail(`${context}: the error is not { code, message } with a known code`, sent, error);
  const { code, message } = parsed.data;
  if (code === 'internal') fail(`${context}: an unexpected server error (code internal)`, sent, error);
  if (message.trim().length === 0) fail(`${context}: the error message is empty`, sent, error);
  const echoed = echoes(message, sent, vocabulary);
  if (echoed.length > 0) fail(`${context}: the error message echoes the input (${show(echoed, 120)})`, sent, error);
  return parsed.data;
}

function newErrorLines(node: Node, from: number): string[] {
  return node.logs.lines.slice(from).filter((line) => errorLogPattern.test(line));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs properties one after another and fails with every failure's report (seed, path,
 * shrunk counterexample, what went wrong), so that one failing property hides no other.
 */
async function checkAll(properties: Array<{ label: string; property: fc.IAsyncProperty<any>; params: fc.Parameters<any> }>) {
  const failures: string[] = [];
  for (const { label, property, params } of properties) {
    const details = await fc.check(property, params);
    if (!details.failed) continue;
    const report = (await fc.asyncDefaultReportMessage(details)) ?? '';
    const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    failures.push(`${label}\n${report}\nWhat went wrong: ${error}`);
  }
  if (failures.length > 0) throw new FuzzFailure(`${failures.length} failing propert${failures.length === 1 ? 'y' : 'ies'}:\n\n${failures.join('\n\n')}`);
}

/** A command the fixture needs done; a rate limit (if one applies) is waited out. */
async function must<E extends ClientCommandName>(
  socket: TestSocket,
  event: E,
  payload: CommandPayload<E>,
) {
  for (let attempt = 0; ; attempt++) {
    const ack = await command(socket, event, payload);
    if (!ack.ok && ack.error.code === 'rate_limited' && attempt < 20) {
      await sleep(250);
      continue;
    }
    return unwrap(ack);
  }
}

const reserved = new Set(['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener']);

describe.each(modes)('fuzzing, $name mode', (mode) => {
  const { world, openRoom, seat, socketOf } = roomWorld(mode);

  const nodes = () => (world.other === world.node ? [world.node] : [world.node, world.other]);
  const logMarks = () => nodes().map((node) => node.logs.lines.length);
  const errorLinesSince = (marks: number[]) => nodes().flatMap((node, i) => newErrorLines(node, marks[i] ?? 0));

  describe('socket commands', () => {
    type Seated = { socket: TestSocket; memberId: string };
    const fx = {
      live: { facilitator: [] as string[], participant: [] as string[] },
      deleted: [] as string[],
      sentClientIds: { facilitator: [] as string[], participant: [] as string[] },
      noAckSent: { facilitator: [] as string[], participant: [] as string[] },
    } as {
      sessionId: string;
      groupId: string;
      endedSessionId: string;
      foreignSessionId: string;
      foreignMemberId: string;
      foreignMessageId: string;
      facilitator: Seated;
      participant: Seated;
      /** The other participant, who speaks in the final check; never a target. */
      speaker: Seated;
      /** The third member, who must still receive it; never a target. */
      listener: Seated;
      listenerClient: HttpClient;
      victimId: string;
      live: Record<Who, string[]>;
      deleted: string[];
      sentClientIds: Record<Who, string[]>;
      checkInId?: string;
      reportId?: string;
      supportRequestId?: string;
      alertId?: string;
      rejected: Record<Who, ReturnType<typeof collect<'command:rejected'>>>;
      noAckSent: Record<Who, string[]>;
    };
    const consumed = new Set<unknown>();

    const seatOf = (who: Who) => (who === 'facilitator' ? fx.facilitator : fx.participant);
    const same = (a: unknown, b: string) => typeof a === 'string' && a.toLowerCase() === b.toLowerCase();

    /** A command whose outcome does not matter here (what it should change is checked later). */
    const attempt = <E extends ClientCommandName>(socket: TestSocket, event: E, payload: CommandPayload<E>) =>
      command(socket, event, payload).catch(() => undefined);

    /**
     * Everything the fuzzing may validly have changed, put back: both senders in the room, no
     * pause, lock or slow mode, the fuzzing participant not muted and present. Runs when a
     * command of the fixture is refused (a command sent without acknowledgement may finish
     * after the heal meant to undo it).
     */
    async function fullHeal() {
      const sessionId = fx.sessionId;
      for (const who of ['facilitator', 'participant'] as const) {
        await attempt(seatOf(who).socket, 'room:join', { sessionId, afterSeq: 0, reminderAcknowledged: true });
      }
      await attempt(fx.facilitator.socket, 'room:resume', { sessionId });
      await attempt(fx.facilitator.socket, 'room:lock', { sessionId, locked: false });
      await attempt(fx.facilitator.socket, 'room:slow-mode', { sessionId, seconds: 0 });
      await attempt(fx.facilitator.socket, 'member:unmute', { sessionId, memberId: fx.participant.memberId });
      await attempt(fx.participant.socket, 'room:presence', { sessionId, state: 'present' });
    }

    /** A command the fixture needs; when refused, the room is healed and it is tried again. */
    async function inRoom<E extends ClientCommandName>(socket: TestSocket, event: E, payload: CommandPayload<E>) {
      const first = await command(socket, event, payload);
      if (first.ok) return first.data;
      await fullHeal();
      return must(socket, event, payload);
    }

    async function post(who: Who, text = 'A message to act on.') {
      const ack = await inRoom(seatOf(who).socket, 'message:send', { sessionId: fx.sessionId, clientId: newClientId(), text });
      fx.live[who].push(ack.id);
      return ack.id;
    }

    async function newVictim() {
      const person = await inviteParticipant(world.organiser, fx.groupId);
      return memberIdOf(world.organiser, fx.groupId, person.pseudonym);
    }

    const staffState = () => inRoom(fx.facilitator.socket, 'staff:state', { sessionId: fx.sessionId });

    async function resolveRef(ref: Ref, who: Who): Promise<string> {
      switch (ref.name) {
        case 'session':
          return fx.sessionId;
        case 'endedSession':
          return fx.endedSessionId;
        case 'foreignSession':
          return fx.foreignSessionId;
        case 'self':
          return seatOf(who).memberId;
        case 'facilitator':
          return fx.facilitator.memberId;
        case 'participant':
          return fx.participant.memberId;
        case 'victim':
          return fx.victimId;
        case 'foreignMember':
          return fx.foreignMemberId;
        case 'participantMessage':
          return fx.live.participant.at(-1) ?? (await post('participant'));
        case 'facilitatorMessage':
          return fx.live.facilitator.at(-1) ?? (await post('facilitator'));
        case 'deletedMessage':
          return fx.deleted.at(-1)!;
        case 'foreignMessage':
          return fx.foreignMessageId;
        case 'sentClientId':
          return fx.sentClientIds[who].at(-1) ?? randomUUID();
        case 'checkIn': {
          if (fx.checkInId) return fx.checkInId;
          let state = await staffState();
          if (!state.checkIn) {
            await inRoom(fx.facilitator.socket, 'checkin:open', { sessionId: fx.sessionId });
            state = await staffState();
          }
          return (fx.checkInId = state.checkIn!.id);
        }
        case 'report': {
          if (fx.reportId) return fx.reportId;
          const open = (await staffState()).reports[0];
          if (open) return (fx.reportId = open.id);
          const target = await inRoom(fx.speaker.socket, 'message:send', {
            sessionId: fx.sessionId,
            clientId: newClientId(),
            text: 'Something someone will report.',
          });
          await inRoom(fx.participant.socket, 'message:report', { sessionId: fx.sessionId, messageId: target.id, reason: 'other' });
          return (fx.reportId = (await staffState()).reports.find((report) => report.messageId === target.id)!.id);
        }
        case 'supportRequest': {
          if (fx.supportRequestId) return fx.supportRequestId;
          let request = (await staffState()).supportRequests[0];
          if (!request) {
            await inRoom(fx.participant.socket, 'support:request', { sessionId: fx.sessionId });
            request = (await staffState()).supportRequests[0];
          }
          return (fx.supportRequestId = request!.id);
        }
        case 'alert': {
          if (fx.alertId) return fx.alertId;
          let alert = (await staffState()).alerts[0];
          if (!alert) {
            await post('participant', 'Some days I want to die.');
            alert = (await staffState()).alerts[0];
          }
          return (fx.alertId = alert!.id);
        }
        default:
          throw new Error(`unknown reference ${ref.name}`);
      }
    }

    /**
     * Puts back what a command that may have succeeded changed, so that later runs meet the same
     * room: a pause, slow mode or lock lifted, the sender back in, the fuzzing participant
     * unmuted, a banned victim replaced, used-up ids forgotten. `ok` is undefined when the
     * command was sent without an acknowledgement and no rejection came back: it most likely
     * succeeded (should it finish later, the room is healed when the fixture next needs it).
     */
    async function heal(event: ClientCommandName, who: Who, payload: unknown, ok: boolean | undefined, data?: unknown) {
      if (ok === false || !isPlainObject(payload)) return;
      const p = payload;
      const main = same(p.sessionId, fx.sessionId);
      const socket = seatOf(who).socket;
      switch (event) {
        case 'message:send':
        case 'room:announce':
          if (ok && main && isPlainObject(data) && typeof data.id === 'string') {
            if (!fx.live[who].includes(data.id) && !fx.deleted.includes(data.id)) fx.live[who].push(data.id);
            if (typeof p.clientId === 'string') fx.sentClientIds[who].push(p.clientId);
          }
          break;
        case 'message:delete':
        case 'message:remove':
          for (const list of [fx.live.facilitator, fx.live.participant]) {
            const at = list.findIndex((id) => same(p.messageId, id));
            if (at >= 0) fx.deleted.push(...list.splice(at, 1));
          }
          break;
        case 'member:clear-messages':
          if (same(p.memberId, fx.participant.memberId)) fx.deleted.push(...fx.live.participant.splice(0));
          if (same(p.memberId, fx.facilitator.memberId)) fx.deleted.push(...fx.live.facilitator.splice(0));
          break;
        case 'room:leave':
          if (main) await attempt(socket, 'room:join', { sessionId: fx.sessionId, afterSeq: 0, reminderAcknowledged: true });
          break;
        case 'room:presence':
          if (main) await attempt(socket, 'room:presence', { sessionId: fx.sessionId, state: 'present' });
          break;
        case 'room:pause':
          if (main) await attempt(fx.facilitator.socket, 'room:resume', { sessionId: fx.sessionId });
          break;
        case 'room:slow-mode':
          if (main) await attempt(fx.facilitator.socket, 'room:slow-mode', { sessionId: fx.sessionId, seconds: 0 });
          break;
        case 'room:lock':
          if (main) await attempt(fx.facilitator.socket, 'room:lock', { sessionId: fx.sessionId, locked: false });
          break;
        case 'member:mute':
          if (main && same(p.memberId, fx.participant.memberId)) {
            await attempt(fx.facilitator.socket, 'member:unmute', { sessionId: fx.sessionId, memberId: fx.participant.memberId });
          }
          break;
        case 'member:ban':
          if (same(p.memberId, fx.victimId)) fx.victimId = await newVictim();
          break;
        case 'checkin:open':
        case 'checkin:close':
          fx.checkInId = undefined;
          break;
        case 'report:resolve':
          fx.reportId = undefined;
          break;
        case 'support:acknowledge':
          fx.supportRequestId = undefined;
          break;
        case 'alert:acknowledge':
          fx.alertId = undefined;
          break;
        default:
          break;
      }
    }

    /** Text of the event's payload schema: its field names and options are not echoes. */
    const vocabularyOf = (event: ClientCommandName) => {
      try {
        return JSON.stringify(z.toJSONSchema(clientCommands[event].payload as z.ZodType, { io: 'input', unrepresentable: 'any' }));
      } catch {
        return shapeOf(event).join(' ');
      }
    };

    beforeAll(async () => {
      const room = await openRoom(3);
      fx.sessionId = room.sessionId;
      fx.groupId = room.groupId;
      await updateGroup(world.organiser, room.groupId, { capacity: limits.groupCapacityMax });
      fx.facilitator = { socket: room.facilitator, memberId: room.facilitatorJoin.me.memberId };
      const [first, second, third] = room.people;
      const participant = await seat(first!, room.sessionId);
      const speaker = await seat(second!, room.sessionId);
      // In services mode the third member listens on the other node.
      const listener = await seat(third!, room.sessionId, world.other);
      fx.participant = { socket: participant.socket, memberId: participant.me.memberId };
      fx.speaker = { socket: speaker.socket, memberId: speaker.me.memberId };
      fx.listener = { socket: listener.socket, memberId: listener.me.memberId };
      fx.listenerClient = third!.client;
      fx.victimId = await newVictim();

      const ended = await startSession(world.organiser, room.groupId);
      expect((await world.organiser.post(`/api/sessions/${ended.id}/end`, {})).status).toBe(200);
      fx.endedSessionId = ended.id;

      const foreign = await openRoom(1);
      fx.foreignSessionId = foreign.sessionId;
      fx.foreignMemberId = await memberIdOf(world.organiser, foreign.groupId, foreign.people[0]!.pseudonym);
      fx.foreignMessageId = (
        await must(foreign.facilitator, 'message:send', {
          sessionId: foreign.sessionId,
          clientId: newClientId(),
          text: 'A message in another room.',
        })
      ).id;

      await post('facilitator');
      await post('participant');
      const gone = await post('participant', 'A message soon deleted.');
      await must(fx.participant.socket, 'message:delete', { sessionId: fx.sessionId, messageId: gone });
      fx.live.participant.pop();
      fx.deleted.push(gone);

      fx.rejected = {
        facilitator: collect(fx.facilitator.socket, 'command:rejected'),
        participant: collect(fx.participant.socket, 'command:rejected'),
      };
    });

    it('has a realistic payload for every command', () => {
      expect(Object.keys(validPayloads).sort()).toEqual([...commandNames].sort());
    });

    it.each(commandNames)(
      '%s: every arbitrary or mutated payload gets a valid acknowledgement',
      async (event) => {
        const { payload: payloadSchema, result } = clientCommands[event];
        const answer = ackSchema(result as z.ZodType);
        const vocabulary = vocabularyOf(event);
        const properties = (['facilitator', 'participant'] as const).map((who, index) => {
          const property = fc.asyncProperty(commandInput(event, who), extraArgs, async (input, extras) => {
            const context = { sender: who, event, kind: input.kind };
            const sent = await resolveDeep(input.payload, (ref) => resolveRef(ref, who));
            const extra = await resolveDeep(extras, (ref) => resolveRef(ref, who));
            const bytes = Buffer.byteLength(show([sent, extra], Infinity));
            if (bytes > 60_000) throw new Error(`generator bug: a ${bytes}-byte payload would exceed the socket frame limit`);
            const accepted = payloadSchema.safeParse(onTheWire(sent)).success;
            const marks = logMarks();
            let ack: unknown;
            try {
              ack = await raw(seatOf(who).socket, event, sent, ...(extra as unknown[]));
            } catch (error) {
              fail(`${show(context)}: no acknowledgement within 5 s (${(error as Error).message})`, sent);
            }
            const parsed = answer.safeParse(ack);
            if (!parsed.success) fail(`${show(context)}: not a valid acknowledgement for ${event}`, sent, ack);
            const logged = errorLinesSince(marks);
            if (logged.length > 0) fail(`${show(context)}: the server logged an error: ${show(logged, 400)}`, sent, ack);
            if (parsed.data.ok) {
              if (!accepted) fail(`${show(context)}: accepted a payload the command's schema refuses`, sent, ack);
            } else {
              const error = checkError(parsed.data.error, sent, vocabulary, show(context));
              if (!accepted && error.code !== 'invalid_input' && error.code !== 'rate_limited') {
                fail(`${show(context)}: a payload the schema refuses must be answered invalid_input`, sent, ack);
              }
            }
            if (!seatOf(who).socket.connected) fail(`${show(context)}: the sender was disconnected`, sent, ack);
            await heal(event, who, sent, parsed.data.ok, parsed.data.ok ? parsed.data.data : undefined);
          });
          const params = { ...settings(commandNames.indexOf(event) * 2 + index), numRuns: RUNS.command };
          return { label: `${event} from the ${who}`, property, params };
        });
        await checkAll(properties);
      },
      TIMEOUT,
    );

    it(
      'answers unknown event names, with and without an acknowledgement',
      async () => {
        const eventName = fc
          .oneof(
            { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
            { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
            {
              weight: 2,
              arbitrary: fc.constantFrom(
                'room:join ',
                'ROOM:JOIN',
                'message:send\u0000',
                'message:sendd',
                'staff:state:more',
                '__proto__',
                'constructor',
                'toString',
                'hasOwnProperty',
                'command:rejected',
                'room:event',
                'x'.repeat(5000),
              ),
            },
            // socket.io also carries numeric event names (its parser accepts them).
            { weight: 1, arbitrary: fc.integer() },
          )
          .filter((name) => typeof name !== 'string' || (!Object.hasOwn(clientCommands, name) && !reserved.has(name)));
        const property = fc.asyncProperty(
          eventName,
          fc.constantFrom<Who>('facilitator', 'participant'),
          fc.boolean(),
          fc.array(anyValue, { maxLength: 2 }),
          async (name, who, withAck, args) => {
            const socket = seatOf(who).socket;
            const sent = { event: name, args };
            const marks = logMarks();
            if (withAck) {
              let ack: unknown;
              try {
                ack = await raw(socket, name as string, ...args);
              } catch (error) {
                fail(`no acknowledgement within 5 s (${(error as Error).message})`, sent);
              }
              const parsed = ackSchema(z.unknown()).safeParse(ack);
              if (!parsed.success || parsed.data.ok) fail('an unknown event must fail', sent, ack);
              const error = checkError(parsed.data.error, args, '', 'unknown event');
              if (error.code !== 'unknown_event' && error.code !== 'rate_limited') fail('expected unknown_event', sent, ack);
            } else {
              fx.noAckSent[who].push(String(name).slice(0, 64));
              (socket as any).emit(name, ...args);
              await waitForRejection(who, String(name).slice(0, 64), ['unknown_event', 'rate_limited'], sent, '');
            }
            const logged = errorLinesSince(marks);
            if (logged.length > 0) fail(`the server logged an error: ${show(logged, 400)}`, sent);
            if (!socket.connected) fail('the sender was disconnected', sent);
          },
        );
        await checkAll([{ label: 'unknown event names', property, params: { ...settings(1000), numRuns: RUNS.unknownEvent } }]);
      },
      TIMEOUT,
    );

    /**
     * Waits for a `command:rejected` for `event` (with one of `codes`, when given), not yet
     * accounted for, and checks it. Without `codes`, none arriving within `ms` is fine.
     */
    async function waitForRejection(
      who: Who,
      event: string,
      codes: string[] | null,
      sent: unknown,
      vocabulary: string,
      ms = 1500,
    ) {
      const deadline = Date.now() + ms;
      for (;;) {
        const found = fx.rejected[who].received.find(
          (r) => !consumed.has(r) && r.event === event && (codes === null || codes.includes(r.error?.code)),
        );
        if (found) {
          consumed.add(found);
          const valid = serverEvents['command:rejected'].safeParse(found);
          if (!valid.success) fail('command:rejected does not match its schema', sent, found);
          checkError(found.error, sent, vocabulary, `command:rejected for ${event}`);
          return found;
        }
        if (Date.now() > deadline) {
          if (codes === null) return null;
          fail(`no command:rejected (${codes.join(' or ')}) for ${show(event, 80)} within ${ms / 1000} s`, sent);
        }
        await sleep(5);
      }
    }

    it(
      'reports every failed command sent without an acknowledgement as command:rejected',
      async () => {
        const properties = commandNames.map((event, index) => {
          const schema = clientCommands[event].payload;
          const vocabulary = vocabularyOf(event);
          const property = fc.asyncProperty(
            fc.constantFrom<Who>('facilitator', 'participant').chain((who) =>
              fc.tuple(fc.constant(who), commandInput(event, who)),
            ),
            async ([who, input]) => {
              const sent = await resolveDeep(input.payload, (ref) => resolveRef(ref, who));
              const marks = logMarks();
              fx.noAckSent[who].push(event);
              (seatOf(who).socket as any).emit(event, sent);
              if (!schema.safeParse(onTheWire(sent)).success) {
                await waitForRejection(who, event, ['invalid_input', 'rate_limited'], sent, vocabulary);
              } else {
                // It may succeed (nothing comes back) or fail (a command:rejected, checked as it
                // comes): either is done within a moment, then what it may have changed is undone.
                const rejection = await waitForRejection(who, event, null, sent, vocabulary, 100);
                await heal(event, who, sent, rejection ? false : undefined);
              }
              const logged = errorLinesSince(marks);
              if (logged.length > 0) fail(`${event} without acknowledgement: the server logged an error: ${show(logged, 400)}`, sent);
              if (!seatOf(who).socket.connected) fail('the sender was disconnected', sent);
            },
          );
          return { label: `${event} without acknowledgement`, property, params: { ...settings(2000 + index), numRuns: RUNS.noAck } };
        });
        await checkAll(properties);
        await sleep(300);
        // Every rejection received is well formed, and answers a command sent without an
        // acknowledgement: none for commands that had one.
        for (const who of ['facilitator', 'participant'] as const) {
          const unanswered = [...fx.noAckSent[who]];
          for (const rejection of fx.rejected[who].received) {
            expect(serverEvents['command:rejected'].safeParse(rejection).success, show(rejection)).toBe(true);
            expect(rejection.error.code, show(rejection)).not.toBe('internal');
            expect(rejection.error.message.length, show(rejection)).toBeGreaterThan(0);
            const at = unanswered.indexOf(rejection.event);
            expect(at, `a command:rejected nobody asked for: ${show(rejection)}`).toBeGreaterThanOrEqual(0);
            unanswered.splice(at, 1);
          }
        }
      },
      TIMEOUT,
    );

    it('delivers the room to whoever joins with a form of the session id it accepts', async () => {
      // A join the server acknowledges must put the socket where the room's events go, whatever
      // the letter case of the id it was given.
      const property = fc.asyncProperty(fc.mixedCase(fc.constant(fx.sessionId)), async (sessionId) => {
        const socket = await socketOf(fx.listenerClient, world.other);
        try {
          const sent = { sessionId, afterSeq: 0, reminderAcknowledged: true };
          const ack = await raw(socket, 'room:join', sent);
          const parsed = ackSchema(clientCommands['room:join'].result).safeParse(ack);
          if (!parsed.success) fail('not a valid acknowledgement for room:join', sent, ack);
          if (!parsed.data.ok) {
            checkError(parsed.data.error, sent, vocabularyOf('room:join'), 'room:join');
            return;
          }
          const heard = collectEvents(socket);
          const posted = await inRoom(fx.speaker.socket, 'message:send', {
            sessionId: fx.sessionId,
            clientId: newClientId(),
            text: 'Can everyone who joined read this?',
          });
          const deadline = Date.now() + 1000;
          while (!postedMessages(heard.received).some((m) => m.id === posted.id)) {
            if (Date.now() > deadline) fail('joined (ok: true) but a message posted then did not reach it in 1 s', sent, ack.ok);
            await sleep(20);
          }
        } finally {
          socket.close();
        }
      });
      await checkAll([{ label: 'room:join by session id case', property, params: { ...settings(4000), numRuns: RUNS.joinCase } }]);
    }, TIMEOUT);

    it('keeps the node, the fuzzing sockets and the room working afterwards', async () => {
      // A valid pause, lock or slow mode left by a run is the room's state, not a failure: lift
      // them, as a facilitator would, before checking that the room still delivers.
      await fullHeal();
      const { controls } = await must(fx.participant.socket, 'room:join', {
        sessionId: fx.sessionId,
        afterSeq: 0,
        reminderAcknowledged: true,
      });
      expect(controls).toMatchObject({ pausedUntil: null, slowModeSeconds: 0, locked: false });

      for (const node of nodes()) {
        const health = await new HttpClient(node.url).get('/healthz');
        expect(health.status).toBe(200);
      }
      // Nothing a fuzzing run sends disconnects its sender: payloads stay under socket.io's
      // 64 KiB frame limit (going over it is the one valid disconnect, tested in
      // bad-input.test.ts), and no run logs its sender out.
      expect(fx.facilitator.socket.connected).toBe(true);
      expect(fx.participant.socket.connected).toBe(true);

      const heard = [fx.listener, fx.facilitator, fx.participant].map((s) => collectEvents(s.socket));
      const ack = await must(fx.speaker.socket, 'message:send', {
        sessionId: fx.sessionId,
        clientId: newClientId(),
        text: 'Still here, still listening.',
      });
      for (const received of heard) {
        await expect.poll(() => postedMessages(received.received).map((m) => m.id), { timeout: 5000 }).toContain(ack.id);
      }
      // The fuzzing sockets still act in the room.
      await must(fx.participant.socket, 'room:typing', { sessionId: fx.sessionId });
      await must(fx.facilitator.socket, 'staff:state', { sessionId: fx.sessionId });

      for (const node of nodes()) expect(newErrorLines(node, 0)).toEqual([]);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(({} as Record<string, unknown>).isOrganiser).toBeUndefined();
    });
  });

  describe('REST bodies', () => {
    type JsonSchema = {
      type?: string | string[];
      properties?: Record<string, JsonSchema>;
      required?: string[];
      minLength?: number;
      maxLength?: number;
      pattern?: string;
      format?: string;
      enum?: unknown[];
      minimum?: number;
      maximum?: number;
      items?: JsonSchema;
      minItems?: number;
      maxItems?: number;
      nullable?: boolean;
      anyOf?: JsonSchema[];
      oneOf?: JsonSchema[];
      additionalProperties?: JsonSchema | boolean;
    };
    type Operation = {
      requestBody?: { content?: { 'application/json'?: { schema?: JsonSchema } } };
    };
    type Account = { client: HttpClient; username: string; password: string };
    type Spec = {
      /** Who calls: the organiser unless named. */
      as?: 'anonymous' | 'throwaway' | 'passwordHolder' | 'attendee';
      params?: Record<string, () => string>;
      valid?: fc.Arbitrary<unknown>;
      /** Refreshes the fixture after a success (2xx) used it up. */
      after?: (body: unknown) => Promise<void>;
    };

    const rx = {} as {
      groupId: string;
      roomSessionId: string;
      facilitator: TestSocket;
      spareGroupId: string;
      spareInvite: CreatedInvite;
      patchGroupId: string;
      leaveGroupId: string;
      pending: { approve: string; decline: string };
      activeMemberId: string;
      bannedMemberId: string;
      revokeInviteId: string;
      redeemInvite: CreatedInvite;
      scheduled: { patch: string; open: string; cancel: string };
      endableSessionId: string;
      candidate: Account;
      throwaway: Account;
      passwordHolder: Account;
      login: Account;
      /** A participant who was in the open room, so may check out of it (once). */
      attendee: HttpClient;
    };

    const organiser = () => world.organiser;
    const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

    async function spareAccount(): Promise<Account> {
      const joined = await redeemAsNewcomer(world.node.url, rx.spareInvite.code);
      expect(joined.res.status, show(joined.res.json)).toBe(201);
      return { client: joined.client, username: joined.username, password };
    }

    async function pendingMember() {
      const invite = await createInvite(organiser(), rx.groupId);
      const joined = await redeemAsNewcomer(world.node.url, invite.code);
      expect(joined.res.status, show(joined.res.json)).toBe(201);
      return memberIdOf(organiser(), rx.groupId, joined.pseudonym);
    }

    async function activeMember() {
      const memberId = await pendingMember();
      const approved = await organiser().post(`/api/groups/${rx.groupId}/members/${memberId}/approve`, {});
      expect(approved.status, show(approved.json)).toBe(200);
      return memberId;
    }

    async function attendee() {
      const invite = await createInvite(organiser(), rx.groupId);
      const joined = await redeemAsNewcomer(world.node.url, invite.code);
      expect(joined.res.status, show(joined.res.json)).toBe(201);
      const memberId = await memberIdOf(organiser(), rx.groupId, joined.pseudonym);
      expect((await organiser().post(`/api/groups/${rx.groupId}/members/${memberId}/approve`, {})).status).toBe(200);
      await acceptAgreement(joined.client, rx.groupId);
      const { socket } = await seat(joined, rx.roomSessionId);
      socket.close();
      return joined.client;
    }

    async function bannedMember() {
      const memberId = await activeMember();
      await must(rx.facilitator, 'member:ban', { sessionId: rx.roomSessionId, memberId, reason: 'A fixture for lifting bans.' });
      return memberId;
    }

    async function scheduledSession() {
      const res = await organiser().post(`/api/groups/${rx.groupId}/schedule`, {
        title: 'A later session',
        repeat: 'once',
        timeZone: 'Europe/London',
        date: inDays(10),
        time: '19:00',
        durationMinutes: 60,
      });
      expect(res.status, show(res.json)).toBe(201);
      return res.json.sessions[0].id as string;
    }

    async function resolveRestRef(ref: Ref): Promise<unknown> {
      switch (ref.name) {
        case 'loginUsername':
          return rx.login.username;
        case 'loginPassword':
          return rx.login.password;
        case 'currentPassword':
          return rx.passwordHolder.password;
        case 'candidateUsername':
          return rx.candidate.username;
        case 'inviteCode':
          return rx.redeemInvite.code;
        case 'agreementVersion': {
          const agreement = await organiser().get(`/api/groups/${rx.groupId}/agreement`);
          return agreement.json.version;
        }
        case 'groupId':
          return rx.groupId;
        case 'memberId':
          return rx.activeMemberId;
        case 'sessionId':
          return rx.endableSessionId;
        default:
          // An id a mutation swapped in: a real one of this fixture, of the same kind.
          if (/ession/.test(ref.name)) return rx.endableSessionId;
          if (/ember|self|victim|facilitator|participant/.test(ref.name)) return rx.activeMemberId;
          return rx.groupId;
      }
    }

    beforeAll(async () => {
      const room = await openRoom(0);
      rx.groupId = room.groupId;
      rx.roomSessionId = room.sessionId;
      rx.facilitator = room.facilitator;
      await updateGroup(organiser(), rx.groupId, { capacity: limits.groupCapacityMax, approvalRequired: true });
      rx.spareGroupId = (await createGroup(organiser())).id;
      await updateGroup(organiser(), rx.spareGroupId, { capacity: limits.groupCapacityMax });
      rx.spareInvite = await createInvite(organiser(), rx.spareGroupId, { maxUses: 500, expiresInDays: 30 });
      rx.patchGroupId = (await createGroup(organiser())).id;
      rx.leaveGroupId = (await createGroup(organiser())).id;
      rx.pending = { approve: await pendingMember(), decline: await pendingMember() };
      rx.activeMemberId = await activeMember();
      rx.bannedMemberId = await bannedMember();
      rx.revokeInviteId = (await createInvite(organiser(), rx.groupId)).id;
      rx.redeemInvite = await createInvite(organiser(), rx.groupId, { maxUses: 500, expiresInDays: 30 });
      rx.scheduled = { patch: await scheduledSession(), open: await scheduledSession(), cancel: await scheduledSession() };
      rx.endableSessionId = (await startSession(organiser(), rx.groupId)).id;
      rx.candidate = await spareAccount();
      rx.throwaway = await spareAccount();
      rx.passwordHolder = await spareAccount();
      rx.login = await spareAccount();
      rx.attendee = await attendee();
    });

    const username = fc.stringMatching(/^[A-Za-z0-9_.-]{3,32}$/);
    const passwordArb = fc.oneof(fc.string({ minLength: 10, maxLength: 40 }), fc.constant('p'.repeat(limits.passwordMax)), nastyShort);
    const pseudonym = fc.oneof(fc.lorem({ maxCount: 2 }), fc.string({ minLength: 2, maxLength: 32 }), tainted, nastyShort);
    const title = fc.oneof(fc.lorem({ maxCount: 4 }), tainted, someString, fc.constant('t'.repeat(limits.sessionTitleMax)));
    const time = fc.tuple(fc.nat({ max: 23 }), fc.nat({ max: 59 })).map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
    const futureDate = fc.integer({ min: 1, max: 400 }).map(inDays);
    const timeZone = fc.constantFrom('Europe/London', 'America/Chicago', 'Pacific/Chatham', 'Asia/Kathmandu', 'UTC', 'Etc/GMT+12');
    const duration = fc.integer({ min: limits.sessionDurationMinutesMin, max: limits.sessionDurationMinutesMax });
    const email = fc.constantFrom('someone@example.org', 'river.fern+group@mail.example.com', 'x@y.co');
    const cwCategory = fc.record({
      key: fc.stringMatching(/^[a-z0-9]+(-[a-z0-9]+)*$/).filter((k) => k.length <= 40),
      label: fc.lorem({ maxCount: 2 }).filter((l) => l.length >= 2 && l.length <= 60),
      requiresWarning: fc.boolean(),
    });
    const crisisResource = fc.record(
      { name: fc.lorem({ maxCount: 3 }).filter((n) => n.length >= 2), phone: fc.constant('0800 000 000'), link: fc.webUrl(), hours: fc.constant('24/7') },
      { requiredKeys: ['name'] },
    );
    const groupSettings = {
      name: fc.oneof(fc.lorem({ maxCount: 3 }), someString, fc.constant('g'.repeat(limits.groupNameMax))),
      description: fc.oneof(fc.lorem({ maxCount: 20 }), someString),
      capacity: fc.integer({ min: limits.groupCapacityMin, max: limits.groupCapacityMax }),
      waitingRoom: fc.boolean(),
      approvalRequired: fc.boolean(),
      retentionHours: fc.integer({ min: 0, max: limits.retentionHoursMax }),
      contentWarnings: fc.array(cwCategory, { maxLength: 4 }),
      crisisResources: fc.array(crisisResource, { maxLength: 2 }),
    };

    const specs: Record<string, Spec> = {
      'POST /api/setup': {
        as: 'anonymous',
        valid: fc.record(
          { token: fc.base64String({ minLength: 16, maxLength: 64 }), username, password: passwordArb, email },
          { requiredKeys: ['token', 'username', 'password'] },
        ),
      },
      'POST /api/auth/login': {
        as: 'anonymous',
        valid: fc.record({ username: fc.oneof(r('loginUsername'), username), password: fc.oneof(r('loginPassword'), passwordArb) }),
      },
      'POST /api/auth/logout': {
        as: 'throwaway',
        valid: fc.constant({}),
        after: async () => {
          rx.throwaway = await spareAccount();
        },
      },
      'POST /api/auth/logout-everywhere': {
        as: 'throwaway',
        valid: fc.constant({}),
        after: async () => {
          rx.throwaway = await spareAccount();
        },
      },
      'PATCH /api/me': { valid: fc.record({ email: fc.oneof(fc.constant(null), email) }) },
      'POST /api/me/password': {
        as: 'passwordHolder',
        valid: fc.record({ currentPassword: fc.oneof(r('currentPassword'), passwordArb), newPassword: passwordArb }),
        after: async (body) => {
          rx.passwordHolder.password = (body as { newPassword: string }).newPassword;
        },
      },
      'POST /api/groups': {
        valid: fc.record({ ...groupSettings, pseudonym }, { requiredKeys: ['name', 'pseudonym'] }),
      },
      'PATCH /api/groups/{groupId}': {
        params: { groupId: () => rx.patchGroupId },
        valid: fc.record(groupSettings, { requiredKeys: [] }),
      },
      'POST /api/groups/{groupId}/members/{memberId}/approve': {
        params: { memberId: () => rx.pending.approve },
        after: async () => {
          rx.pending.approve = await pendingMember();
        },
      },
      'POST /api/groups/{groupId}/members/{memberId}/decline': {
        params: { memberId: () => rx.pending.decline },
        after: async () => {
          rx.pending.decline = await pendingMember();
        },
      },
      'PATCH /api/groups/{groupId}/members/{memberId}': {
        params: { memberId: () => rx.activeMemberId },
        valid: fc.record({ role: fc.constantFrom('facilitator', 'participant') }),
      },
      'POST /api/groups/{groupId}/bans/{memberId}/lift': {
        params: { memberId: () => rx.bannedMemberId },
        after: async () => {
          rx.bannedMemberId = await bannedMember();
        },
      },
      'POST /api/groups/{groupId}/facilitators': {
        valid: fc.record(
          { username: fc.oneof(r('candidateUsername'), username), pseudonym, role: fc.constantFrom('facilitator', 'lead_facilitator') },
          { requiredKeys: ['username', 'role'] },
        ),
        after: async () => {
          rx.candidate = await spareAccount();
        },
      },
      'POST /api/groups/{groupId}/leave': {
        params: { groupId: () => rx.leaveGroupId },
        after: async () => {
          rx.leaveGroupId = (await createGroup(organiser())).id;
        },
      },
      'POST /api/groups/{groupId}/agreement': {
        valid: fc.record({
          text: fc.oneof(fc.lorem({ maxCount: 30 }), fc.constant('a'.repeat(limits.agreementTextMax))).filter((t) => t.length >= 20),
        }),
        // A new agreement must be accepted again before the organiser's room actions.
        after: async () => {
          await acceptAgreement(organiser(), rx.groupId);
        },
      },
      'POST /api/groups/{groupId}/agreement/accept': { valid: fc.record({ version: r('agreementVersion') }) },
      'POST /api/groups/{groupId}/invites/{inviteId}/revoke': {
        params: { inviteId: () => rx.revokeInviteId },
        after: async () => {
          rx.revokeInviteId = (await createInvite(organiser(), rx.groupId)).id;
        },
      },
      'POST /api/invites/preview': { valid: fc.record({ code: r('inviteCode') }) },
      'POST /api/invites/redeem': {
        as: 'anonymous',
        valid: fc.record(
          { code: r('inviteCode'), pseudonym, account: fc.record({ username, password: passwordArb, email }, { requiredKeys: ['username', 'password'] }) },
          { requiredKeys: ['code', 'pseudonym', 'account'] },
        ),
      },
      'POST /api/groups/{groupId}/sessions': { valid: fc.record({ title, durationMinutes: duration }) },
      'POST /api/groups/{groupId}/schedule': {
        valid: fc.record(
          {
            title,
            brief: shortText,
            repeat: fc.constantFrom('once', 'weekly', 'fortnightly'),
            timeZone,
            date: futureDate,
            time,
            durationMinutes: duration,
            until: fc.integer({ min: 30, max: 120 }).map(inDays),
          },
          { requiredKeys: ['title', 'repeat', 'timeZone', 'date', 'time', 'durationMinutes'] },
        ),
      },
      'PATCH /api/sessions/{sessionId}': {
        params: { sessionId: () => rx.scheduled.patch },
        valid: fc.record({ title, brief: shortText, date: futureDate, time, durationMinutes: duration }, { requiredKeys: [] }),
      },
      'POST /api/sessions/{sessionId}/open': {
        params: { sessionId: () => rx.scheduled.open },
        after: async () => {
          rx.scheduled.open = await scheduledSession();
        },
      },
      'POST /api/sessions/{sessionId}/end': {
        params: { sessionId: () => rx.endableSessionId },
        after: async () => {
          rx.endableSessionId = (await startSession(organiser(), rx.groupId)).id;
        },
      },
      'POST /api/sessions/{sessionId}/cancel': {
        params: { sessionId: () => rx.scheduled.cancel },
        after: async () => {
          rx.scheduled.cancel = await scheduledSession();
        },
      },
      'PUT /api/groups/{groupId}/room-preferences': {
        valid: fc.record({
          contentWarnings: fc.dictionary(fc.constantFrom(...cwKeys), fc.constantFrom('hide', 'show'), { maxKeys: 5 }),
          typingIndicators: fc.boolean(),
        }),
      },
      'POST /api/sessions/{sessionId}/check-out': {
        as: 'attendee',
        params: { sessionId: () => rx.roomSessionId },
        after: async () => {
          rx.attendee = await attendee();
        },
        valid: fc.record(
          { colour: fc.constantFrom('green', 'amber', 'red'), word: fc.oneof(fc.lorem({ maxCount: 1 }), tainted, nastyShort) },
          { requiredKeys: ['colour'] },
        ),
      },
    };

    /** A body the OpenAPI schema describes, for a route this file has no realistic body for. */
    function fromSchema(schema: JsonSchema): fc.Arbitrary<unknown> {
      const alternatives = schema.anyOf ?? schema.oneOf;
      if (alternatives) return fc.oneof(...alternatives.map(fromSchema));
      if (schema.enum) return fc.constantFrom(...schema.enum);
      const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
      let arb: fc.Arbitrary<unknown>;
      switch (type) {
        case 'string': {
          const min = schema.minLength ?? 0;
          const max = schema.maxLength ?? 80;
          if (schema.format === 'email') arb = email;
          else if (schema.format === 'uri') arb = fc.webUrl().filter((url) => url.length <= max);
          else if (schema.pattern) arb = fc.stringMatching(new RegExp(schema.pattern)).filter((s) => s.length >= min && s.length <= max);
          else arb = fc.string({ minLength: min, maxLength: Math.min(max, min + 40) });
          break;
        }
        case 'integer':
          arb = fc.integer({ min: schema.minimum ?? -1_000_000, max: Math.min(schema.maximum ?? 1_000_000, Number.MAX_SAFE_INTEGER) });
          break;
        case 'number':
          arb = fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true });
          break;
        case 'boolean':
          arb = fc.boolean();
          break;
        case 'array':
          arb = fc.array(fromSchema(schema.items ?? {}), {
            minLength: schema.minItems ?? 0,
            maxLength: Math.max(schema.minItems ?? 0, Math.min(schema.maxItems ?? 4, 4)),
          });
          break;
        case 'object': {
          const properties = schema.properties ?? {};
          if (Object.keys(properties).length === 0 && typeof schema.additionalProperties === 'object') {
            arb = fc.dictionary(fc.string({ maxLength: 20 }), fromSchema(schema.additionalProperties), { maxKeys: 4 });
          } else {
            arb = fc.record(
              Object.fromEntries(Object.entries(properties).map(([key, property]) => [key, fromSchema(property)])),
              { requiredKeys: schema.required ?? [] },
            );
          }
          break;
        }
        default:
          arb = fc.constant({});
      }
      return schema.nullable ? fc.option(arb, { nil: null }) : arb;
    }

    type Body =
      | { kind: 'json'; value: unknown; contentType?: string }
      | { kind: 'raw'; text: string; contentType?: string }
      | { kind: 'none' };

    const rawText = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.constantFrom(
        '{',
        '{"a":',
        '[1,2',
        'nul',
        '\uFEFF{}',
        '{"__proto__":{"polluted":"yes"}}',
        '{"constructor":{"prototype":{"polluted":"yes"}}}',
        '{"a":1,"a":2}',
        '1e999999',
        '"\\ud800"',
        '{}garbage',
        ' ',
        '',
        '\u0000',
        `"${'q'.repeat(200_000)}"`,
      ),
    );
    /** Mostly JSON's own content type; now and then another. */
    const contentType = fc.oneof(
      { weight: 6, arbitrary: fc.constant(undefined) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          'text/plain',
          'application/json; charset=latin1',
          'application/json; charset=utf-16',
          'application/x-www-form-urlencoded',
          'application/vnd.api+json',
          'multipart/form-data; boundary=x',
        ),
      },
    );
    const bodyFor = (valid: fc.Arbitrary<unknown>): fc.Arbitrary<Body> =>
      fc.oneof(
        { weight: 5, arbitrary: fc.tuple(mutated(valid), contentType).map(([value, type]) => ({ kind: 'json' as const, value, contentType: type })) },
        { weight: 2, arbitrary: valid.map((value) => ({ kind: 'json' as const, value })) },
        { weight: 2, arbitrary: fc.tuple(fc.jsonValue({ maxDepth: 3 }), contentType).map(([value, type]) => ({ kind: 'json' as const, value, contentType: type })) },
        { weight: 1, arbitrary: fc.tuple(anyValue, contentType).map(([value, type]) => ({ kind: 'json' as const, value, contentType: type })) },
        { weight: 1, arbitrary: fc.tuple(rawText, contentType).map(([text, type]) => ({ kind: 'raw' as const, text, contentType: type })) },
        { weight: 1, arbitrary: fc.constant({ kind: 'none' as const }) },
      );

    const defaultParams: Record<string, () => string> = {
      groupId: () => rx.groupId,
      sessionId: () => rx.endableSessionId,
      memberId: () => rx.activeMemberId,
      inviteId: () => rx.revokeInviteId,
    };

    it(
      'answers every arbitrary or mutated body of every route with a reply or a clear error',
      async () => {
        const document = world.node.app.swagger() as { paths: Record<string, Record<string, Operation>> };
        const operations = Object.entries(document.paths).flatMap(([route, methods]) =>
          Object.entries(methods).flatMap(([method, operation]) => {
            const schema = operation.requestBody?.content?.['application/json']?.schema;
            return schema ? [{ key: `${method.toUpperCase()} ${route}`, method: method.toUpperCase(), route, schema }] : [];
          }),
        );
        expect(operations.length).toBeGreaterThanOrEqual(25);
        // Attempts to log in count against the address's limit: those routes go last.
        const late = ['POST /api/me/password', 'POST /api/auth/login'];
        operations.sort((a, b) => late.indexOf(a.key) - late.indexOf(b.key));

        const properties = operations.map(({ key, method, route, schema }, index) => {
          const spec = specs[key] ?? {};
          const vocabulary = JSON.stringify(schema);
          const valid = spec.valid ?? fromSchema(schema);
          const property = fc.asyncProperty(bodyFor(valid), async (body) => {
            const params = { ...defaultParams, ...spec.params };
            const url = route.replace(/\{([^}]+)\}/g, (_match, name: string) => (params[name] ?? (() => randomUUID()))());
            if (spec.as === 'throwaway' && !rx.throwaway.client.cookie) rx.throwaway = await spareAccount();
            const client =
              spec.as === 'anonymous'
                ? new HttpClient(world.node.url)
                : spec.as === 'throwaway'
                  ? rx.throwaway.client
                  : spec.as === 'passwordHolder'
                    ? rx.passwordHolder.client
                    : spec.as === 'attendee'
                      ? rx.attendee
                      : organiser();
            const organiserCookie = organiser().cookie;
            let value: unknown;
            let sentBody: string | undefined;
            if (body.kind === 'json') {
              value = await resolveDeep(body.value, resolveRestRef);
              sentBody = JSON.stringify(value);
            } else if (body.kind === 'raw') {
              sentBody = body.text;
            }
            const headers = body.kind !== 'none' && body.contentType ? { 'content-type': body.contentType } : undefined;
            const sent = { route: `${method} ${url}`, body: body.kind === 'json' ? value : body.kind === 'raw' ? body.text : '(none)', headers };
            const marks = logMarks();
            const res = await client.request(method, url, sentBody, headers);
            if (res.status >= 500) fail(`${key}: answered ${res.status}`, sent, res.json ?? res.text);
            if (res.status < 200 || (res.status >= 300 && res.status < 400)) fail(`${key}: unexpected status ${res.status}`, sent, res.text);
            if (res.status >= 400) checkError(res.json, body.kind === 'json' ? value : sent.body, vocabulary, `${key} (${res.status})`);
            const logged = errorLinesSince(marks);
            if (logged.length > 0) fail(`${key}: the server logged an error: ${show(logged, 400)}`, sent, res.json);
            if (organiser().cookie !== organiserCookie) fail(`${key}: the organiser's login changed`, sent, res.json);
            if (res.status < 300 && spec.after) await spec.after(value);
          });
          return { label: key, property, params: { ...settings(3000 + index), numRuns: RUNS.route } };
        });
        await checkAll(properties);

        for (const node of nodes()) expect((await new HttpClient(node.url).get('/healthz')).status).toBe(200);
        const me = await organiser().get('/api/me');
        expect(me.status).toBe(200);
      },
      TIMEOUT,
    );
  });

  afterAll(() => {
    // Nothing a fuzzed body or payload carried may have reached a prototype.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
