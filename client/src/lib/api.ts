import { z } from 'zod';
import {
  AgreementAcceptanceListSchema,
  AgreementSchema,
  ApiErrorSchema,
  AuditListSchema,
  BanListSchema,
  CheckOutSummarySchema,
  ChangeRoleRequestSchema,
  ClientConfigSchema,
  GroupDetailSchema,
  GroupListSchema,
  GroupMemberSchema,
  GroupSchema,
  InviteListSchema,
  InvitePreviewSchema,
  InviteSchema,
  MeSchema,
  MemberListSchema,
  RedeemInviteResultSchema,
  RoomPreferencesSchema,
  ScheduleResultSchema,
  SessionListSchema,
  SessionSchema,
  SetupStatusSchema,
  UpcomingSessionListSchema,
  type AcceptAgreementRequest,
  type AssignFacilitatorRequest,
  type AuditAction,
  type ChangePasswordRequest,
  type CheckOutRequest,
  type CreateGroupRequest,
  type CreateInviteRequest,
  type CreateSessionRequest,
  type EraseAccountRequest,
  type ErrorCode,
  type LoginRequest,
  type PublishAgreementRequest,
  type RedeemInviteRequest,
  type RoomPreferences,
  type ScheduleRequest,
  type SetupRequest,
  type UpdateAccountRequest,
  type UpdateGroupRequest,
  type UpdateSessionRequest,
  AuditQuerySchema,
} from '@hearth/shared';

export type ChangeRoleRequest = z.infer<typeof ChangeRoleRequestSchema>;

/** Which audit entries to list: one kind of action, one session, and those before an entry. */
export type AuditFilter = Partial<z.input<typeof AuditQuerySchema>> & { action?: AuditAction };

function auditQuery(filter: AuditFilter): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filter)) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  const query = params.toString();
  return query ? `?${query}` : '';
}

export class ApiRequestError extends Error {
  readonly code: ErrorCode;
  /** The HTTP status, or 0 when the server could not be reached at all. */
  readonly status: number;

  constructor(code: ErrorCode, message: string, status: number) {
    super(message);
    this.name = 'ApiRequestError';
    this.code = code;
    this.status = status;
  }
}

export function toApiRequestError(error: unknown): ApiRequestError {
  if (error instanceof ApiRequestError) return error;
  return new ApiRequestError('internal', 'Something went wrong. Please try again.', 0);
}

const codeForStatus: Partial<Record<number, ErrorCode>> = {
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  429: 'rate_limited',
  503: 'unavailable',
};

function fallbackError(status: number): ApiRequestError {
  const code = codeForStatus[status] ?? (status < 500 ? 'invalid_input' : 'internal');
  const message =
    status >= 500
      ? 'Hearth is having trouble right now. Please try again in a moment.'
      : 'That did not work. Please try again.';
  return new ApiRequestError(code, message, status);
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

async function call(method: Method, path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const init: RequestInit = { method, headers, credentials: 'same-origin' };
  if (method === 'POST' || method === 'PUT' || method === 'PATCH') {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body ?? {});
  }
  let response: Response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiRequestError(
      'unavailable',
      'Hearth could not be reached. Please check your connection and try again.',
      0,
    );
  }
  if (!response.ok) {
    let payload: unknown = null;
    try {
      payload = await response.json();
    } catch {
      // A proxy or crash page may answer with HTML; the status alone still tells us enough.
    }
    const parsed = ApiErrorSchema.safeParse(payload);
    if (parsed.success) {
      throw new ApiRequestError(parsed.data.code, parsed.data.message, response.status);
    }
    throw fallbackError(response.status);
  }
  return response;
}

async function read<S extends z.ZodType>(response: Response, schema: S): Promise<z.output<S>> {
  let payload: unknown;
  try {
    payload = await response.json();
  } catch {
    payload = undefined;
  }
  const parsed = schema.safeParse(payload);
  if (!parsed.success) {
    throw new ApiRequestError(
      'internal',
      'Hearth sent an answer this page could not read. Please reload the page.',
      response.status,
    );
  }
  return parsed.data;
}

async function get<S extends z.ZodType>(path: string, schema: S): Promise<z.output<S>> {
  return read(await call('GET', path), schema);
}

async function post<S extends z.ZodType>(
  path: string,
  body: unknown,
  schema: S,
): Promise<z.output<S>> {
  return read(await call('POST', path, body), schema);
}

async function patch<S extends z.ZodType>(
  path: string,
  body: unknown,
  schema: S,
): Promise<z.output<S>> {
  return read(await call('PATCH', path, body), schema);
}

async function put<S extends z.ZodType>(
  path: string,
  body: unknown,
  schema: S,
): Promise<z.output<S>> {
  return read(await call('PUT', path, body), schema);
}

/** For answers without a body (204). */
async function send(method: Method, path: string, body?: unknown): Promise<void> {
  await call(method, path, body);
}

const groupPath = (groupId: string) => `/api/groups/${encodeURIComponent(groupId)}`;
const memberPath = (groupId: string, memberId: string) =>
  `${groupPath(groupId)}/members/${encodeURIComponent(memberId)}`;
const sessionPath = (sessionId: string) => `/api/sessions/${encodeURIComponent(sessionId)}`;

export const api = {
  /** Public: what the client needs before anything else, such as where quick exit goes. */
  config: () => get('/api/config', ClientConfigSchema),
  setupStatus: () => get('/api/setup', SetupStatusSchema),
  setup: (body: SetupRequest) => post('/api/setup', body, MeSchema),
  login: (body: LoginRequest) => post('/api/auth/login', body, MeSchema),
  logout: () => send('POST', '/api/auth/logout', {}),
  logoutEverywhere: () => send('POST', '/api/auth/logout-everywhere', {}),

  me: () => get('/api/me', MeSchema),
  updateMe: (body: UpdateAccountRequest) => patch('/api/me', body, MeSchema),
  changePassword: (body: ChangePasswordRequest) => send('POST', '/api/me/password', body),
  /** Erases the account and everything it wrote, for good; the session cookie goes with it. */
  eraseAccount: (body: EraseAccountRequest) => send('POST', '/api/me/erase', body),

  groups: () => get('/api/groups', GroupListSchema),
  group: (groupId: string) => get(groupPath(groupId), GroupDetailSchema),
  createGroup: (body: CreateGroupRequest) => post('/api/groups', body, GroupSchema),
  updateGroup: (groupId: string, body: UpdateGroupRequest) =>
    patch(groupPath(groupId), body, GroupDetailSchema),
  leaveGroup: (groupId: string) => send('POST', `${groupPath(groupId)}/leave`, {}),

  agreement: (groupId: string) => get(`${groupPath(groupId)}/agreement`, AgreementSchema),
  publishAgreement: (groupId: string, body: PublishAgreementRequest) =>
    post(`${groupPath(groupId)}/agreement`, body, AgreementSchema),
  acceptAgreement: (groupId: string, body: AcceptAgreementRequest) =>
    post(`${groupPath(groupId)}/agreement/accept`, body, AgreementSchema),
  acceptances: (groupId: string) =>
    get(`${groupPath(groupId)}/agreement/acceptances`, AgreementAcceptanceListSchema),

  members: (groupId: string) => get(`${groupPath(groupId)}/members`, MemberListSchema),
  approveMember: (groupId: string, memberId: string) =>
    post(`${memberPath(groupId, memberId)}/approve`, {}, GroupMemberSchema),
  declineMember: (groupId: string, memberId: string) =>
    send('POST', `${memberPath(groupId, memberId)}/decline`, {}),
  changeRole: (groupId: string, memberId: string, body: ChangeRoleRequest) =>
    patch(memberPath(groupId, memberId), body, GroupMemberSchema),
  removeMember: (groupId: string, memberId: string) =>
    send('DELETE', memberPath(groupId, memberId)),
  assignFacilitator: (groupId: string, body: AssignFacilitatorRequest) =>
    post(`${groupPath(groupId)}/facilitators`, body, GroupMemberSchema),

  sessions: (groupId: string) => get(`${groupPath(groupId)}/sessions`, SessionListSchema),
  upcomingSessions: () => get('/api/sessions/upcoming', UpcomingSessionListSchema),
  createSession: (groupId: string, body: CreateSessionRequest) =>
    post(`${groupPath(groupId)}/sessions`, body, SessionSchema),
  schedule: (groupId: string, body: ScheduleRequest) =>
    post(`${groupPath(groupId)}/schedule`, body, ScheduleResultSchema),
  updateSession: (sessionId: string, body: UpdateSessionRequest) =>
    patch(sessionPath(sessionId), body, SessionSchema),
  cancelSession: (sessionId: string) =>
    post(`${sessionPath(sessionId)}/cancel`, {}, SessionSchema),
  /** A facilitator opens a scheduled session's room before its start time. */
  openSession: (sessionId: string) => post(`${sessionPath(sessionId)}/open`, {}, SessionSchema),
  /** A facilitator ends an open session: its room closes for everyone. */
  endSession: (sessionId: string) => post(`${sessionPath(sessionId)}/end`, {}, SessionSchema),

  /** This person's own choices for the rooms of one group (content warnings, typing). */
  roomPreferences: (groupId: string) =>
    get(`${groupPath(groupId)}/room-preferences`, RoomPreferencesSchema),
  saveRoomPreferences: (groupId: string, body: RoomPreferences) =>
    put(`${groupPath(groupId)}/room-preferences`, body, RoomPreferencesSchema),

  /** After a session: an anonymous check-out (a colour and a word); nothing links it to the person. */
  checkOut: (sessionId: string, body: CheckOutRequest) =>
    send('POST', `${sessionPath(sessionId)}/check-out`, body),
  /** Facilitators and organisers: a session's check-out totals, never individual answers. */
  checkOutSummary: (sessionId: string) =>
    get(`${sessionPath(sessionId)}/check-out`, CheckOutSummarySchema),

  /** Organisers: the group's audit log, newest first. */
  audit: (groupId: string, filter: AuditFilter = {}) =>
    get(`${groupPath(groupId)}/audit${auditQuery(filter)}`, AuditListSchema),
  bans: (groupId: string) => get(`${groupPath(groupId)}/bans`, BanListSchema),
  liftBan: (groupId: string, memberId: string) =>
    send('POST', `${groupPath(groupId)}/bans/${encodeURIComponent(memberId)}/lift`, {}),

  createInvite: (groupId: string, body: CreateInviteRequest = {}) =>
    post(`${groupPath(groupId)}/invites`, body, InviteSchema),
  invites: (groupId: string) => get(`${groupPath(groupId)}/invites`, InviteListSchema),
  revokeInvite: (groupId: string, inviteId: string) =>
    send('POST', `${groupPath(groupId)}/invites/${encodeURIComponent(inviteId)}/revoke`, {}),
  // The code travels in the body: in a path or query string it would end up in logs.
  previewInvite: (code: string) => post('/api/invites/preview', { code }, InvitePreviewSchema),
  redeemInvite: (body: RedeemInviteRequest) =>
    post('/api/invites/redeem', body, RedeemInviteResultSchema),
};
