import { migration001 } from './001-initial.js';
import { migration002 } from './002-sessions-queue.js';
import { migration003 } from './003-channel-pairing.js';
import { migration004 } from './004-outbox.js';
import { migration005 } from './005-usage.js';
import { migration006 } from './006-node-approvals.js';
import { migration007 } from './007-session-archive.js';
import { migration008 } from './008-shared-queue.js';
import { migration009 } from './009-cron-jobs.js';
import type { Migration } from './types.js';

export type { Migration } from './types.js';

/**
 * Every migration, in order. To change the schema, add `NNN-what.ts` exporting
 * `migrationNNN` and append it here; never edit a migration that has shipped.
 */
export const MIGRATIONS: readonly Migration[] = [migration001, migration002, migration003, migration004, migration005, migration006, migration007, migration008, migration009];
