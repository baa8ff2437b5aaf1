/** One schema change, in each dialect; `version` equals the number in the file name. */
export type { StoreMigration as Migration } from '../types.js';
