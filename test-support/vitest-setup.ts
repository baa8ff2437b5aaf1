/**
 * Every vitest worker starts with its log going to a private temp file: a part that logs before (or without)
 * a gateway configuring logging never writes to the shared default log. Gateways started by a test
 * configure their own file from their temp config.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configureLogging } from '../src-main/logging/index.js';

configureLogging({ file: join(mkdtempSync(join(tmpdir(), 'openclaw-vitest-')), 'test.log'), console: false });
