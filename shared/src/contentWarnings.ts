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

/**
 * Curated terms per default category. A message whose text matches a term of a category the
 * group marks as requiring a warning prompts its author to add that warning; the author decides.
 * Terms are matched as whole words, ignoring case; a trailing `*` matches any ending.
 */
export const cwCuratedTerms: Record<string, readonly string[]> = {
  'sexual-violence': ['rape*', 'raping', 'sexual assault*', 'sexually assaulted', 'molest*', 'groped', 'grope*', 'forced me', 'coerced', 'assaulted me'],
  'child-abuse': ['when i was a child', 'when i was little', 'as a kid', 'abused as a child', 'childhood abuse', 'my abuser was my', 'incest'],
  'self-harm': ['self-harm*', 'self harm*', 'cutting myself', 'cut myself', 'hurt myself', 'hurting myself', 'burned myself'],
  suicide: ['suicid*', 'kill myself', 'end my life', 'ending my life', 'want to die', 'better off dead', 'overdose*'],
  'physical-violence': ['beat me', 'beaten', 'hit me', 'punched', 'strangled', 'choked me', 'choking', 'kicked me'],
  'domestic-abuse': ['domestic abuse', 'domestic violence', 'my abusive partner', 'coercive control'],
  'substance-use': ['drunk', 'alcohol', 'drugged', 'spiked', 'relapse*'],
  eating: ['binge*', 'purg*', 'starv*', 'anorexi*', 'bulimi*'],
  medical: ['hospital', 'examination', 'forensic exam*', 'surgery'],
  'police-courts': ['police', 'court', 'trial', 'testif*', 'statement to'],
  pregnancy: ['pregnan*', 'miscarriage', 'abortion'],
};

function termPattern(term: string): RegExp {
  const open = term.endsWith('*');
  const words = (open ? term.slice(0, -1) : term)
    .split(/\s+/)
    .map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('\\s+');
  return new RegExp(`(^|[^\\p{L}\\p{N}])${words}${open ? '' : '(?![\\p{L}\\p{N}])'}`, 'iu');
}

const compiledTerms = new Map<string, RegExp[]>(
  Object.entries(cwCuratedTerms).map(([key, terms]) => [key, terms.map(termPattern)]),
);

/**
 * The categories a message's text touches, among those the group requires a warning for and
 * the author has not chosen already. Only a suggestion: the author decides.
 */
export function suggestWarnings(
  text: string,
  categories: readonly CwCategory[],
  chosen: readonly string[] = [],
): CwCategory[] {
  return categories.filter(
    (category) =>
      category.requiresWarning &&
      !chosen.includes(category.key) &&
      (compiledTerms.get(category.key) ?? []).some((pattern) => pattern.test(text)),
  );
}
