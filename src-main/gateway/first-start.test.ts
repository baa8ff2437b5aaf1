import { rmSync, statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { MethodResult } from '../../src-shared/protocol/index.js';
import { makeTempState, type TempState } from '../../test-support/state-dir.js';
import { configureLogging } from '../logging/index.js';
import { startGateway } from './start.js';

let state: TempState | undefined;
afterEach(() => state?.cleanup());

async function statusOnce(env: NodeJS.ProcessEnv): Promise<MethodResult<'status'>> {
  // A first start writes a starter config without logging.file: the test's own log comes from the environment.
  const gw = await startGateway({ port: 0, env: { ...env, OPENCLAW_LOG_FILE: state?.logFile ?? env.OPENCLAW_LOG_FILE } });
  try {
    const r = await gw.createLocalClient().call('status', {});
    if (!r.ok) throw new Error(r.error.message);
    return r.value as MethodResult<'status'>;
  } finally {
    await gw.close('test done');
  }
}

describe('first start: what the first-run screen is told', () => {
  it('reports the generated token file and a first start once, then an ordinary start', async () => {
    state = makeTempState();
    configureLogging({ file: state.logFile, console: false });
    // A fresh machine: no config file, no token.
    rmSync(state.configPath);
    const first = await statusOnce(state.env);
    expect(first.host).toMatchObject({ firstStart: true, configPath: state.configPath, tokenPath: expect.stringMatching(/credentials[/\\]gateway\.token$/) });
    if (process.platform !== 'win32') expect(statSync(first.host!.tokenPath!).mode & 0o777).toBe(0o600);

    const second = await statusOnce(state.env);
    expect(second.host).toMatchObject({ firstStart: false, tokenPath: first.host!.tokenPath });
  });

  it('names no token file when the token comes from the config', async () => {
    state = makeTempState({ gateway: { auth: { mode: 'token', token: 'configured-token-0123456789' } } });
    configureLogging({ file: state.logFile, console: false });
    const s = await statusOnce(state.env);
    expect(s.host?.tokenPath).toBeUndefined();
    expect(s.host?.firstStart).toBe(false);
  });
});
