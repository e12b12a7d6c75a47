import { z } from 'zod';
import { idSchema } from './ids.ts';

/** The body of a POST that carries no data: an empty JSON object (or none at all). */
export const EmptyRequestSchema = z.object({}).optional();

export const GroupParamsSchema = z.object({ groupId: idSchema() });

/** What `/readyz` answers: each dependency's state, never more than "ok" or "failed". */
export const ReadinessSchema = z.object({
  status: z.enum(['ready', 'degraded']),
  checks: z.record(z.string(), z.enum(['ok', 'failed'])),
});
export type Readiness = z.infer<typeof ReadinessSchema>;
