// Exits its process in the middle of a call. Counts its starts in its data folder.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';

export default {
  id: 'crashes',
  register(api) {
    appendFileSync(join(api.dataDir, 'starts'), 'x');
    api.registerTool({ name: 'crash', description: 'Exits the process.', schema: { type: 'object' }, execute: () => process.exit(3) });
    api.registerTool({ name: 'crash_later', description: 'Throws from a timer.', schema: { type: 'object' }, execute: () => { setTimeout(() => { throw new Error('late boom'); }, 1); return 'soon'; } });
    api.registerTool({ name: 'ok', description: 'Works.', schema: { type: 'object' }, execute: () => 'ok' });
  },
};
