import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';
import { hashConfigText, loadConfigFile, type LoadResult } from './load.js';
import { resolveConfig } from './resolve.js';
import { setChannelIdsChecker } from './channel-check.js';

let dir: string;
let file: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-load-'));
  file = path.join(dir, 'openclaw.json');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function load(text: string | null, env: NodeJS.ProcessEnv = {}): LoadResult {
  if (text !== null) fs.writeFileSync(file, text);
  return loadConfigFile(file, env);
}
function expectOk(result: LoadResult) {
  if (!result.ok) throw result.error;
  return result;
}
function expectError(result: LoadResult): ConfigError {
  if (result.ok) throw new Error('expected a config error');
  expect(result.error).toBeInstanceOf(ConfigError);
  return result.error;
}

describe('loadConfigFile', () => {
  it('returns defaults when the file is missing', () => {
    const r = expectOk(load(null));
    expect(r.exists).toBe(false);
    expect(r.raw).toBeNull();
    expect(r.hash).toBe(hashConfigText(''));
    expect(r.config).toEqual({});
    expect(r.resolved.gateway.port).toBe(18789);
    expect(r.resolved.gateway.bind).toBe('loopback');
    expect(r.resolved.gateway.auth).toEqual({ mode: 'token', rateLimit: { maxAttempts: 10, windowMs: 60000, lockoutMs: 300000 } });
    expect(r.resolved.gateway.reload.mode).toBe('hybrid');
    expect(r.resolved.logging).toEqual({ level: 'info', consoleLevel: 'info' });
    expect(r.resolved.agents.entries).toEqual({ main: { default: true } });
    expect(r.resolved.defaultAgentId).toBe('main');
  });

  it('accepts JSON5 comments, unquoted keys and trailing commas', () => {
    const r = expectOk(load('// my config\n{\n  gateway: { port: 19001, /* inline */ },\n}\n'));
    expect(r.config).toEqual({ gateway: { port: 19001 } });
    expect(r.exists).toBe(true);
    expect(r.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('names the path of an unknown key and of a bad value, one per line', () => {
    const error = expectError(load('{ gateway: { prot: 1, port: 0 } }'));
    expect(error.path).toBe(file);
    expect(error.issues).toEqual(
      expect.arrayContaining([
        { path: 'gateway.prot', message: 'unknown key' },
        { path: 'gateway.port', message: 'expected integer 1..65535, got 0' },
      ]),
    );
    expect(error.message).toContain(`invalid config ${file}:\n  - `);
    expect(error.message).toContain('\n  - gateway.prot: unknown key');
  });

  it('lists enum options', () => {
    const error = expectError(load('{ logging: { level: "loud" } }'));
    expect(error.issues[0]).toEqual({ path: 'logging.level', message: expect.stringContaining('one of "silent", "fatal"') });
  });

  it('does not echo a secret value in an issue', () => {
    const error = expectError(load('{ gateway: { auth: { token: 123456789 } } }'));
    expect(error.message).not.toContain('123456789');
  });

  it('reports a JSON5 syntax error with line and column', () => {
    const error = expectError(load('{\n  gateway: {\n    port: 1 2\n  }\n}'));
    expect(error.issues[0].message).toMatch(/^syntax error at line 3, column \d+: /);
  });

  it('rejects a non-object top level', () => {
    expect(expectError(load('[1]')).issues[0].message).toBe('expected an object at the top level');
  });

  it('refuses a channel id that nothing provides, suggesting the built-in it resembles', () => {
    const error = expectError(load('{ channels: { telgram: { botToken: "x" } } }'));
    expect(error.issues).toEqual([{ path: 'channels.telgram', message: expect.stringMatching(/^unknown channel "telgram" \(did you mean "telegram"\?\): no plugin provides it/) }]);
  });

  // Every channel comes from a plugin; the bundled ones' manifests (installed as the checker by the test
  // setup, as the CLI and the gateway do) make a misspelt key or a bad value an error, not a silent no-op.
  it.each([
    ['{ channels: { telegram: { botTokn: "x" } } }', 'channels.telegram.botTokn'],
    ['{ channels: { telegram: { accounts: { a: { webhookPort: "high" } } } } }', 'channels.telegram.accounts.a.webhookPort'],
    ['{ channels: { slack: { dmPolicy: "everyone" } } }', 'channels.slack.dmPolicy'],
    ['{ channels: { discord: { gatewayUrl: "http://x" } } }', 'channels.discord.gatewayUrl'],
  ])('checks a bundled channel against its manifest: %s', (text, where) => {
    const error = expectError(load(text));
    expect(error.issues.map((i) => i.path)).toContain(where);
  });

  it('accepts every bundled channel with valid settings', () => {
    const r = load('{ channels: { telegram: { botToken: "1:a", webhookPort: 8443 }, slack: { botToken: "b", appToken: "a", replyToMode: "thread" }, whatsapp: { markOnline: false }, imessage: { service: "sms" }, discord: { token: "t" }, googlechat: { audienceType: "app-url" } } }');
    expect(r.ok, JSON.stringify(r)).toBe(true);
  });

  it('hands plugin channel ids to the installed checker', () => {
    const restore = setChannelIdsChecker(({ channels = {} }) => ({
      issues: 'matrix' in channels && typeof (channels.matrix as { homeserverUrl?: unknown }).homeserverUrl !== 'string' ? [{ path: 'channels.matrix.homeserverUrl', message: 'required' }] : [],
      notices: [],
    }));
    try {
      expectOk(load('{ channels: { matrix: { homeserverUrl: "https://m.example" } } }'));
      expect(expectError(load('{ channels: { matrix: {} } }')).issues).toEqual([{ path: 'channels.matrix.homeserverUrl', message: 'required' }]);
    } finally {
      restore();
    }
  });

  it('refuses an empty file (a truncated config) instead of running on defaults', () => {
    expect(expectError(load('  \n')).issues[0].message).toMatch(/^the file is empty; restore it .*\.bak.* or delete it/);
  });

  it('substitutes ${VAR} from env, reports missing ones, and honours $${VAR}', () => {
    const r = expectOk(load('{ gateway: { auth: { token: "${TOK}" }, customBindHost: "$${HOST}" } }', { TOK: 'abc' }));
    expect(r.config.gateway?.auth?.token).toBe('abc');
    expect(r.config.gateway?.customBindHost).toBe('${HOST}');
    expect(r.raw).toContain('${TOK}');
    const error = expectError(load('{ gateway: { auth: { token: "${NOPE}" } } }', {}));
    expect(error.issues).toEqual([{ path: 'gateway.auth.token', message: 'missing environment variable NOPE (referenced as ${NOPE})' }]);
  });

  it('takes the log file from OPENCLAW_LOG_FILE over logging.file', () => {
    const text = '{ logging: { file: "/var/tmp/from-file.log" } }';
    expect(expectOk(load(text)).resolved.logging.file).toBe('/var/tmp/from-file.log');
    expect(expectOk(load(text, { OPENCLAW_LOG_FILE: '/var/tmp/from-env.log' })).resolved.logging.file).toBe('/var/tmp/from-env.log');
  });

  it('layers env over file over defaults', () => {
    const text = '{ gateway: { port: 20000, auth: { token: "file-token", password: "file-pw" } }, logging: { level: "warn" } }';
    const fileOnly = expectOk(load(text)).resolved;
    expect([fileOnly.gateway.port, fileOnly.gateway.auth.token, fileOnly.gateway.auth.password, fileOnly.logging.level]).toEqual([
      20000,
      'file-token',
      'file-pw',
      'warn',
    ]);
    const env = { OPENCLAW_GATEWAY_PORT: '21000', OPENCLAW_GATEWAY_TOKEN: 'env-token', OPENCLAW_GATEWAY_PASSWORD: 'env-pw', OPENCLAW_LOG_LEVEL: 'debug' };
    const withEnv = expectOk(load(text, env));
    expect([withEnv.resolved.gateway.port, withEnv.resolved.gateway.auth.token, withEnv.resolved.gateway.auth.password, withEnv.resolved.logging.level]).toEqual([
      21000,
      'env-token',
      'env-pw',
      'debug',
    ]);
    // The file-level view is untouched by env overrides.
    expect(withEnv.config.gateway?.port).toBe(20000);
  });

  it('reports invalid env overrides', () => {
    const error = expectError(load(null, { OPENCLAW_GATEWAY_PORT: 'abc', OPENCLAW_LOG_LEVEL: 'loud' }));
    expect(error.issues.map((i) => i.path)).toEqual(['OPENCLAW_GATEWAY_PORT', 'OPENCLAW_LOG_LEVEL']);
  });

  it('migrates agents.list to agents.entries with a warning', () => {
    const r = expectOk(
      load('{ agents: { list: [ { id: "home", workspace: "~/h" }, { id: "work", default: true, name: "Work" }, { id: "ops", default: true } ] } }'),
    );
    expect(r.config.agents).toEqual({
      entries: { home: { workspace: '~/h' }, work: { default: true, name: 'Work' }, ops: {} },
    });
    expect(r.resolved.defaultAgentId).toBe('work');
    expect(r.warnings).toEqual([expect.stringContaining('migrated agents.list (3 agents) to agents.entries')]);
  });

  it('makes the first listed agent the default when none is marked', () => {
    const r = expectOk(load('{ agents: { list: [ { id: "a" }, { id: "b" } ] } }'));
    expect(r.config.agents?.entries).toEqual({ a: { default: true }, b: {} });
    expect(r.resolved.defaultAgentId).toBe('a');
  });

  it('refuses a lossy agents.list migration', () => {
    const error = expectError(load('{ agents: { entries: { a: {} }, list: [ { id: "a" } ] } }'));
    expect(error.issues).toEqual([{ path: 'agents.list[0].id', message: 'agent "a" is defined in both agents.list and agents.entries' }]);
    expect(expectError(load('{ agents: { list: [ { id: "a" }, { id: "a" } ] } }')).issues[0].path).toBe('agents.list[1].id');
  });

  it('still validates legacy list entries strictly', () => {
    expect(expectError(load('{ agents: { list: [ { id: "a", colour: 1 } ] } }')).issues[0].path).toBe('agents.entries.a.colour');
  });

  it.each(['hot', 'restart'])('migrates gateway.reload.mode %s to hybrid', (mode) => {
    const r = expectOk(load(`{ gateway: { reload: { mode: "${mode}" } } }`));
    expect(r.config.gateway?.reload?.mode).toBe('hybrid');
    expect(r.warnings).toEqual([expect.stringContaining(`migrated gateway.reload.mode "${mode}" to "hybrid"`)]);
  });

  it('reads the legacy file when the main one is missing', () => {
    const legacy = path.join(dir, 'legacy', 'openclaw.json');
    fs.mkdirSync(path.dirname(legacy));
    fs.writeFileSync(legacy, '{ gateway: { port: 12345 } }');
    const r = loadConfigFile(file, {}, { legacyConfigPath: legacy });
    expect(expectOk(r).resolved.gateway.port).toBe(12345);
    expect(expectOk(r).sourcePath).toBe(legacy);
    expect(expectOk(r).warnings[0]).toContain('read legacy config');
    // Once the main file exists, the legacy one is ignored.
    fs.writeFileSync(file, '{}');
    expect(expectOk(loadConfigFile(file, {}, { legacyConfigPath: legacy })).resolved.gateway.port).toBe(18789);
  });

  it('turns read failures into a ConfigError instead of throwing', () => {
    fs.mkdirSync(file);
    expect(expectError(loadConfigFile(file, {})).issues[0].message).toMatch(/^cannot read file: /);
  });
});

describe('resolveConfig', () => {
  it('does not mutate or share objects with its input', () => {
    const config = { gateway: { auth: { token: 'a' } } };
    const resolved = resolveConfig(config, { OPENCLAW_GATEWAY_TOKEN: 'b' });
    expect(config).toEqual({ gateway: { auth: { token: 'a' } } });
    expect(resolved.gateway.auth.token).toBe('b');
  });

  it('picks the first entry as default agent when none is marked', () => {
    expect(resolveConfig({ agents: { entries: { x: {}, y: {} } } }, {}).defaultAgentId).toBe('x');
  });
});
