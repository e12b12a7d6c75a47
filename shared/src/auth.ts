import { z } from 'zod';
import { idSchema } from './ids.ts';
import { limits } from './limits.ts';

export const UsernameSchema = z
  .string()
  .trim()
  .min(limits.usernameMin, `A username has at least ${limits.usernameMin} characters.`)
  .max(limits.usernameMax, `A username has at most ${limits.usernameMax} characters.`)
  .regex(/^[A-Za-z0-9_.-]+$/, 'A username uses letters, digits, dots, dashes and underscores only.');

export const PasswordSchema = z
  .string()
  .min(limits.passwordMin, `A password has at least ${limits.passwordMin} characters.`)
  .max(limits.passwordMax, `A password has at most ${limits.passwordMax} characters.`);

export const EmailSchema = z.email('That does not look like an email address.').max(254);

export const CredentialsSchema = z.object({
  username: UsernameSchema,
  password: PasswordSchema,
  /** Optional: Hearth works without it. */
  email: EmailSchema.optional(),
});
export type Credentials = z.infer<typeof CredentialsSchema>;

export const LoginRequestSchema = z.object({
  username: z.string().trim().min(1).max(limits.usernameMax),
  password: z.string().min(1).max(limits.passwordMax),
});
export type LoginRequest = z.infer<typeof LoginRequestSchema>;

export const SetupStatusSchema = z.object({ needed: z.boolean() });
export type SetupStatus = z.infer<typeof SetupStatusSchema>;

export const SetupRequestSchema = CredentialsSchema.extend({
  token: z.string().min(16).max(128),
});
export type SetupRequest = z.infer<typeof SetupRequestSchema>;

export const MeSchema = z.object({
  id: idSchema(),
  username: z.string(),
  isOrganiser: z.boolean(),
  email: z.string().nullable(),
});
export type Me = z.infer<typeof MeSchema>;

export const ChangePasswordRequestSchema = z.object({
  currentPassword: z.string().min(1).max(limits.passwordMax),
  newPassword: PasswordSchema,
});
export type ChangePasswordRequest = z.infer<typeof ChangePasswordRequestSchema>;

/** Erasing an account cannot be undone, so the password is asked for again. */
export const EraseAccountRequestSchema = z.object({ password: z.string().min(1).max(limits.passwordMax) });
export type EraseAccountRequest = z.infer<typeof EraseAccountRequestSchema>;

export const UpdateAccountRequestSchema = z.object({ email: EmailSchema.nullable() });
export type UpdateAccountRequest = z.infer<typeof UpdateAccountRequestSchema>;
