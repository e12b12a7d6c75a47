import { z } from 'zod';

/**
 * An id: a UUID, in its canonical lower case. Ids name socket channels and are compared as
 * strings, so "4A3B…" and "4a3b…" must arrive as one and the same id.
 */
export const idSchema = () => z.uuid().toLowerCase();
