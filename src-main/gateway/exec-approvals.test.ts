import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import JSON5 from 'json5';
import { endsWithToolResult, lastUserText, type ScriptRequest } from '../../test-support/fake-model-script.js';
import { FakeOpenAIServer } from '../../test-support/fake-openai.js';
import { runCli, startTestGateway, type TestGateway } from '../../test-support/gateway.js';
import { ExecApprovals } from '../agents/exec-approvals.js';

const TOKEN = 'exec-approvals-token-0123456789';

/** The agent asks to run `uname -s` (not on the allow-list); once a tool result is back, it reports it word for word. */
const script = (req: ScriptRequest) => {
  if (!endsWithToolResult(req)) return { toolCalls: [{ name: 'exec', input: { argv: ['uname', '-s'] } }] };
  const last = req.messages.at(-1) as { content?: unknown };
  return { text: `tool said: ${typeof last.content === 'string' ? last.content : JSON.stringify(last.content)} (asked: ${lastUserText(req)})` };
};

/**
 * `tools.exec.ask: on-miss`: a program outside the allow-list asks the owner instead of failing. The owner
 * answers through `exec.approval.resolve` (Control UI, CLI): allow once, allow always (added to the
 * allow-list in the config file), or deny; the turn waits for the answer and the agent sees the outcome.
 */
describe('exec approvals', () => {
  let model: FakeOpenAIServer | undefined;
  let t: TestGateway | undefined;
  afterEach(async () => {
    await t?.close();
    await model?.close();
  });

  const start = async (ask: 'on-miss' | 'off') => {
    model = new FakeOpenAIServer({ script });
    await model.start();
    t = await startTestGateway({
      config: {
        gateway: { auth: { mode: 'token', token: TOKEN } },
        models: { providers: { fake: { baseUrl: `${model.baseUrl}/v1`, apiKey: 'x', api: 'openai-completions', models: [{ id: 'm' }] } } },
        agents: { defaults: { model: { primary: 'fake/m' } } },
        tools: { exec: { allow: [], ask } },
      },
    });
    const c = await t.operator({ scopes: ['operator.read', 'operator.write', 'operator.approvals', 'operator.admin'] });
    const requested: { id: string; argv: string[]; sessionKey: string; expiresAtMs: number }[] = [];
    let heard: () => void = () => undefined;
    c.on((event, p: any) => {
      if (event === 'exec.approval.requested') {
        requested.push(p);
        heard();
      }
    });
    const nextRequest = () => new Promise<{ id: string; argv: string[]; sessionKey: string; expiresAtMs: number }>((resolve) => (heard = () => resolve(requested.at(-1)!)));
    const turn = async (message: string, key: string) => {
      const { runId } = await c.call<any>('chat.send', { sessionKey: 'agent:main:main', message, idempotencyKey: key });
      return runId as string;
    };
    const reply = async (runId: string) => {
      await c.call('agent.wait', { runId, timeoutMs: 20_000 });
      const h = await c.call<any>('chat.history', { sessionKey: 'agent:main:main', limit: 100 });
      return h.messages.filter((m: any) => m.role === 'assistant').map((m: any) => m.content.find((b: any) => b.type === 'text')?.text).filter(Boolean).at(-1) as string;
    };
    return { c, nextRequest, turn, reply, requested };
  };

  it('waits for the owner: allow once runs it this time only, deny refuses it, allow always adds it to the allow-list', async () => {
    const { c, nextRequest, turn, reply, requested } = await start('on-miss');
    let asked = nextRequest();
    const first = await turn('what system is this?', 'k1');
    const q = await asked;
    expect(q).toMatchObject({ argv: ['uname', '-s'], sessionKey: 'agent:main:main' });
    // The question as the reference clients read it: the event, the list (an array) and get carry `request.command`.
    const shown = { command: 'uname -s', commandArgv: ['uname', '-s'], sessionKey: 'agent:main:main', agentId: 'main', host: 'gateway', allowedDecisions: ['allow-once', 'allow-always', 'deny'] };
    expect(q).toMatchObject({ approvalKind: 'exec', request: shown });
    expect((await c.call<any>('exec.approval.list', {})).map((a: any) => a.id)).toEqual([q.id]);
    expect(await c.call<any>('exec.approval.get', { id: q.id })).toMatchObject({ id: q.id, commandText: 'uname -s', commandPreview: null, allowedDecisions: shown.allowedDecisions, host: 'gateway', nodeId: null, agentId: 'main', expiresAtMs: q.expiresAtMs, request: shown });
    await c.call('exec.approval.resolve', { id: q.id, decision: 'allow-once' });
    expect(await reply(first)).toMatch(/^tool said: [^]*Linux/);
    expect(await c.call<any>('exec.approval.list', {})).toEqual([]);

    // Allowed once: the next turn asks again; denied, the agent is told so.
    asked = nextRequest();
    const second = await turn('and again?', 'k2');
    await c.call('exec.approval.resolve', { id: (await asked).id, decision: 'deny' });
    expect(await reply(second)).toMatch(/tool said: [^]*The owner did not allow running uname/);
    // An answer to a question that is gone is an error in words.
    await expect(c.call('exec.approval.resolve', { id: q.id, decision: 'allow-once' })).rejects.toThrow(/no exec approval .* is waiting/);

    // Always: written to the config's allow-list, and the next turn runs without asking.
    asked = nextRequest();
    const third = await turn('once more', 'k3');
    await c.call('exec.approval.resolve', { id: (await asked).id, decision: 'allow-always' });
    expect(await reply(third)).toMatch(/^tool said: [^]*Linux/);
    expect(JSON5.parse(readFileSync(t!.state.configPath, 'utf8')).tools.exec.allow).toEqual(['uname']);
    const before = requested.length;
    const fourth = await turn('last time', 'k4');
    expect(await reply(fourth)).toMatch(/^tool said: [^]*Linux/);
    expect(requested.length).toBe(before);
    expect(await c.call<any>('exec.approvals.get', {})).toMatchObject({
      ask: 'on-miss',
      allow: ['uname'],
      // The reference clients' view of the same policy.
      path: t!.state.configPath,
      exists: true,
      hash: expect.stringMatching(/\S/),
      file: { version: 1, defaults: { security: 'allowlist', ask: 'on-miss', askFallback: 'deny' }, agents: { '*': { allowlist: [{ pattern: 'uname' }] } } },
    });
  }, 60_000);

  it('openclaw approvals lists the question and answers it', async () => {
    const { nextRequest, turn, reply } = await start('on-miss');
    const env = { ...t!.state.env, OPENCLAW_GATEWAY_PORT: String(t!.gw.port), OPENCLAW_GATEWAY_TOKEN: TOKEN };
    const asked = nextRequest();
    const run = await turn('what system is this?', 'c1');
    const q = await asked;
    const listed = await runCli(['approvals', 'list'], env);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain(q.id);
    expect(listed.stdout).toContain('uname -s');
    const allowed = await runCli(['approvals', 'allow', q.id], env);
    expect(allowed.stdout).toBe('Allowed this once.\n');
    expect(await reply(run)).toMatch(/^tool said: [^]*Linux/);
    const gone = await runCli(['approvals', 'deny', q.id], env);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/no exec approval .* is waiting/);
  }, 60_000);

  it('without ask, a program outside the allow-list fails at once as before', async () => {
    const { turn, reply, requested } = await start('off');
    expect(await reply(await turn('what system is this?', 'k1'))).toMatch(/Program not allowed: uname/);
    expect(requested).toEqual([]);
  }, 30_000);

  it('an unanswered question counts as denied when its time is up, and says so to every client', async () => {
    const events: [string, unknown][] = [];
    const approvals = new ExecApprovals((e, p) => events.push([e, p]));
    const decision = await approvals.ask({ argv: ['rm', '-r', 'x'], cwd: '.', agentId: 'main', sessionKey: 'agent:main:main' }, 30);
    expect(decision).toBe('deny');
    expect(events.map(([e]) => e)).toEqual(['exec.approval.requested', 'exec.approval.resolved']);
    expect(events[1]![1]).toMatchObject({ decision: 'expired' });
    expect(approvals.list()).toEqual([]);
  });
});
