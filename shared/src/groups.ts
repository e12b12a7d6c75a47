import { z } from 'zod';
import { CredentialsSchema, MeSchema } from './auth.ts';
import { limits } from './limits.ts';

export const groupRoles = ['lead_facilitator', 'facilitator', 'participant'] as const;
export const GroupRoleSchema = z.enum(groupRoles);
export type GroupRole = z.infer<typeof GroupRoleSchema>;

export const PseudonymSchema = z
  .string()
  .trim()
  .min(limits.pseudonymMin, `A name in the group has at least ${limits.pseudonymMin} characters.`)
  .max(limits.pseudonymMax, `A name in the group has at most ${limits.pseudonymMax} characters.`);

export const CreateGroupRequestSchema = z.object({
  name: z.string().trim().min(1).max(limits.groupNameMax),
  description: z.string().trim().max(limits.groupDescriptionMax).default(''),
  /** The name the creating organiser, who becomes the group's lead facilitator, is shown under. */
  pseudonym: PseudonymSchema,
});
export type CreateGroupRequest = z.infer<typeof CreateGroupRequestSchema>;

export const GroupSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string(),
  /** The viewer's role in the group, or null when the viewer is an organiser who is not a member. */
  myRole: GroupRoleSchema.nullable(),
  myPseudonym: z.string().nullable(),
});
export type Group = z.infer<typeof GroupSchema>;

export const GroupListSchema = z.object({ groups: z.array(GroupSchema) });
export type GroupList = z.infer<typeof GroupListSchema>;

export const InviteSchema = z.object({
  /** Shown once, when the invite is made; only its hash is stored. */
  code: z.string(),
  expiresAt: z.iso.datetime(),
});
export type Invite = z.infer<typeof InviteSchema>;

export const InviteCodeSchema = z.string().trim().min(16).max(128);

export const InvitePreviewRequestSchema = z.object({ code: InviteCodeSchema });
export const InvitePreviewSchema = z.object({
  groupName: z.string(),
  groupDescription: z.string(),
});
export type InvitePreview = z.infer<typeof InvitePreviewSchema>;

export const RedeemInviteRequestSchema = z.object({
  code: InviteCodeSchema,
  pseudonym: PseudonymSchema,
  /** Required when nobody is logged in: the account to create. */
  account: CredentialsSchema.optional(),
});
export type RedeemInviteRequest = z.infer<typeof RedeemInviteRequestSchema>;

export const RedeemInviteResultSchema = z.object({ me: MeSchema, group: GroupSchema });
export type RedeemInviteResult = z.infer<typeof RedeemInviteResultSchema>;
