import { z } from 'zod';
import { idSchema } from './ids.ts';
import { GroupRoleSchema } from './groups.ts';

/** Someone in a group's rooms, as others there see them: never their account. */
export const MemberSchema = z.object({
  memberId: idSchema(),
  pseudonym: z.string(),
  role: GroupRoleSchema,
});
export type Member = z.infer<typeof MemberSchema>;

/** "I need support", as facilitators see it until one of them acknowledges it. */
export const SupportRequestSchema = z.object({ sessionId: idSchema(), member: MemberSchema, at: z.iso.datetime() });
export type SupportRequest = z.infer<typeof SupportRequestSchema>;
