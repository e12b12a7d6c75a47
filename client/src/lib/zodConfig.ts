import { z } from 'zod';

// Zod otherwise probes `new Function` while building object schemas; under the strict CSP that
// probe is reported as a violation even though Zod recovers. It must run before any schema
// exists, which is why main.tsx imports this module first.
z.config({ jitless: true });
