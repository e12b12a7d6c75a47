import { writeFileSync } from 'node:fs';
import { renderProtocolDoc } from '@hearth/shared/protocol-doc';

writeFileSync(new URL('../docs/protocol.md', import.meta.url), renderProtocolDoc());
