import { z } from 'zod';
import { idSchema } from './ids.ts';
import { limits } from './limits.ts';

export const AgreementSchema = z.object({
  version: z.number().int().min(1),
  text: z.string(),
  publishedAt: z.iso.datetime(),
  /** The version the viewer accepted last, or null. Entering a room needs the current one. */
  acceptedVersion: z.number().int().min(1).nullable(),
});
export type Agreement = z.infer<typeof AgreementSchema>;

export const AgreementTextSchema = z.string().trim().min(20).max(limits.agreementTextMax);

export const PublishAgreementRequestSchema = z.object({ text: AgreementTextSchema });
export type PublishAgreementRequest = z.infer<typeof PublishAgreementRequestSchema>;

export const AcceptAgreementRequestSchema = z.object({ version: z.number().int().min(1) });
export type AcceptAgreementRequest = z.infer<typeof AcceptAgreementRequestSchema>;

export const AgreementAcceptanceSchema = z.object({
  memberId: idSchema(),
  pseudonym: z.string(),
  version: z.number().int().min(1),
  acceptedAt: z.iso.datetime(),
});
export const AgreementAcceptanceListSchema = z.object({
  /** 0 when the group has no agreement yet. */
  currentVersion: z.number().int().min(0),
  acceptances: z.array(AgreementAcceptanceSchema),
});
export type AgreementAcceptanceList = z.infer<typeof AgreementAcceptanceListSchema>;

/** The agreement a new group starts with; organisers rewrite it as their group needs. */
export const defaultAgreementText = `What we agree to, so that this room can be a safe one:

1. What is shared here stays here. We do not repeat, copy or screenshot anything anyone says, and we do not try to find out who anyone is.
2. We use the names we chose for this group. Nobody has to share anything that could identify them.
3. Everyone speaks for themselves and at their own pace. It is always fine to listen, to pass, to step out or to leave, without giving a reason.
4. We mark messages that touch on distressing subjects with a content warning, so that others can choose when to read them.
5. We listen without judging and we do not give advice unless someone asks for it.
6. We respect the facilitators' role: they may slow the room down, pause it, or speak with someone privately to keep everyone safe.
7. If you are in danger or need urgent help, use the crisis resources shown in the room, or tell a facilitator with "I need support".`;
