import { z } from 'zod';
import { idSchema } from './ids.ts';
import { CredentialsSchema, MeSchema } from './auth.ts';
import { AgreementSchema } from './agreements.ts';
import { CwCategoryListSchema, defaultCwCategories } from './contentWarnings.ts';
import { limits } from './limits.ts';

export const groupRoles = ['lead_facilitator', 'facilitator', 'participant'] as const;
export const GroupRoleSchema = z.enum(groupRoles);
export type GroupRole = z.infer<typeof GroupRoleSchema>;

export const facilitatorRoles = ['lead_facilitator', 'facilitator'] as const;
export const FacilitatorRoleSchema = z.enum(facilitatorRoles);

/** Where a person stands in a group: in it, waiting for approval, or waiting for a place. */
export const membershipStatuses = ['active', 'pending', 'waitlisted', 'banned'] as const;
export const MembershipStatusSchema = z.enum(membershipStatuses);
export type MembershipStatus = z.infer<typeof MembershipStatusSchema>;

export const PseudonymSchema = z
  .string()
  .trim()
  .min(limits.pseudonymMin, `A name in the group has at least ${limits.pseudonymMin} characters.`)
  .max(limits.pseudonymMax, `A name in the group has at most ${limits.pseudonymMax} characters.`);

export const CrisisResourceSchema = z
  .object({
    name: z.string().trim().min(2).max(80),
    phone: z.string().trim().max(40).optional(),
    text: z.string().trim().max(80).optional(),
    link: z
      .url({ protocol: /^https?$/, message: 'A link starts with https:// or http://.' })
      .max(300)
      .optional(),
    hours: z.string().trim().max(80).optional(),
  })
  .refine((r) => r.phone || r.text || r.link, 'Give a phone number, a text line or a link.');
export type CrisisResource = z.infer<typeof CrisisResourceSchema>;

/** Everything an organiser decides about a group. */
export const GroupSettingsSchema = z.object({
  name: z.string().trim().min(1).max(limits.groupNameMax),
  description: z.string().trim().max(limits.groupDescriptionMax),
  capacity: z.number().int().min(limits.groupCapacityMin).max(limits.groupCapacityMax),
  waitingRoom: z.boolean(),
  approvalRequired: z.boolean(),
  /** Hours after a session ends until its content is deleted; 0 deletes it at close. */
  retentionHours: z.number().int().min(0).max(limits.retentionHoursMax),
  contentWarnings: CwCategoryListSchema,
  crisisResources: z.array(CrisisResourceSchema).max(limits.crisisResourcesMax),
});
export type GroupSettings = z.infer<typeof GroupSettingsSchema>;

export const groupDefaults = {
  description: '',
  capacity: 12,
  waitingRoom: true,
  approvalRequired: false,
  retentionHours: 24,
  contentWarnings: defaultCwCategories,
  crisisResources: [],
} satisfies Omit<GroupSettings, 'name'>;

export const CreateGroupRequestSchema = GroupSettingsSchema.partial()
  .required({ name: true })
  .extend({
    /** The name the creating organiser, who becomes the group's lead facilitator, is shown under. */
    pseudonym: PseudonymSchema,
  });
export type CreateGroupRequest = z.infer<typeof CreateGroupRequestSchema>;

export const UpdateGroupRequestSchema = GroupSettingsSchema.partial().refine(
  (value) => Object.keys(value).length > 0,
  'Say what to change.',
);
export type UpdateGroupRequest = z.infer<typeof UpdateGroupRequestSchema>;

/** A group as one of its lists shows it. */
export const GroupSchema = z.object({
  id: idSchema(),
  name: z.string(),
  description: z.string(),
  /** The viewer's role in the group, or null when the viewer is an organiser who is not a member. */
  myRole: GroupRoleSchema.nullable(),
  myPseudonym: z.string().nullable(),
  myStatus: MembershipStatusSchema.nullable(),
});
export type Group = z.infer<typeof GroupSchema>;

export const GroupListSchema = z.object({ groups: z.array(GroupSchema) });
export type GroupList = z.infer<typeof GroupListSchema>;

export const FacilitatorSchema = z.object({
  memberId: idSchema(),
  pseudonym: z.string(),
  role: FacilitatorRoleSchema,
});

/** One group, whole, as its members and organisers see it. */
export const GroupDetailSchema = GroupSchema.extend(GroupSettingsSchema.shape).extend({
  agreement: AgreementSchema.nullable(),
  facilitators: z.array(FacilitatorSchema),
  /** Active participants, for the capacity. */
  participantCount: z.number().int(),
  /** The viewer's place on the waitlist (1 is next), when waitlisted. */
  myWaitlistPosition: z.number().int().min(1).nullable(),
});
export type GroupDetail = z.infer<typeof GroupDetailSchema>;

export const GroupMemberSchema = z.object({
  memberId: idSchema(),
  pseudonym: z.string(),
  role: GroupRoleSchema,
  status: MembershipStatusSchema,
  joinedAt: z.iso.datetime(),
  waitlistPosition: z.number().int().min(1).nullable(),
});
export type GroupMember = z.infer<typeof GroupMemberSchema>;
export const MemberListSchema = z.object({ members: z.array(GroupMemberSchema) });
export type MemberList = z.infer<typeof MemberListSchema>;

export const MemberParamsSchema = z.object({ groupId: idSchema(), memberId: idSchema() });

export const AssignFacilitatorRequestSchema = z.object({
  /** An existing account, named by its username. */
  username: z.string().trim().min(1).max(limits.usernameMax),
  /** Needed when the account is not yet a member of the group. */
  pseudonym: PseudonymSchema.optional(),
  role: FacilitatorRoleSchema,
});
export type AssignFacilitatorRequest = z.infer<typeof AssignFacilitatorRequestSchema>;

export const ChangeRoleRequestSchema = z.object({ role: GroupRoleSchema });

export const inviteRoles = ['participant', 'facilitator'] as const;
export const InviteRoleSchema = z.enum(inviteRoles);

export const CreateInviteRequestSchema = z
  .object({
    role: InviteRoleSchema.default('participant'),
    expiresInDays: z.number().int().min(1).max(limits.inviteDaysMax).default(7),
    /** How many people may use it; none means any number until it expires. */
    maxUses: z.number().int().min(1).max(500).optional(),
  })
  .default({ role: 'participant', expiresInDays: 7 });
export type CreateInviteRequest = z.input<typeof CreateInviteRequestSchema>;

export const inviteStates = ['active', 'expired', 'revoked', 'used_up'] as const;

export const InviteSummarySchema = z.object({
  id: idSchema(),
  role: InviteRoleSchema,
  state: z.enum(inviteStates),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
  maxUses: z.number().int().nullable(),
  uses: z.number().int(),
});
export type InviteSummary = z.infer<typeof InviteSummarySchema>;
export const InviteListSchema = z.object({ invites: z.array(InviteSummarySchema) });

export const InviteSchema = InviteSummarySchema.extend({
  /** Shown once, when the invite is made; only its hash is stored. */
  code: z.string(),
});
export type Invite = z.infer<typeof InviteSchema>;

export const InviteParamsSchema = z.object({ groupId: idSchema(), inviteId: idSchema() });

export const InviteCodeSchema = z.string().trim().min(16).max(128);

export const InvitePreviewRequestSchema = z.object({ code: InviteCodeSchema });
export const InvitePreviewSchema = z.object({
  groupName: z.string(),
  groupDescription: z.string(),
  role: InviteRoleSchema,
  approvalRequired: z.boolean(),
  /** True when the group is full and a new participant would wait for a place. */
  full: z.boolean(),
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
