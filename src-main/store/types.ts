/** The backend-neutral store contract lives in `src-shared` so storage plugins implement the same one. */
export * from '../../src-shared/store/types.js';
