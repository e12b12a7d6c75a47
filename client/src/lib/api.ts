import { z } from 'zod';
import {
  ApiErrorSchema,
  GroupListSchema,
  GroupSchema,
  InvitePreviewSchema,
  InviteSchema,
  MeSchema,
  RedeemInviteResultSchema,
  SessionListSchema,
  SessionSchema,
  SetupStatusSchema,
  type CreateGroupRequest,
  type CreateSessionRequest,
  type ErrorCode,
  type LoginRequest,
  type RedeemInviteRequest,
  type SetupRequest,
} from '@hearth/shared';

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

async function call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const init: RequestInit = { method, headers, credentials: 'same-origin' };
  if (method === 'POST') {
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


const groupPath = (groupId: string) => `/api/groups/${encodeURIComponent(groupId)}`;

export const api = {
  setupStatus: () => get('/api/setup', SetupStatusSchema),
  setup: (body: SetupRequest) => post('/api/setup', body, MeSchema),
  login: (body: LoginRequest) => post('/api/auth/login', body, MeSchema),
  logout: async (): Promise<void> => {
    await call('POST', '/api/auth/logout', {});
  },
  me: () => get('/api/me', MeSchema),
  groups: () => get('/api/groups', GroupListSchema),
  createGroup: (body: CreateGroupRequest) => post('/api/groups', body, GroupSchema),
  sessions: (groupId: string) => get(`${groupPath(groupId)}/sessions`, SessionListSchema),
  createSession: (groupId: string, body: CreateSessionRequest) =>
    post(`${groupPath(groupId)}/sessions`, body, SessionSchema),
  createInvite: (groupId: string) => post(`${groupPath(groupId)}/invites`, {}, InviteSchema),
  previewInvite: (code: string) => post('/api/invites/preview', { code }, InvitePreviewSchema),
  redeemInvite: (body: RedeemInviteRequest) =>
    post('/api/invites/redeem', body, RedeemInviteResultSchema),
};
