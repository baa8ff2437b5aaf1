import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, spawnGatewayWithState, stopGatewayWithState, type SpawnedGateway } from '../../test-support/gateway.js';
import { waitForLogLine } from '../../test-support/log-wait.js';
import type { TempState } from '../../test-support/state-dir.js';

/** A fresh install: no provider, no model. The user is told so in words, and nothing pretends to be an answer. */
describe('openclaw with no model set up', () => {
  let s: TempState;
  let g: SpawnedGateway;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => void ({ s, g, env } = await spawnGatewayWithState()));
  afterAll(() => stopGatewayWithState(g, s));

  it('agent --message says no model is set up and how to add one; no TypeError', async () => {
    const r = await runCli(['agent', '--message', 'hi'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no model is set up/);
    expect(r.stderr).toMatch(/agents\.defaults\.model\.primary/);
    expect(r.stderr).not.toMatch(/contextWindow|TypeError|Cannot read/);
    await waitForLogLine(s.logFile, /turn refused: no usable model/);
  });

  it('nothing is saved as if the agent had answered', async () => {
    await runCli(['agent', '--message', 'hello again'], env);
    const h = await runCli(['gateway', 'call', 'chat.history', '--params', '{"sessionKey":"agent:main:main","limit":20}'], env);
    expect(h.code).toBe(0);
    const roles = (JSON.parse(h.stdout) as { messages: { role: string }[] }).messages.map((m) => m.role);
    expect(roles).not.toContain('assistant');
  });

  it('health and status say that no model is set up', async () => {
    const j = await runCli(['health', '--json'], env);
    expect(JSON.parse(j.stdout).models).toMatchObject({ ok: false, agents: [{ agentId: 'main', models: [], usable: [] }], problems: [expect.stringMatching(/no model is set up/)] });
    const text = await runCli(['health'], env);
    expect(text.stdout).toMatch(/Models: NOT SET UP for main/);
    expect((await runCli(['status'], env)).stdout).toMatch(/Models: NOT SET UP for main/);
  });
});
