/**
 * The Matrix channel: one Matrix account on any homeserver through
 * matrix-js-sdk's `/sync` loop. Two-person rooms (or rooms in `m.direct`)
 * are direct messages, keyed by the other person's user id; other rooms are
 * groups with mention gating. Replies are sent as Matrix HTML.
 */
import { channelFactsFromManifest, defineChannel } from '../../../src-shared/plugin/api.js';
import manifest from '../openclaw.plugin.json' with { type: 'json' };
import { MatrixAdapter } from './adapter.js';
import { findMatrixConfigProblem } from './settings.js';

const facts = channelFactsFromManifest(manifest, 'matrix');

/** What Matrix can do, for core's chunking, formatting and liveness (from the manifest). */
export const MATRIX_CAPABILITIES = facts.capabilities;

/** The Matrix channel. */
export const matrixChannel = defineChannel({
  id: 'matrix',
  label: facts.label,
  capabilities: MATRIX_CAPABILITIES,
  checkConfig(config) {
    const problem = findMatrixConfigProblem(config);
    return problem ? { ok: false, reason: problem } : { ok: true };
  },
  create: (_account, ctx) => new MatrixAdapter(ctx, MATRIX_CAPABILITIES.livenessMs),
});
