import { z } from 'zod';

export const CwCategorySchema = z.object({
  key: z
    .string()
    .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'A category key uses lower-case letters, digits and dashes.')
    .max(40),
  label: z.string().trim().min(2).max(60),
  /** When true, a message touching this category should carry a warning (the author decides). */
  requiresWarning: z.boolean(),
});
export type CwCategory = z.infer<typeof CwCategorySchema>;

export const CwCategoryListSchema = z
  .array(CwCategorySchema)
  .max(30)
  .refine((list) => new Set(list.map((c) => c.key)).size === list.length, 'Each category key appears once.');

/**
 * The categories a new group starts with. The ones most likely to overwhelm someone without
 * notice require a warning; organisers can change all of it per group.
 */
export const defaultCwCategories: CwCategory[] = [
  { key: 'sexual-violence', label: 'Sexual violence', requiresWarning: true },
  { key: 'child-abuse', label: 'Abuse in childhood', requiresWarning: true },
  { key: 'self-harm', label: 'Self-harm', requiresWarning: true },
  { key: 'suicide', label: 'Suicide', requiresWarning: true },
  { key: 'physical-violence', label: 'Physical violence', requiresWarning: true },
  { key: 'domestic-abuse', label: 'Domestic abuse', requiresWarning: false },
  { key: 'substance-use', label: 'Alcohol and drugs', requiresWarning: false },
  { key: 'eating', label: 'Eating and food', requiresWarning: false },
  { key: 'medical', label: 'Medical care and bodies', requiresWarning: false },
  { key: 'police-courts', label: 'Police and courts', requiresWarning: false },
  { key: 'pregnancy', label: 'Pregnancy', requiresWarning: false },
];
