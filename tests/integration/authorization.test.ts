import { clientCommands, type ConsoleState, type ErrorCode } from '@hearth/shared';
import { asc, count, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditLog, memberships, roomConnections, roomMembers, sessions } from '../../server/src/db/schema.ts';
import {
  agreementText,
  scheduleBody,
  acceptAgreement,
  createGroup,
  createInvite,
  joinWithNewAccount,
  logIn,
  memberIdOf,
  newClientId,
  password,
  startSession,
  uniqueName,
  updateGroup,
} from '../support/factories.ts';
import type { Node } from '../support/hearth.ts';
import { HttpClient } from '../support/http.ts';
import { modes } from '../support/modes.ts';
import { command, connect, raw, unwrap, type TestSocket } from '../support/socket.ts';
import { roomWorld } from '../support/world.ts';

/*
 * The authorization matrix: every REST route and every socket command, for each of six roles,
 * allowed or refused as server/src/policy.ts says (with the action each route or handler asks
 * about, read from the modules' routes, handlers and services).
 *
 * The six roles, always seen from "this group" (G):
 *   anonymous          no login at all
 *   participant        an active participant of G
 *   other-participant  an active participant of another group, with no place in G
 *   other-facilitator  a facilitator (the lead) of another group, with no place in G
 *   facilitator        a facilitator of G (not its lead, not an organiser)
 *   organiser          the deployment's organiser account, holding no membership in G: G is
 *                      made by the organiser (who becomes its lead), given another lead, and
 *                      left, so this column is the organiser role alone
 *
 * Allowed: the call succeeds with the row's status (REST) or an ok acknowledgement (socket).
 * Refused, REST: 401 unauthenticated without a login; 404 not_found for someone with no place
 * in the group a {groupId} or {sessionId} route names (the gatekeeper answers "no such group"
 * and "not yours" alike); otherwise 403 forbidden. Refused, socket: forbidden (a command needs
 * a seat in the room, and a seat allows only what the policy gives its role), except where a
 * row says otherwise. Anonymous has no socket at all: the handshake is refused.
 *
 * Adding a route or a command: add one line to `restMatrix` or `socketMatrix`. The first tests
 * below fail, naming it, until you do.
 */

const roles = ['anonymous', 'participant', 'other-participant', 'other-facilitator', 'facilitator', 'organiser'] as const;
type Role = (typeof roles)[number];
type SignedIn = Exclude<Role, 'anonymous'>;

const anyone: readonly Role[] = roles;
const signedIn: readonly SignedIn[] = ['participant', 'other-participant', 'other-facilitator', 'facilitator', 'organiser'];

/** Someone making calls in one role. */
type Persona = { role: Role; client: HttpClient; username: string; password: string };

// ---------------------------------------------------------------------------------------------
// REST

type RestCall = {
  /** Values for the route's {placeholders}. */
  params?: Record<string, string>;
  query?: string;
  /** The JSON body; POST, PUT and PATCH send {} when none is given. */
  body?: unknown;
  /** Read before and after a refused call: it must be the same. */
  unchanged?: () => Promise<unknown>;
  /** After a call that succeeded: checks its effect, or puts shared data back. */
  effect?: (res: { status: number; json: any }) => Promise<void>;
};

type RestRow = {
  /** A variant of the route whose policy differs by body. */
  case?: string;
  allow: readonly Role[];
  /** The status of a successful call. */
  ok: number;
  /** Where a role allowed the call meets a rule other than who they are (named in a comment). */
  okFor?: Partial<Record<Role, number>>;
  /**
   * Who calls. By default the role's standing persona. `new login`: a login of its own (its
   * account's other logins may end; the standing one is logged in again afterwards). `new
   * account`: a new person of the role (Hearth has one organiser account, so an organiser
   * uses a new login of it).
   */
  actor?: 'new login' | 'new account';
  call: (w: RestWorld, who: Persona) => RestCall | Promise<RestCall>;
};

/** Every REST route: who may call it. Keys are the OpenAPI document's `METHOD path`. */
const restMatrix: Record<string, RestRow | RestRow[]> = {
  // Outside /api/: public.
  'GET /healthz': { allow: anyone, ok: 200, call: () => ({}) },
  'GET /readyz': { allow: anyone, ok: 200, call: () => ({}) },

  // Public /api/ routes.
  'GET /api/config': { allow: anyone, ok: 200, call: () => ({}) },
  'GET /api/setup': { allow: anyone, ok: 200, call: () => ({}) },
  // Setup is done: whoever asks gets setup_unavailable (410), nobody is refused for who they are.
  'POST /api/setup': {
    allow: anyone,
    ok: 410,
    call: () => ({ body: { token: 'no-longer-a-valid-setup-token', username: uniqueName('late'), password } }),
  },
  'POST /api/auth/login': {
    allow: anyone,
    ok: 200,
    call: (w) => ({ body: { username: w.loginTarget.username, password } }),
  },
  'POST /api/auth/logout': {
    allow: anyone,
    ok: 204,
    actor: 'new login',
    call: (_w, who) => ({
      effect: async () => expect((await who.client.get('/api/me')).status, `${who.role}'s login ended`).toBe(401),
    }),
  },
  'POST /api/invites/preview': { allow: anyone, ok: 200, call: (w) => ({ body: { code: w.elsewhereCode } }) },
  'POST /api/invites/redeem': {
    allow: anyone,
    ok: 201,
    call: async (w, who) => {
      const invite = await createInvite(w.organiser, w.elsewhereId, { maxUses: 1 });
      const pseudonym = uniqueName('Joiner');
      const account = who.role === 'anonymous' ? { account: { username: uniqueName('joiner'), password } } : {};
      return { body: { code: invite.code, pseudonym, ...account } };
    },
  },

  // The account of whoever is logged in.
  'POST /api/auth/logout-everywhere': {
    allow: signedIn,
    ok: 204,
    actor: 'new login',
    call: (w, who) => ({
      effect: async () => {
        expect((await who.client.get('/api/me')).status).toBe(401);
        expect((await w.people[who.role].client.get('/api/me')).status, `${who.role}'s other login`).toBe(401);
      },
    }),
  },
  'GET /api/me': { allow: signedIn, ok: 200, call: () => ({}) },
  'PATCH /api/me': { allow: signedIn, ok: 200, call: () => ({ body: { email: null } }) },
  'POST /api/me/password': {
    allow: signedIn,
    ok: 204,
    actor: 'new login',
    call: (w, who) => {
      const newPassword = `${who.password} and more`;
      return {
        body: { currentPassword: who.password, newPassword },
        effect: async () => {
          w.people[who.role].password = newPassword;
        },
      };
    },
  },
  'POST /api/me/erase': {
    allow: signedIn,
    ok: 204,
    // The deployment's only organiser cannot leave it without one: a conflict, not a refusal.
    okFor: { organiser: 409 },
    actor: 'new account',
    call: (_w, who) => ({
      body: { password: who.password },
      effect: async (res) => {
        if (res.status === 204) expect((await who.client.get('/api/me')).status, `${who.role}'s account is gone`).toBe(401);
      },
    }),
  },
  'GET /api/groups': { allow: signedIn, ok: 200, call: () => ({}) },
  'GET /api/sessions/upcoming': { allow: signedIn, ok: 200, call: () => ({}) },

  // group.create
  'POST /api/groups': {
    allow: ['organiser'],
    ok: 201,
    call: (w) => ({
      body: { name: uniqueName('Matrix group'), pseudonym: 'Matrix Lead' },
      unchanged: async () => (await w.organiser.get('/api/groups')).json.groups.length,
    }),
  },

  // One group: G.
  'GET /api/groups/{groupId}': { allow: ['organiser', 'facilitator', 'participant'], ok: 200, call: (w) => ({ params: w.g }) },
  'PATCH /api/groups/{groupId}': {
    allow: ['organiser'],
    ok: 200,
    call: (w, who) => ({
      params: w.g,
      body: { description: `Changed by the ${who.role}.` },
      unchanged: async () => (await w.detail()).description,
    }),
  },
  'GET /api/groups/{groupId}/members': { allow: ['organiser', 'facilitator'], ok: 200, call: (w) => ({ params: w.g }) },
  'POST /api/groups/{groupId}/members/{memberId}/approve': {
    allow: ['organiser', 'facilitator'],
    ok: 200,
    call: async (w) => {
      const memberId = await w.pending();
      return {
        params: { ...w.g, memberId },
        unchanged: () => w.standing(memberId),
        effect: async () => expect(await w.standing(memberId)).toBe('participant/active'),
      };
    },
  },
  'POST /api/groups/{groupId}/members/{memberId}/decline': {
    allow: ['organiser', 'facilitator'],
    ok: 204,
    call: async (w) => {
      const memberId = await w.pending();
      return {
        params: { ...w.g, memberId },
        unchanged: () => w.standing(memberId),
        effect: async () => expect(await w.standing(memberId)).toBe('gone'),
      };
    },
  },
  'PATCH /api/groups/{groupId}/members/{memberId}': {
    allow: ['organiser'],
    ok: 200,
    call: async (w) => {
      const memberId = await w.participant();
      return {
        params: { ...w.g, memberId },
        body: { role: 'facilitator' },
        unchanged: () => w.standing(memberId),
        effect: async () => expect(await w.standing(memberId)).toBe('facilitator/active'),
      };
    },
  },
  'DELETE /api/groups/{groupId}/members/{memberId}': {
    allow: ['organiser'],
    ok: 204,
    call: async (w) => {
      const memberId = await w.participant();
      return {
        params: { ...w.g, memberId },
        unchanged: () => w.standing(memberId),
        effect: async () => expect(await w.standing(memberId)).toBe('gone'),
      };
    },
  },
  'GET /api/groups/{groupId}/bans': { allow: ['organiser'], ok: 200, call: (w) => ({ params: w.g }) },
  'POST /api/groups/{groupId}/bans/{memberId}/lift': {
    allow: ['organiser'],
    ok: 204,
    call: async (w) => {
      const memberId = await w.banned();
      return {
        params: { ...w.g, memberId },
        unchanged: () => w.standing(memberId),
        effect: async () => expect(await w.standing(memberId)).toBe('participant/pending'),
      };
    },
  },
  'POST /api/groups/{groupId}/facilitators': {
    allow: ['organiser'],
    ok: 201,
    call: async (w) => {
      const stranger = await joinWithNewAccount(w.organiser, w.elsewhereId);
      return {
        params: w.g,
        body: { username: stranger.username, pseudonym: uniqueName('Assigned'), role: 'facilitator' },
        unchanged: () => w.memberIds(),
      };
    },
  },
  'POST /api/groups/{groupId}/leave': {
    allow: ['facilitator', 'participant'],
    ok: 204,
    actor: 'new account',
    call: (w, who) => ({
      params: w.g,
      unchanged: () => w.memberIds(),
      effect: async () => expect((await who.client.get(`/api/groups/${w.groupId}`)).status).toBe(404),
    }),
  },
  'GET /api/groups/{groupId}/agreement': {
    allow: ['organiser', 'facilitator', 'participant'],
    ok: 200,
    call: (w) => ({ params: w.g }),
  },
  'POST /api/groups/{groupId}/agreement': {
    allow: ['organiser'],
    ok: 201,
    call: (w) => ({
      params: w.g,
      body: { text: agreementText },
      unchanged: async () => (await w.detail()).agreement.version,
      // Everyone in G accepts the new version, so that G's rooms stay open to them.
      effect: () => w.acceptAgain(),
    }),
  },
  'POST /api/groups/{groupId}/agreement/accept': {
    allow: ['facilitator', 'participant'],
    ok: 200,
    call: async (w) => ({
      params: w.g,
      body: { version: (await w.detail()).agreement.version },
      unchanged: async () => (await w.organiser.get(`/api/groups/${w.groupId}/agreement/acceptances`)).json,
    }),
  },
  'GET /api/groups/{groupId}/agreement/acceptances': {
    allow: ['organiser', 'facilitator'],
    ok: 200,
    call: (w) => ({ params: w.g }),
  },
  'POST /api/groups/{groupId}/invites': [
    {
      case: 'participant invite',
      allow: ['organiser', 'facilitator'],
      ok: 201,
      call: (w) => ({ params: w.g, body: { role: 'participant', maxUses: 1 }, unchanged: () => w.inviteIds() }),
    },
    {
      case: 'facilitator invite',
      allow: ['organiser'],
      ok: 201,
      call: (w) => ({ params: w.g, body: { role: 'facilitator', maxUses: 1 }, unchanged: () => w.inviteIds() }),
    },
  ],
  'GET /api/groups/{groupId}/invites': { allow: ['organiser', 'facilitator'], ok: 200, call: (w) => ({ params: w.g }) },
  'POST /api/groups/{groupId}/invites/{inviteId}/revoke': {
    allow: ['organiser', 'facilitator'],
    ok: 204,
    call: async (w) => {
      const invite = await createInvite(w.organiser, w.groupId, { maxUses: 1 });
      return {
        params: { ...w.g, inviteId: invite.id },
        unchanged: () => w.inviteState(w.groupId, invite.id),
        effect: async () => expect(await w.inviteState(w.groupId, invite.id)).toBe('revoked'),
      };
    },
  },
  'GET /api/groups/{groupId}/sessions': {
    allow: ['organiser', 'facilitator', 'participant'],
    ok: 200,
    call: (w) => ({ params: w.g }),
  },
  'POST /api/groups/{groupId}/sessions': {
    allow: ['organiser', 'facilitator'],
    ok: 201,
    call: (w) => ({
      params: w.g,
      body: { title: 'Matrix session', durationMinutes: 30 },
      unchanged: () => w.sessionList(),
    }),
  },
  'POST /api/groups/{groupId}/schedule': {
    allow: ['organiser', 'facilitator'],
    ok: 201,
    call: (w) => ({ params: w.g, body: scheduleBody, unchanged: () => w.sessionList() }),
  },
  'GET /api/groups/{groupId}/room-preferences': {
    allow: ['facilitator', 'participant'],
    ok: 200,
    call: (w) => ({ params: w.g }),
  },
  'PUT /api/groups/{groupId}/room-preferences': {
    allow: ['facilitator', 'participant'],
    ok: 200,
    call: (w) => ({ params: w.g, body: { contentWarnings: { 'sexual-violence': 'hide' }, typingIndicators: false } }),
  },
  'GET /api/groups/{groupId}/audit': { allow: ['organiser'], ok: 200, call: (w) => ({ params: w.g }) },

  // One session of G.
  'PATCH /api/sessions/{sessionId}': {
    allow: ['organiser', 'facilitator'],
    ok: 200,
    call: (w, who) => ({
      params: { sessionId: w.scheduledId },
      body: { title: `Renamed by the ${who.role}` },
      unchanged: () => w.session(w.scheduledId),
    }),
  },
  'POST /api/sessions/{sessionId}/open': {
    allow: ['organiser', 'facilitator'],
    ok: 200,
    call: async (w) => {
      const sessionId = await w.scheduled();
      return {
        params: { sessionId },
        unchanged: () => w.session(sessionId),
        effect: async () => expect((await w.session(sessionId)).status).toBe('open'),
      };
    },
  },
  'POST /api/sessions/{sessionId}/end': {
    allow: ['organiser', 'facilitator'],
    ok: 200,
    call: async (w) => {
      const sessionId = (await startSession(w.lead, w.groupId)).id;
      return {
        params: { sessionId },
        unchanged: () => w.session(sessionId),
        effect: async () => expect((await w.session(sessionId)).status).toBe('closed'),
      };
    },
  },
  'POST /api/sessions/{sessionId}/cancel': {
    allow: ['organiser', 'facilitator'],
    ok: 200,
    call: async (w) => {
      const sessionId = await w.scheduled();
      return {
        params: { sessionId },
        unchanged: () => w.session(sessionId),
        effect: async () => expect((await w.session(sessionId)).status).toBe('cancelled'),
      };
    },
  },
  // The facilitator and the participant were both in this session's room.
  'POST /api/sessions/{sessionId}/check-out': {
    allow: ['participant'],
    ok: 204,
    call: (w) => ({
      params: { sessionId: w.checkOutId },
      body: { colour: 'green', word: 'lighter' },
      unchanged: () => w.checkOutTotal(),
    }),
  },
  'GET /api/sessions/{sessionId}/check-out': {
    allow: ['organiser', 'facilitator'],
    ok: 200,
    call: (w) => ({ params: { sessionId: w.checkOutId } }),
  },
};

type RestWorld = {
  organiser: HttpClient;
  /** G's lead facilitator: runs G's rooms for the fixtures, and is no column of the matrix. */
  lead: HttpClient;
  groupId: string;
  g: { groupId: string };
  /** A group none of the six belongs to at first: invites to it are redeemed. */
  elsewhereId: string;
  elsewhereCode: string;
  loginTarget: { username: string };
  scheduledId: string;
  checkOutId: string;
  people: Record<Role, Persona>;
  detail(): Promise<any>;
  /** `role/status` of a member of G, or `gone`. */
  standing(memberId: string): Promise<string>;
  memberIds(): Promise<string[]>;
  inviteIds(): Promise<string[]>;
  inviteState(groupId: string, inviteId: string): Promise<string>;
  sessionList(): Promise<Array<{ id: string; status: string; title: string }>>;
  session(sessionId: string): Promise<{ id: string; status: string; title: string }>;
  checkOutTotal(): Promise<number>;
  /** A new active participant of G; their member id. */
  participant(): Promise<string>;
  /** A new member of G waiting for approval. */
  pending(): Promise<string>;
  /** A new participant of G, banned by its lead in a room. */
  banned(): Promise<string>;
  /** A new scheduled session of G. */
  scheduled(): Promise<string>;
  acceptAgain(): Promise<void>;
};

// ---------------------------------------------------------------------------------------------
// Socket commands

/** Someone with a socket: the room's people are seated in G's room; the others are not. */
type Seated = { role: SignedIn; client: HttpClient; socket: TestSocket; memberId: string };

type SocketCall = {
  payload: unknown;
  /** The socket to send on, when not the person's standing one. */
  socket?: TestSocket;
  /** Runs after every call (ok: whether it succeeded): puts the shared room back. */
  after?: (ok: boolean) => Promise<unknown>;
};

type SocketRow = {
  allow: readonly SignedIn[];
  /** A refusal answered with another code than forbidden. */
  refused?: Partial<Record<SignedIn, ErrorCode>>;
  call: (w: SocketWorld, who: Seated) => SocketCall | Promise<SocketCall>;
};

const inRoom = ['facilitator', 'participant'] as const;
const facilitatorOnly = ['facilitator'] as const;

/** Every socket command: who may send it. Keys are `clientCommands` of @hearth/shared. */
const socketMatrix: Record<string, SocketRow> = {
  // room.enter; someone with no place in the group is told the session does not exist.
  'room:join': {
    allow: inRoom,
    refused: { 'other-participant': 'not_found', 'other-facilitator': 'not_found' },
    call: async (w, who) => {
      const socket = await w.socketOf(who);
      return {
        socket,
        payload: { sessionId: w.sessionId, afterSeq: 0, reminderAcknowledged: true },
        after: async (ok) => ok && unwrap(await command(socket, 'room:leave', { sessionId: w.sessionId })),
      };
    },
  },
  'room:catch-up': { allow: inRoom, call: (w) => ({ payload: { sessionId: w.sessionId, afterSeq: 0 } }) },
  // Leaving needs no permission: for someone not in the room it does nothing.
  'room:leave': {
    allow: signedIn,
    call: async (w, who) => {
      const seated = (inRoom as readonly string[]).includes(who.role);
      const socket = seated ? await w.socketOf(who, { enter: true }) : who.socket;
      return { socket, payload: { sessionId: w.sessionId } };
    },
  },
  'room:presence': {
    allow: inRoom,
    call: (w, who) => ({
      payload: { sessionId: w.sessionId, state: 'stepped_out' },
      after: async (ok) => ok && unwrap(await command(who.socket, 'room:presence', { sessionId: w.sessionId, state: 'present' })),
    }),
  },
  'room:typing': { allow: inRoom, call: (w) => ({ payload: { sessionId: w.sessionId } }) },
  // room.admit
  'room:admit': {
    allow: facilitatorOnly,
    call: async (w) => ({ payload: { sessionId: w.sessionId, memberId: await w.waiting() } }),
  },
  'room:admit-all': {
    allow: facilitatorOnly,
    call: async (w) => {
      await w.waiting();
      return { payload: { sessionId: w.sessionId } };
    },
  },
  // message.send, and one's own messages.
  'message:send': {
    allow: inRoom,
    call: (w) => ({ payload: { sessionId: w.sessionId, clientId: newClientId(), text: 'A message from the matrix.' } }),
  },
  'message:edit': {
    allow: inRoom,
    call: async (w, who) => ({
      payload: { sessionId: w.sessionId, messageId: await w.messageOf(w.ownAuthor(who)), text: 'Edited, as its author.' },
    }),
  },
  'message:delete': {
    allow: inRoom,
    call: async (w, who) => ({ payload: { sessionId: w.sessionId, messageId: await w.messageOf(w.ownAuthor(who)) } }),
  },
  'message:react': {
    allow: inRoom,
    call: async (w) => ({
      payload: { sessionId: w.sessionId, messageId: await w.messageOf(w.bystander), reaction: 'heart', on: true },
    }),
  },
  'message:report': {
    allow: inRoom,
    call: async (w) => ({
      payload: { sessionId: w.sessionId, messageId: await w.messageOf(w.bystander), reason: 'hurtful', note: '' },
    }),
  },
  'support:request': { allow: inRoom, call: (w) => ({ payload: { sessionId: w.sessionId } }) },
  'side:send': {
    allow: inRoom,
    call: (w, who) => ({
      payload: {
        sessionId: w.sessionId,
        participantId: who.role.endsWith('facilitator') ? w.people.participant.memberId : null,
        clientId: newClientId(),
        text: 'Just between us.',
      },
    }),
  },
  // checkin.answer: participants only.
  'checkin:answer': {
    allow: ['participant'],
    call: async (w) => {
      await w.leadDoes('checkin:open', { sessionId: w.sessionId });
      const checkInId = (await w.console()).checkIn!.id;
      return { payload: { sessionId: w.sessionId, checkInId, colour: 'amber', word: 'tired' } };
    },
  },
  // message.warn
  'message:warn': {
    allow: facilitatorOnly,
    call: async (w) => ({
      payload: { sessionId: w.sessionId, messageId: await w.messageOf(w.bystander), warning: { note: 'Mentions a loss.' } },
    }),
  },
  // room.control
  'room:announce': {
    allow: facilitatorOnly,
    call: (w) => ({ payload: { sessionId: w.sessionId, clientId: newClientId(), text: 'Ten minutes left.' } }),
  },
  'room:pause': {
    allow: facilitatorOnly,
    call: (w) => ({
      payload: { sessionId: w.sessionId, seconds: 60 },
      after: () => w.leadDoes('room:resume', { sessionId: w.sessionId }),
    }),
  },
  'room:resume': {
    allow: facilitatorOnly,
    call: async (w) => {
      await w.leadDoes('room:pause', { sessionId: w.sessionId, seconds: 60 });
      return { payload: { sessionId: w.sessionId }, after: () => w.leadDoes('room:resume', { sessionId: w.sessionId }) };
    },
  },
  'room:slow-mode': {
    allow: facilitatorOnly,
    call: (w) => ({
      payload: { sessionId: w.sessionId, seconds: 30 },
      after: () => w.leadDoes('room:slow-mode', { sessionId: w.sessionId, seconds: 0 }),
    }),
  },
  'room:lock': {
    allow: facilitatorOnly,
    call: (w) => ({
      payload: { sessionId: w.sessionId, locked: true },
      after: () => w.leadDoes('room:lock', { sessionId: w.sessionId, locked: false }),
    }),
  },
  'checkin:open': { allow: facilitatorOnly, call: (w) => ({ payload: { sessionId: w.sessionId } }) },
  'checkin:close': {
    allow: facilitatorOnly,
    call: async (w) => {
      await w.leadDoes('checkin:open', { sessionId: w.sessionId });
      return { payload: { sessionId: w.sessionId } };
    },
  },
  // person.moderate
  'member:mute': {
    allow: facilitatorOnly,
    call: async (w) => {
      const memberId = await w.participant();
      return {
        payload: { sessionId: w.sessionId, memberId, minutes: 5, reason: 'Please take a moment.' },
        // A mute that ran out would change the room while another call is watched.
        after: () => w.leadDoes('member:unmute', { sessionId: w.sessionId, memberId }),
      };
    },
  },
  'member:unmute': {
    allow: facilitatorOnly,
    call: async (w) => {
      const memberId = await w.participant();
      await w.leadDoes('member:mute', { sessionId: w.sessionId, memberId, minutes: 5, reason: '' });
      return {
        payload: { sessionId: w.sessionId, memberId },
        after: () => w.leadDoes('member:unmute', { sessionId: w.sessionId, memberId }),
      };
    },
  },
  'member:remove': {
    allow: facilitatorOnly,
    call: async (w) => ({ payload: { sessionId: w.sessionId, memberId: await w.participant(), reason: 'For tonight.' } }),
  },
  'member:ban': {
    allow: facilitatorOnly,
    call: async (w) => ({ payload: { sessionId: w.sessionId, memberId: await w.participant(), reason: 'Repeated harm.' } }),
  },
  // message.moderate
  'message:hide': {
    allow: facilitatorOnly,
    call: async (w) => ({
      payload: { sessionId: w.sessionId, messageId: await w.messageOf(w.bystander), hidden: true, reason: '' },
    }),
  },
  'message:remove': {
    allow: facilitatorOnly,
    call: async (w) => ({ payload: { sessionId: w.sessionId, messageId: await w.messageOf(w.bystander), reason: '' } }),
  },
  'member:clear-messages': {
    allow: facilitatorOnly,
    call: async (w) => {
      await w.messageOf(w.bystander);
      return { payload: { sessionId: w.sessionId, memberId: w.bystander.memberId, reason: '' } };
    },
  },
  // room.console
  'staff:state': { allow: facilitatorOnly, call: (w) => ({ payload: { sessionId: w.sessionId } }) },
  'report:resolve': {
    allow: facilitatorOnly,
    call: async (w) => {
      const messageId = await w.messageOf(w.bystander);
      unwrap(await command(w.people.participant.socket, 'message:report', { sessionId: w.sessionId, messageId, reason: 'unsafe' }));
      const reportId = (await w.console()).reports.find((r) => r.messageId === messageId)!.id;
      return { payload: { sessionId: w.sessionId, reportId, outcome: 'dismissed', note: '' } };
    },
  },
  'support:acknowledge': {
    allow: facilitatorOnly,
    call: async (w) => {
      unwrap(await command(w.people.participant.socket, 'support:request', { sessionId: w.sessionId }));
      const requestId = (await w.console()).supportRequests.find((r) => r.member.memberId === w.people.participant.memberId)!.id;
      return { payload: { sessionId: w.sessionId, requestId } };
    },
  },
  'alert:acknowledge': {
    allow: facilitatorOnly,
    call: async (w) => {
      const messageId = await w.messageOf(w.bystander, 'Some nights I want to die.');
      const alertId = (await w.console()).alerts.find((a) => a.messageId === messageId)!.id;
      return { payload: { sessionId: w.sessionId, alertId } };
    },
  },
};

type SocketWorld = {
  sessionId: string;
  people: Record<SignedIn, Seated>;
  /** A participant of G in the room who writes the messages others act on. */
  bystander: Seated;
  /** Whose own message a person changes: their own when they are in the room. */
  ownAuthor(who: Seated): Seated;
  /** A new message in G's room; its id. */
  messageOf(author: Seated, text?: string): Promise<string>;
  /** A new socket of the person's, in G's room when asked. */
  socketOf(who: Seated, options?: { enter?: boolean }): Promise<TestSocket>;
  /** A new participant of G, not in the room; their member id. */
  participant(): Promise<string>;
  /** A new participant of G held in the room's waiting room; their member id. */
  waiting(): Promise<string>;
  leadDoes(event: string, payload: unknown): Promise<unknown>;
  console(): Promise<ConsoleState>;
};

// ---------------------------------------------------------------------------------------------

const fill = (template: string, params: Record<string, string> = {}) =>
  template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`no value for {${name}} in ${template}`);
    return value;
  });

const isScoped = (path: string) => /\{(groupId|sessionId)\}/.test(path);

/** The exact refusal a role gets from a route it may not call. */
function restRefusal(path: string, role: Role): { status: number; code: ErrorCode } {
  if (role === 'anonymous') return { status: 401, code: 'unauthenticated' };
  if (isScoped(path) && (role === 'other-participant' || role === 'other-facilitator')) {
    return { status: 404, code: 'not_found' };
  }
  return { status: 403, code: 'forbidden' };
}

const show = (value: unknown) => JSON.stringify(value)?.slice(0, 300);

describe.each(modes)('the authorization matrix, $name mode', (mode) => {
  const { world, socketOf, seat } = roomWorld(mode);
  let node: Node;
  let other: Node;
  let organiser: HttpClient;
  /** The organiser's standing persona, for the whole file: a row may change its password. */
  let organiserPersona: Persona;

  beforeAll(async () => {
    ({ node, other, organiser } = world);
    const me = (await organiser.get('/api/me')).json;
    organiserPersona = { role: 'organiser', client: organiser, username: me.username, password };
  });

  /**
   * A group the organiser made and then left, with a lead facilitator of its own: the
   * organiser keeps only the organiser's role in it.
   */
  async function groupWithoutOrganiser() {
    const { id: groupId } = await createGroup(organiser);
    const lead = await joinWithNewAccount(organiser, groupId, { role: 'facilitator' });
    const leadId = await memberIdOf(organiser, groupId, lead.pseudonym);
    const promoted = await organiser.request('PATCH', `/api/groups/${groupId}/members/${leadId}`, { role: 'lead_facilitator' });
    expect(promoted.status, show(promoted.json)).toBe(200);
    expect((await organiser.post(`/api/groups/${groupId}/leave`, {})).status).toBe(204);
    expect((await organiser.get(`/api/groups/${groupId}`)).json).toMatchObject({ myRole: null, myStatus: null });
    return { groupId, lead };
  }

  const persona = (role: Role, joined: { client: HttpClient; username: string }): Persona => ({
    role,
    client: joined.client,
    username: joined.username,
    password,
  });

  const groupIdsOf = async (client: HttpClient) =>
    ((await client.get('/api/groups')).json.groups as Array<{ id: string }>).map((g) => g.id);

  it('has a row for every route the node serves, and none for a route it does not', async () => {
    const res = await fetch(`${node.url}/docs/json`);
    expect(res.status).toBe(200);
    const document = (await res.json()) as { paths: Record<string, Record<string, unknown>> };
    const served = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(served.length).toBeGreaterThanOrEqual(46);
    const missing = served.filter((route) => !(route in restMatrix));
    const stale = Object.keys(restMatrix).filter((route) => !served.includes(route));
    expect(missing, 'routes with no row in restMatrix: add one saying which roles may call them').toEqual([]);
    expect(stale, 'restMatrix rows for routes the node does not serve').toEqual([]);
  });

  it('has a row for every socket command, and none for a command that does not exist', () => {
    const commands = Object.keys(clientCommands);
    expect(commands.length).toBeGreaterThanOrEqual(34);
    const missing = commands.filter((event) => !(event in socketMatrix));
    const stale = Object.keys(socketMatrix).filter((event) => !commands.includes(event));
    expect(missing, 'socket commands with no row in socketMatrix: add one saying which roles may send them').toEqual([]);
    expect(stale, 'socketMatrix rows for commands that do not exist').toEqual([]);
  });

  it('answers every REST route, for each of the six roles, as the policy says', { timeout: 180_000 }, async () => {
    const { groupId, lead } = await groupWithoutOrganiser();
    const facilitator = await joinWithNewAccount(organiser, groupId, { role: 'facilitator' });
    const participant = await joinWithNewAccount(organiser, groupId);
    const { groupId: otherGroupId, lead: otherLead } = await groupWithoutOrganiser();
    const otherParticipant = await joinWithNewAccount(organiser, otherGroupId);
    const { groupId: elsewhereId } = await groupWithoutOrganiser();
    const elsewhereCode = (await createInvite(organiser, elsewhereId)).code;
    const loginTarget = await joinWithNewAccount(organiser, elsewhereId);

    // The lead runs a room of G, from which the fixtures ban people.
    const roomId = (await startSession(lead.client, groupId)).id;
    const leadSocket = (await seat(lead, roomId)).socket;
    // The facilitator and the participant were in a session's room, which has ended.
    const checkOutId = (await startSession(lead.client, groupId)).id;
    await seat(facilitator, checkOutId);
    await seat(participant, checkOutId);
    expect((await lead.client.post(`/api/sessions/${checkOutId}/end`, {})).status).toBe(200);

    const people: Record<Role, Persona> = {
      anonymous: { role: 'anonymous', client: new HttpClient(node.url), username: '', password },
      participant: persona('participant', participant),
      'other-participant': persona('other-participant', otherParticipant),
      'other-facilitator': persona('other-facilitator', otherLead),
      facilitator: persona('facilitator', facilitator),
      organiser: organiserPersona,
    };
    // Guards on the fixture itself: each role is what its column says.
    expect(await groupIdsOf(people['other-participant'].client)).not.toContain(groupId);
    expect(await groupIdsOf(people['other-facilitator'].client)).not.toContain(groupId);
    expect((await facilitator.client.get(`/api/groups/${groupId}`)).json).toMatchObject({ myRole: 'facilitator' });
    expect((await participant.client.get(`/api/groups/${groupId}`)).json).toMatchObject({ myRole: 'participant' });
    expect((await otherLead.client.get(`/api/groups/${otherGroupId}`)).json).toMatchObject({ myRole: 'lead_facilitator' });
    expect((await organiser.get('/api/me')).json.isOrganiser).toBe(true);

    const scheduled = async () => {
      const res = await lead.client.post(`/api/groups/${groupId}/schedule`, scheduleBody);
      expect(res.status, show(res.json)).toBe(201);
      return res.json.sessions[0].id as string;
    };
    const members = async () =>
      (await organiser.get(`/api/groups/${groupId}/members`)).json.members as Array<{ memberId: string; role: string; status: string }>;
    const participantOfG = async () => {
      const joined = await joinWithNewAccount(organiser, groupId);
      return memberIdOf(organiser, groupId, joined.pseudonym);
    };
    const sessionList = async () =>
      ((await organiser.get(`/api/groups/${groupId}/sessions?to=2032-01-01T00:00:00Z`)).json.sessions as Array<{
        id: string;
        status: string;
        title: string;
      }>).map(({ id, status, title }) => ({ id, status, title }));

    const w: RestWorld = {
      organiser,
      lead: lead.client,
      groupId,
      g: { groupId },
      elsewhereId,
      elsewhereCode,
      loginTarget,
      scheduledId: await scheduled(),
      checkOutId,
      people,
      detail: async () => (await organiser.get(`/api/groups/${groupId}`)).json,
      standing: async (memberId) => {
        const member = (await members()).find((m) => m.memberId === memberId);
        return member ? `${member.role}/${member.status}` : 'gone';
      },
      memberIds: async () => (await members()).map((m) => m.memberId).sort(),
      inviteIds: async () =>
        ((await organiser.get(`/api/groups/${groupId}/invites`)).json.invites as Array<{ id: string }>).map((i) => i.id).sort(),
      inviteState: async (inGroup, inviteId) =>
        ((await organiser.get(`/api/groups/${inGroup}/invites`)).json.invites as Array<{ id: string; state: string }>).find(
          (i) => i.id === inviteId,
        )?.state ?? 'gone',
      sessionList,
      session: async (sessionId) => (await sessionList()).find((s) => s.id === sessionId)!,
      checkOutTotal: async () => (await organiser.get(`/api/sessions/${checkOutId}/check-out`)).json.total,
      participant: participantOfG,
      pending: async () => {
        await updateGroup(organiser, groupId, { approvalRequired: true });
        const joined = await joinWithNewAccount(organiser, groupId);
        await updateGroup(organiser, groupId, { approvalRequired: false });
        expect(joined.status).toBe('pending');
        return memberIdOf(organiser, groupId, joined.pseudonym);
      },
      banned: async () => {
        const memberId = await participantOfG();
        unwrap(await command(leadSocket, 'member:ban', { sessionId: roomId, memberId, reason: 'A fixture ban.' }));
        return memberId;
      },
      scheduled,
      acceptAgain: async () => {
        for (const client of [lead.client, facilitator.client, participant.client]) await acceptAgreement(client, groupId);
      },
    };

    /** The caller a row asks for. */
    async function actorFor(role: Role, actor: RestRow['actor']): Promise<Persona> {
      const standing = people[role];
      if (!actor || role === 'anonymous') return actor ? { ...standing, client: new HttpClient(node.url) } : standing;
      if (actor === 'new account' && role !== 'organiser') {
        const into = role === 'participant' || role === 'facilitator' ? groupId : otherGroupId;
        const joined = await joinWithNewAccount(organiser, into, { role: role.endsWith('facilitator') ? 'facilitator' : 'participant' });
        return persona(role, joined);
      }
      return { ...standing, client: await logIn(node.url, standing.username, standing.password) };
    }

    /** Logs a standing persona in again when a row ended its login. */
    async function revive(role: Role) {
      const standing = people[role];
      if (role === 'anonymous' || (await standing.client.get('/api/me')).status === 200) return;
      standing.client.cookie = (await logIn(node.url, standing.username, standing.password)).cookie;
    }

    const mismatches: string[] = [];
    let cells = 0;
    for (const [key, entry] of Object.entries(restMatrix)) {
      const [method, template] = key.split(' ') as [string, string];
      for (const row of [entry].flat()) {
        const label = row.case ? `${key} (${row.case})` : key;
        for (const role of roles) {
          cells++;
          const who = await actorFor(role, row.actor);
          const call = await row.call(w, who);
          const path = fill(template, call.params) + (call.query ?? '');
          const before = call.unchanged ? await call.unchanged() : undefined;
          const body = call.body ?? (['POST', 'PUT', 'PATCH'].includes(method) ? {} : undefined);
          const res = await who.client.at(node.url).request(method, path, body);
          const ok = row.okFor?.[role] ?? row.ok;
          if (row.allow.includes(role)) {
            if (res.status !== ok) {
              mismatches.push(`${label} as ${role}: allowed, expected ${ok}; got ${res.status} ${show(res.json)}`);
            }
          } else {
            const refusal = restRefusal(template, role);
            if (res.status !== refusal.status || res.json?.code !== refusal.code) {
              mismatches.push(`${label} as ${role}: refused, expected ${refusal.status} ${refusal.code}; got ${res.status} ${show(res.json)}`);
            } else if (call.unchanged) {
              const after = await call.unchanged();
              if (JSON.stringify(after) !== JSON.stringify(before)) {
                mismatches.push(`${label} as ${role}: refused, yet changed ${show(before)} to ${show(after)}`);
              }
            }
          }
          if (res.status === ok) await call.effect?.(res);
          if (row.actor === 'new login') await revive(role);
        }
      }
    }
    expect(cells).toBe(roles.length * Object.values(restMatrix).flat().length);
    expect(mismatches, 'cells of the matrix the server answers otherwise').toEqual([]);
  });

  it('refuses the socket handshake to anyone not logged in, so every command is refused to them', async () => {
    await expect(connect(node.url, '')).rejects.toMatchObject({ data: { code: 'unauthenticated' } });
    await expect(connect(other.url, 'hearth_session=not-a-login')).rejects.toMatchObject({ data: { code: 'unauthenticated' } });
    // A login that ended opens no socket either.
    const ended = await logIn(node.url, organiserPersona.username, organiserPersona.password);
    const cookie = ended.cookie;
    expect((await ended.post('/api/auth/logout', {})).status).toBe(204);
    await expect(connect(node.url, cookie)).rejects.toMatchObject({ data: { code: 'unauthenticated' } });
  });

  /**
   * G with its room open: its lead, the facilitator and the participant in it, and a bystander
   * participant who writes the messages others act on; another group with its own room, its lead
   * and a participant in it; the organiser's socket, in no room. Newcomers to G wait to be let in.
   */
  async function roomsOfTwoGroups() {
    const { groupId, lead } = await groupWithoutOrganiser();
    const sessionId = (await startSession(lead.client, groupId)).id;
    const leadSeat = await seat(lead, sessionId);
    const facilitator = await joinWithNewAccount(organiser, groupId, { role: 'facilitator', baseUrl: other.url });
    const participant = await joinWithNewAccount(organiser, groupId);
    const bystander = await joinWithNewAccount(organiser, groupId);
    const facilitatorSeat = await seat(facilitator, sessionId, other);
    const participantSeat = await seat(participant, sessionId);
    const bystanderSeat = await seat(bystander, sessionId);
    // From now on, newcomers wait to be let in.
    await updateGroup(organiser, groupId, { waitingRoom: true });

    const { groupId: otherGroupId, lead: otherLead } = await groupWithoutOrganiser();
    const otherSessionId = (await startSession(otherLead.client, otherGroupId)).id;
    const otherLeadSeat = await seat(otherLead, otherSessionId, other);
    const otherParticipant = await joinWithNewAccount(organiser, otherGroupId);
    const otherParticipantSeat = await seat(otherParticipant, otherSessionId);
    const organiserSocket = await socketOf(organiser);

    const people: Record<SignedIn, Seated> = {
      participant: { role: 'participant', client: participant.client, ...pick(participantSeat) },
      'other-participant': { role: 'other-participant', client: otherParticipant.client, ...pick(otherParticipantSeat) },
      'other-facilitator': { role: 'other-facilitator', client: otherLead.client, ...pick(otherLeadSeat) },
      facilitator: { role: 'facilitator', client: facilitator.client, ...pick(facilitatorSeat) },
      organiser: { role: 'organiser', client: organiser, socket: organiserSocket, memberId: '' },
    };
    expect(people.participant.memberId).not.toBe(people.facilitator.memberId);
    expect(facilitatorSeat.me.role).toBe('facilitator');
    expect(otherLeadSeat.me.role).toBe('lead_facilitator');
    const bystanderSeated: Seated = { role: 'participant', client: bystander.client, ...pick(bystanderSeat) };
    const homes: Partial<Record<SignedIn, Node>> = { facilitator: other, 'other-facilitator': other };

    const w: SocketWorld = {
      sessionId,
      people,
      bystander: bystanderSeated,
      ownAuthor: (who) => ((inRoom as readonly string[]).includes(who.role) ? who : bystanderSeated),
      messageOf: async (author, text = 'Something I wanted to share tonight.') =>
        unwrap(await command(author.socket, 'message:send', { sessionId, clientId: newClientId(), text })).id,
      socketOf: async (who, options = {}) => {
        const socket = await socketOf(who.client, homes[who.role] ?? node);
        if (options.enter) unwrap(await command(socket, 'room:join', { sessionId, afterSeq: 0, reminderAcknowledged: true }));
        return socket;
      },
      participant: async () => {
        const joined = await joinWithNewAccount(organiser, groupId);
        return memberIdOf(organiser, groupId, joined.pseudonym);
      },
      waiting: async () => {
        const joined = await joinWithNewAccount(organiser, groupId);
        const socket = await socketOf(joined.client);
        const entered = unwrap(await command(socket, 'room:join', { sessionId, afterSeq: 0, reminderAcknowledged: true }));
        expect(entered.admitted).toBe(false);
        return entered.me.memberId;
      },
      leadDoes: async (event, payload) => {
        const ack = await raw(leadSeat.socket, event, payload);
        expect(ack, `the lead's ${event}`).toMatchObject({ ok: true });
        return ack.data;
      },
      console: async () => unwrap(await command(leadSeat.socket, 'staff:state', { sessionId })),
    };

    /** Everything a refused command could have changed about G and its room. */
    const db = node.database.db;
    async function roomState(): Promise<string> {
      const [session] = await db
        .select({
          lastSeq: sessions.lastSeq,
          staffSeq: sessions.staffSeq,
          pausedUntil: sessions.pausedUntil,
          slowModeSeconds: sessions.slowModeSeconds,
          locked: sessions.locked,
          status: sessions.status,
        })
        .from(sessions)
        .where(eq(sessions.id, sessionId));
      const [audit] = await db.select({ n: count() }).from(auditLog).where(eq(auditLog.groupId, groupId));
      const [connections] = await db.select({ n: count() }).from(roomConnections).where(eq(roomConnections.sessionId, sessionId));
      const members = await db
        .select({ id: memberships.id, role: memberships.role, status: memberships.status })
        .from(memberships)
        .where(eq(memberships.groupId, groupId))
        .orderBy(asc(memberships.id));
      const seats = await db.select().from(roomMembers).where(eq(roomMembers.sessionId, sessionId)).orderBy(asc(roomMembers.memberId));
      return JSON.stringify({ session, audit: audit!.n, connections: connections!.n, members, seats });
    }

    return { w, people, roomState, groupId, sessionId, otherGroupId, otherSessionId };
  }


  it('answers every socket command, for each role, as the policy says', { timeout: 180_000 }, async () => {
    const { w, people, roomState } = await roomsOfTwoGroups();
    const mismatches: string[] = [];
    let cells = 0;
    for (const [event, row] of Object.entries(socketMatrix)) {
      for (const role of signedIn) {
        const who = people[role];
        const call = await row.call(w, who);
        const before = await roomState();
        const ack = await raw(call.socket ?? who.socket, event, call.payload);
        if (row.allow.includes(role)) {
          if (!ack?.ok) mismatches.push(`${event} as ${role}: allowed, expected ok; got ${show(ack)}`);
        } else {
          const code = row.refused?.[role] ?? 'forbidden';
          if (ack?.ok !== false || ack.error.code !== code) {
            mismatches.push(`${event} as ${role}: refused, expected ${code}; got ${show(ack)}`);
          } else {
            const after = await roomState();
            if (after !== before) mismatches.push(`${event} as ${role}: refused, yet the room changed: ${before} to ${after}`);
          }
        }
        await call.after?.(ack?.ok === true);
        cells++;
      }
    }
    expect(cells).toBe(signedIn.length * Object.keys(socketMatrix).length);
    expect(mismatches, 'cells of the matrix the server answers otherwise').toEqual([]);
  });

  it('gives a facilitator of another group no reach into this group through their own group or room', async () => {
    const { w, people, roomState, groupId, otherGroupId, otherSessionId: there } = await roomsOfTwoGroups();
    const outsider = people['other-facilitator'];
    const participantId = people.participant.memberId;
    const bystanderId = w.bystander.memberId;
    const messageId = await w.messageOf(w.bystander);
    const reported = await w.messageOf(w.bystander);
    unwrap(await command(people.participant.socket, 'message:report', { sessionId: w.sessionId, messageId: reported, reason: 'unsafe' }));
    unwrap(await command(people.participant.socket, 'support:request', { sessionId: w.sessionId }));
    const alarming = await w.messageOf(w.bystander, 'Some nights I want to die.');
    const staff = await w.console();
    const reportId = staff.reports.find((r) => r.messageId === reported)!.id;
    const requestId = staff.supportRequests.find((r) => r.member.memberId === participantId)!.id;
    const alertId = staff.alerts.find((a) => a.messageId === alarming)!.id;

    // Commands naming the outsider's own room, with this group's people, messages and console items.
    const attempts: Array<[event: string, payload: Record<string, unknown>, code: ErrorCode]> = [
      ['room:admit', { memberId: participantId }, 'not_found'],
      ['member:mute', { memberId: participantId, minutes: 5, reason: '' }, 'not_found'],
      ['member:unmute', { memberId: participantId }, 'not_found'],
      ['member:remove', { memberId: participantId, reason: '' }, 'not_found'],
      ['member:ban', { memberId: participantId, reason: 'Not yours to ban.' }, 'not_found'],
      ['member:clear-messages', { memberId: bystanderId, reason: '' }, 'not_found'],
      ['side:send', { participantId, clientId: newClientId(), text: 'Hello from elsewhere.' }, 'not_found'],
      ['message:warn', { messageId, warning: { note: 'Not yours to warn.' } }, 'not_found'],
      ['message:hide', { messageId, hidden: true, reason: '' }, 'not_found'],
      ['message:remove', { messageId, reason: '' }, 'not_found'],
      ['message:edit', { messageId, text: 'Not yours to edit.' }, 'not_found'],
      ['message:delete', { messageId }, 'not_found'],
      ['message:react', { messageId, reaction: 'heart', on: true }, 'not_found'],
      ['message:report', { messageId, reason: 'spam', note: '' }, 'not_found'],
      ['report:resolve', { reportId, outcome: 'dismissed', note: '' }, 'conflict'],
      ['support:acknowledge', { requestId }, 'conflict'],
      ['alert:acknowledge', { alertId }, 'conflict'],
    ];
    const problems: string[] = [];
    for (const [event, payload, code] of attempts) {
      const before = await roomState();
      const ack = await raw(outsider.socket, event, { sessionId: there, ...payload });
      if (ack?.ok !== false || ack.error.code !== code) problems.push(`${event}: expected ${code}; got ${show(ack)}`);
      if ((await roomState()) !== before) problems.push(`${event}: this group's room changed`);
    }
    const after = await w.console();
    expect(after.reports.map((r) => r.id)).toContain(reportId);
    expect(after.supportRequests.map((r) => r.id)).toContain(requestId);
    expect(after.alerts.map((a) => a.id)).toContain(alertId);

    // Routes naming the outsider's own group, with this group's members and invites.
    await updateGroup(organiser, groupId, { approvalRequired: true });
    const applicant = await joinWithNewAccount(organiser, groupId);
    const applicantId = await memberIdOf(organiser, groupId, applicant.pseudonym);
    const invite = await createInvite(organiser, groupId);
    for (const path of [
      `/api/groups/${otherGroupId}/members/${applicantId}/approve`,
      `/api/groups/${otherGroupId}/members/${applicantId}/decline`,
      `/api/groups/${otherGroupId}/invites/${invite.id}/revoke`,
    ]) {
      const res = await outsider.client.post(path, {});
      if (res.status !== 404 || res.json?.code !== 'not_found') problems.push(`POST ${path}: expected 404 not_found; got ${res.status} ${show(res.json)}`);
    }
    const members = (await organiser.get(`/api/groups/${groupId}/members`)).json.members as Array<{ memberId: string; status: string }>;
    expect(members.find((m) => m.memberId === applicantId)?.status).toBe('pending');
    const invites = (await organiser.get(`/api/groups/${groupId}/invites`)).json.invites as Array<{ id: string; state: string }>;
    expect(invites.find((i) => i.id === invite.id)?.state).toBe('active');
    expect(problems).toEqual([]);
  });
});

function pick(seated: { socket: TestSocket; me: { memberId: string } }) {
  return { socket: seated.socket, memberId: seated.me.memberId };
}
