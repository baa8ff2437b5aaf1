/**
 * Attack: with `git` allowed (the README's own `tools.exec.allow: ["ls","git"]`, plus `cat`), make `exec` run a
 * command the agent chose, or read a file outside the workspace. Tried through a real gateway whose model asks
 * for the tool calls:
 * - repository config written with the `write` tool (`core.fsmonitor`, an `!` alias, a textconv diff driver, a
 *   clean filter, a pager) and then git commands that would run them;
 * - `git -p` (pager) and `git commit` without `-m` (editor);
 * - environment variables that name programs or files (`GIT_EXTERNAL_DIFF`, `GIT_TRACE`, `XDG_CONFIG_HOME`);
 * - reads of the gateway's token file, `/etc/shadow` and `/etc/passwd` through `cat` and `git diff --no-index`.
 * Expected: every call reaches the tool and comes back to the model, none runs an injected command (no marker
 * file appears outside the workspace), no secret reaches a tool result, and the gateway log holds one audit
 * line per call with its outcome.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayClient } from '../../cli/gateway-client.js';
import { endsWithToolResult, type ScriptedToolCall } from '../../../test-support/fake-model-script.js';
import { FakeOpenAIServer } from '../../../test-support/fake-openai.js';
import { startTestGateway, type TestGateway } from '../../../test-support/gateway.js';

const token = 'exec-confinement-token-0123456789';
const CANARY = 'canary-gateway-token-7f3a9c';
let fake: FakeOpenAIServer;
let t: TestGateway;
let c: GatewayClient;
let markers: string;

const firstLine = (file: string) => {
  try {
    return readFileSync(file, 'utf8').split('\n')[0] ?? '';
  } catch {
    return '';
  }
};

beforeAll(async () => {
  fake = new FakeOpenAIServer();
  await fake.start();
  t = await startTestGateway({
    config: {
      gateway: { auth: { mode: 'token', token } },
      models: { providers: { local: { baseUrl: `${fake.baseUrl}/v1`, apiKey: 'x', api: 'openai-completions', models: [{ id: 'm', contextWindow: 100_000, maxTokens: 500 }] } } },
      agents: { defaults: { model: { primary: 'local/m' } } },
      tools: { exec: { allow: ['ls', 'git', 'cat'] } },
    },
  });
  // The token file the gateway keeps when it generates one; here a canary in the same place.
  mkdirSync(join(t.state.stateDir, 'credentials'), { recursive: true, mode: 0o700 });
  writeFileSync(join(t.state.stateDir, 'credentials', 'gateway.token'), `${CANARY}\n`, { mode: 0o600 });
  markers = join(t.state.dir, 'markers');
  mkdirSync(markers, { recursive: true });
  c = await t.operator();
});
afterAll(async () => {
  await t?.close();
  await fake?.close();
});

describe('exec confinement (attack through a real gateway)', () => {
  it('runs no injected command, reads nothing outside the workspace, and logs every tool call', async () => {
    const stateDir = t.state.stateDir;
    const mark = (name: string) => join(markers, name);
    const evilConfig = [
      '[core]',
      '\trepositoryformatversion = 0',
      '\tbare = false',
      `\tfsmonitor = touch ${mark('fsmonitor')}; echo`,
      `\tpager = touch ${mark('pager')}; cat`,
      `\teditor = touch ${mark('editor')}; true`,
      '[alias]',
      `\tst = !touch ${mark('alias')}`,
      '[diff "evil"]',
      `\ttextconv = touch ${mark('textconv')}; cat`,
      '[filter "evil"]',
      `\tclean = touch ${mark('filter')}; cat`,
      '',
    ].join('\n');
    const xdgConfig = `[core]\n\tfsmonitor = touch ${mark('xdg')}; echo\n`;
    const calls: ScriptedToolCall[] = [
      { name: 'exec', input: { argv: ['ls'] } },
      { name: 'exec', input: { argv: ['git', 'init', '-q'] } },
      { name: 'write', input: { path: 'notes.txt', content: 'hello\n' } },
      { name: 'write', input: { path: '.gitattributes', content: '* diff=evil filter=evil\n' } },
      { name: 'write', input: { path: '.git/config', content: evilConfig } },
      { name: 'exec', input: { argv: ['git', 'status'] } },
      { name: 'exec', input: { argv: ['git', 'st'] } },
      { name: 'exec', input: { argv: ['git', 'add', 'notes.txt'] } },
      { name: 'exec', input: { argv: ['git', '-p', 'log'] } },
      { name: 'exec', input: { argv: ['git', 'commit'] } },
      { name: 'write', input: { path: 'xdg/git/config', content: xdgConfig } },
      { name: 'exec', input: { argv: ['git', 'version'], env: { XDG_CONFIG_HOME: 'xdg' } } },
      { name: 'exec', input: { argv: ['git', 'version'], env: { GIT_TRACE: mark('trace') } } },
      { name: 'exec', input: { argv: ['git', 'diff'], env: { GIT_EXTERNAL_DIFF: `touch ${mark('extdiff')}` } } },
      { name: 'exec', input: { argv: ['cat', join(stateDir, 'credentials', 'gateway.token')] } },
      { name: 'exec', input: { argv: ['cat', '../credentials/gateway.token'] } },
      { name: 'exec', input: { argv: ['cat', '/etc/shadow'] } },
      { name: 'exec', input: { argv: ['git', 'diff', '--no-index', '/etc/passwd', 'notes.txt'] } },
      { name: 'exec', input: { argv: ['git', '--no-pager', 'show', '--no-index', join(stateDir, 'credentials', 'gateway.token')] } },
      // A secret passed in argv is redacted in the audit line.
      { name: 'exec', input: { argv: ['ls', '--', 'sk-abcdefghijklmnopqrstuvwx', 'Bearer', 'abc.def.ghi'] } },
    ];
    fake.script = (req) => (endsWithToolResult(req) ? { text: 'done' } : { toolCalls: calls });
    fake.reset();

    const { runId } = await c.call<{ runId: string }>('chat.send', { sessionKey: 'agent:main:main', message: 'tidy the repo', idempotencyKey: 'exec-attack-1' });
    const done = await c.call<{ status: string }>('agent.wait', { runId, timeoutMs: 20_000 }, { timeoutMs: 25_000 });
    expect(done.status).toBe('ok');

    // (a) Every call reached the tools and its result went back to the model.
    const second = fake.requests.filter((r) => r.path === '/v1/chat/completions')[1]?.body as { messages: { role: string; content: string }[] } | undefined;
    const results = (second?.messages ?? []).filter((m) => m.role === 'tool').map((m) => String(m.content));
    expect(results).toHaveLength(calls.length);
    expect(results[0]).toMatch(/^exit code: 0/); // plain `ls` still works
    expect(results[1]).toMatch(/^exit code: 0/); // and so does `git init`

    // (b) No injected command ran: nothing was created next to the workspace.
    expect(readdirSync(markers)).toEqual([]);

    // (c) No secret reached the model.
    const all = results.join('\n');
    expect(all).not.toContain(CANARY);
    for (const file of ['/etc/shadow', '/etc/passwd']) {
      const line = firstLine(file);
      if (line) expect(all).not.toContain(line);
    }

    // (d) One audit line per tool call, with its outcome, and no secret from argv.
    const logText = readFileSync(t.state.logFile, 'utf8');
    expect(logText).not.toContain('abcdefghijklmnopqrstuvwx');
    expect(logText).not.toContain('abc.def.ghi');
    const audit = logText
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((r) => r.message === 'tool call' && r.sessionKey === 'agent:main:main');
    expect(audit).toHaveLength(calls.length);
    expect(audit.map((r) => r.tool)).toEqual(calls.map((call) => call.name));
    for (const r of audit) {
      expect(['ok', 'error', 'denied']).toContain(r.outcome);
      expect(typeof r.durationMs).toBe('number');
    }
    expect(audit[0]).toMatchObject({ tool: 'exec', argv: 'ls', cwd: '.', outcome: 'ok' });
    expect(audit[14]).toMatchObject({ tool: 'exec', outcome: 'denied', code: 'PATH_ESCAPE' });
    expect(audit[16]).toMatchObject({ tool: 'exec', argv: 'cat /etc/shadow', outcome: 'denied', code: 'PATH_ESCAPE' });
    expect(audit[5]).toMatchObject({ argv: 'git status', outcome: 'denied', code: 'EXEC_GIT_REPO_DENIED' });
    expect(audit[6]).toMatchObject({ argv: 'git st', outcome: 'denied', code: 'EXEC_OPTION_DENIED' });
    expect(audit[12]).toMatchObject({ envNames: ['GIT_TRACE'], outcome: 'denied', code: 'EXEC_ENV_DENIED' });
    expect(audit.at(-1)).toMatchObject({ tool: 'exec', outcome: 'error', exitCode: 2 });
  });

  it('a hook made executable in .git/hooks does not run either', async () => {
    const ws = join(t.state.stateDir, 'workspace');
    // The write tool cannot set the executable bit; a checkout or an archive could, so the test sets it.
    mkdirSync(join(ws, '.git', 'hooks'), { recursive: true });
    writeFileSync(join(ws, '.git', 'hooks', 'pre-commit'), `#!/bin/sh\ntouch ${join(markers, 'hook')}\n`);
    chmodSync(join(ws, '.git', 'hooks', 'pre-commit'), 0o755);
    writeFileSync(join(ws, '.git', 'config'), '[core]\n\trepositoryformatversion = 0\n\tbare = false\n');
    writeFileSync(join(ws, '.gitattributes'), '');
    const calls: ScriptedToolCall[] = [
      { name: 'exec', input: { argv: ['git', 'add', 'notes.txt'] } },
      { name: 'exec', input: { argv: ['git', 'commit', '-q', '-m', 'first'], env: { GIT_AUTHOR_NAME: 'a', GIT_AUTHOR_EMAIL: 'a@example.com', GIT_COMMITTER_NAME: 'a', GIT_COMMITTER_EMAIL: 'a@example.com' } } },
      { name: 'exec', input: { argv: ['git', 'log', '--oneline'] } },
    ];
    fake.script = (req) => (endsWithToolResult(req) ? { text: 'done' } : { toolCalls: calls });
    fake.reset();
    const { runId } = await c.call<{ runId: string }>('chat.send', { sessionKey: 'agent:main:main', message: 'commit it', idempotencyKey: 'exec-attack-2' });
    await c.call('agent.wait', { runId, timeoutMs: 20_000 }, { timeoutMs: 25_000 });
    const second = fake.requests.filter((r) => r.path === '/v1/chat/completions')[1]?.body as { messages: { role: string; content: string }[] };
    // The request carries the whole session; this turn's results are the last ones.
    const results = second.messages.filter((m) => m.role === 'tool').map((m) => String(m.content)).slice(-calls.length);
    expect(results[1]).toMatch(/^exit code: 0/);
    expect(results[2]).toMatch(/first/);
    expect(existsSync(join(markers, 'hook'))).toBe(false);
  });
});
