/**
 * Every vitest worker starts with its log going to a private temp file: a part that logs before (or without)
 * a gateway configuring logging never writes to the shared default log. Gateways started by a test
 * configure their own file from their temp config.
 *
 * Config loaded outside a gateway is checked against the bundled channels' manifests, as the CLI does
 * (a gateway a test starts installs its own checker, which also knows installed plugins).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHANNEL_SHARED_KEYS } from '../src-shared/domain/config-schema.js';
import { setChannelIdsChecker } from '../src-main/config/channel-check.js';
import { configureLogging } from '../src-main/logging/index.js';
import { staticChannelChecker } from '../src-main/plugins/static-check.js';

const scratch = mkdtempSync(join(tmpdir(), 'openclaw-vitest-'));
configureLogging({ file: join(scratch, 'test.log'), console: false });
setChannelIdsChecker(
  staticChannelChecker({
    stateDir: scratch,
    bundledDir: fileURLToPath(new URL('../extensions', import.meta.url)),
    sharedKeys: CHANNEL_SHARED_KEYS,
  }),
);
