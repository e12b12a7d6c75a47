import { z } from 'zod';

/**
 * Every error Hearth returns, over REST or through a socket acknowledgement, carries one of
 * these codes. Clients branch on the code; the message is for people.
 */
export const errorCodes = [
  'invalid_input',
  'unknown_event',
  'unauthenticated',
  'invalid_credentials',
  'forbidden',
  'not_found',
  'conflict',
  'setup_unavailable',
  'room_closed',
  'not_admitted',
  'waiting_for_facilitator',
  'muted',
  'paused',
  'slow_mode',
  'room_locked',
  'rate_limited',
  'agreement_required',
  'payload_too_large',
  'unavailable',
  'internal',
] as const;

export const ErrorCodeSchema = z.enum(errorCodes);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

export const ApiErrorSchema = z.object({
  code: ErrorCodeSchema,
  message: z.string(),
});
export type ApiError = z.infer<typeof ApiErrorSchema>;
