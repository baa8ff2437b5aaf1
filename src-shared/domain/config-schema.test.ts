import { describe, expect, it } from 'vitest';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { TSchema } from '@sinclair/typebox';
import {
  OpenClawConfigSchema,
  REDACTED_SENTINEL,
  classifyReload,
  diffConfigPaths,
  collectSecretValues,
  hasUrlCredentials,
  isSecretPath,
  isSecretValue,
  redactConfig,
  restoreRedacted,
  type OpenClawConfig,
} from './config-schema.js';

const check = TypeCompiler.Compile(OpenClawConfigSchema);

describe('OpenClawConfigSchema', () => {
  const full: OpenClawConfig = {
    $schema: 'https://example.invalid/schema.json',
    meta: { lastTouchedVersion: '2026.9.6', lastTouchedAt: '2026-09-06T00:00:00Z' },
    gateway: {
      mode: 'local',
      port: 18789,
      bind: 'loopback',
      auth: { mode: 'token', token: 't', rateLimit: { maxAttempts: 10, windowMs: 60000, lockoutMs: 300000 } },
      reload: { mode: 'hybrid', debounceMs: 200 },
      controlUi: { enabled: true, allowedOrigins: ['http://localhost:5173'] },
      http: { endpoints: { chatCompletions: { enabled: false }, responses: { enabled: true } } },
      tools: { deny: ['exec'] },
      nodes: { pairing: { autoApproveCidrs: ['100.64.0.0/10'] } },
      tls: { enabled: false },
      remote: { url: 'wss://gw.example.invalid', token: 'r' },
    },
    logging: { level: 'debug', consoleLevel: 'warn', consoleStyle: 'json', redactSensitive: 'tools' },
    agents: {
      defaults: { model: { primary: 'anthropic/claude', fallbacks: ['openai/gpt'] }, sandbox: { mode: 'non-main', scope: 'agent' } },
      entries: { main: { default: true, model: 'anthropic/claude' }, work: { tools: { allow: ['read'] } } },
    },
    bindings: [{ agentId: 'work', match: { channel: 'telegram', peer: { kind: 'group', id: '-100' } }, session: { groupScope: 'main' } }],
    session: { dmScope: 'per-channel-peer', identityLinks: { me: ['telegram:1'] }, reset: { mode: 'daily', atHour: 4 } },
    channels: { telegram: { enabled: true, botToken: 'x', dmPolicy: 'pairing', allowFrom: [123, 'abc'], accounts: { alerts: { botToken: 'y', dmPolicy: 'allowlist' } } } },
    models: { providers: { local: { baseUrl: 'http://127.0.0.1:1', api: 'openai-completions', models: [{ id: 'm', cost: { input: 1, output: 2 } }] } } },
    tools: { deny: ['browser'], exec: { timeoutSeconds: 30 }, web: { fetch: { allowPrivate: false } } },
    commands: { ownerAllowFrom: ['telegram:1'] },
    accessGroups: { family: ['telegram:1'] },
  };

  it('accepts a full config and the empty config', () => {
    expect(check.Errors(full).First()).toBeUndefined();
    expect(check.Check({})).toBe(true);
  });

  it.each([
    [{ unknown: 1 }],
    [{ gateway: { prot: 1 } }],
    [{ gateway: { port: 0 } }],
    [{ gateway: { port: 70000 } }],
    [{ gateway: { auth: { mode: 'magic' } } }],
    [{ gateway: { reload: { mode: 'hot' } } }],
    [{ agents: { entries: { main: { colour: 'red' } } } }],
    [{ bindings: [{ match: { channel: 'x' } }] }],
    [{ models: { providers: { p: { api: 'soap' } } } }],
    [{ session: { reset: { atHour: 24 } } }],
  ])('rejects %j', (value) => {
    expect(check.Check(value)).toBe(false);
  });

  it('keeps the legacy agents.list shape readable', () => {
    expect(check.Check({ agents: { list: [{ id: 'main', default: true }] } })).toBe(true);
  });

  it('gives every leaf a description (the UI form is generated from them)', () => {
    const missing: string[] = [];
    const walk = (schema: TSchema, path: string) => {
      if (schema.properties) {
        for (const [key, child] of Object.entries(schema.properties as Record<string, TSchema>)) walk(child, `${path}.${key}`);
        return;
      }
      if (schema.items?.properties) return walk(schema.items as TSchema, `${path}[]`);
      if (schema.patternProperties) {
        for (const child of Object.values(schema.patternProperties as Record<string, TSchema>)) walk(child, `${path}.*`);
      }
      if (!schema.description && !path.endsWith('.*')) missing.push(path);
    };
    walk(OpenClawConfigSchema, '');
    expect(missing).toEqual([]);
  });
});

describe('isSecretPath', () => {
  it.each([
    ['gateway.auth.token', true],
    ['gateway.auth.password', true],
    ['gateway.remote.token', true],
    ['gateway.auth.mode', false],
    // Any key named like a credential, listed or not.
    ['gateway.token', true],
    ['models.providers.openai.apiKey', true],
    ['models.providers.openai.headers.Authorization', true],
    ['models.providers.openai.headers.x-api-key', true],
    // Every header value: credentials travel under any header name.
    ['models.providers.openai.headers.user-agent', true],
    ['models.providers.openai.headers.X-Custom-Auth', true],
    ['models.providers.openai.headers.Cookie', true],
    ['models.providers.openai.headers', false],
    ['models.providers.openai.baseUrl', false],
    ['models.providers.openai.models.0.maxTokens', false],
    ['channels.googlechat.serviceAccount.private_key', true],
    ['channels.googlechat.serviceAccount.private_key_id', false],
    ['channels.googlechat.tokenUri', false],
    ['gateway.tls.keyPath', false],
    ['session.mainKey', false],
    ['tools.web.search.apiKey', true],
    ['channels.telegram.botToken', true],
    ['channels.slack.accounts.work.signingSecret', true],
    ['channels.slack.appToken', true],
    ['channels.x.webhookSecret', true],
    ['channels.telegram.enabled', false],
    ['channels.telegram.accounts.token.enabled', false],
  ])('%s → %s', (path, expected) => {
    expect(isSecretPath(path.split('.'))).toBe(expected);
  });
});

describe('redactConfig / restoreRedacted', () => {
  const current = {
    gateway: { port: 1, auth: { token: 'secret-token', password: '' } },
    channels: { telegram: { botToken: 'bot', accounts: { a: { token: 'acct' } } } },
    models: { providers: { p: { apiKey: 'key', baseUrl: 'u' } } },
  };

  it('replaces non-empty secrets with the sentinel and leaves the rest', () => {
    const redacted = redactConfig(current);
    expect(redacted).toEqual({
      gateway: { port: 1, auth: { token: REDACTED_SENTINEL, password: '' } },
      channels: { telegram: { botToken: REDACTED_SENTINEL, accounts: { a: { token: REDACTED_SENTINEL } } } },
      models: { providers: { p: { apiKey: REDACTED_SENTINEL, baseUrl: 'u' } } },
    });
    expect(current.gateway.auth.token).toBe('secret-token');
    expect(redactConfig({ gateway: { auth: { token: 'x' } } }, '***')).toEqual({ gateway: { auth: { token: '***' } } });
  });

  it('restores secrets sent back unchanged and keeps new values', () => {
    const edited = redactConfig(current);
    edited.gateway.port = 2;
    edited.channels.telegram.botToken = 'new-bot';
    const restored = restoreRedacted(edited, current);
    expect(restored.gateway).toEqual({ port: 2, auth: { token: 'secret-token', password: '' } });
    expect(restored.channels.telegram).toEqual({ botToken: 'new-bot', accounts: { a: { token: 'acct' } } });
    expect(restored.models.providers.p.apiKey).toBe('key');
  });

  it('hides URLs carrying credentials wherever they are, and shows bare ${VAR} references', () => {
    expect(
      redactConfig({
        models: { providers: { p: { baseUrl: 'https://user:pw@llm.example/v1', apiKey: '${OPENAI_API_KEY}', headers: { 'X-Custom-Auth': 'h1', Cookie: 'c=1', 'X-Mixed': 'Bearer ${TOKEN}' } }, q: { baseUrl: 'https://llm.example/v1?key=abc' }, r: { baseUrl: 'http://127.0.0.1:11434/v1' } } },
      }),
    ).toEqual({
      models: {
        providers: {
          p: { baseUrl: REDACTED_SENTINEL, apiKey: '${OPENAI_API_KEY}', headers: { 'X-Custom-Auth': REDACTED_SENTINEL, Cookie: REDACTED_SENTINEL, 'X-Mixed': REDACTED_SENTINEL } },
          q: { baseUrl: REDACTED_SENTINEL },
          r: { baseUrl: 'http://127.0.0.1:11434/v1' },
        },
      },
    });
    expect(hasUrlCredentials('wss://gw.example/ws')).toBe(false);
    expect(hasUrlCredentials('https://ghp_abc@git.example/x')).toBe(true);
    expect(hasUrlCredentials('not a url ?key=1')).toBe(false);
    // An escaped reference is literal text, not a reference.
    expect(isSecretValue(['gateway', 'auth', 'token'], '$${NOT_A_REF}')).toBe(true);
  });

  it('collects exactly the values redactConfig hides', () => {
    const cfg = { gateway: { auth: { token: 'secret-token', password: '' } }, models: { providers: { p: { apiKey: '${K}', headers: { A: 'h' } } } } };
    expect(collectSecretValues(cfg).sort()).toEqual(['h', 'secret-token']);
  });

  it('drops a sentinel with nothing to restore rather than storing it', () => {
    expect(restoreRedacted({ gateway: { remote: { token: REDACTED_SENTINEL } } }, {})).toEqual({ gateway: { remote: {} } });
  });
});

describe('classifyReload', () => {
  it.each([
    ['logging.level', 'hot'],
    ['gateway.auth.token', 'hot'],
    ['gateway.auth.rateLimit.maxAttempts', 'hot'],
    ['gateway.reload.mode', 'hot'],
    ['gateway.port', 'restart'],
    ['gateway.bind', 'restart'],
    ['gateway.customBindHost', 'restart'],
    ['gateway.controlUi.allowedOrigins', 'hot'],
    ['gateway.controlUi.basePath', 'restart'],
    ['gateway.tls.enabled', 'restart'],
    ['gateway.remote.url', 'none'],
    ['meta.lastTouchedAt', 'none'],
    ['channels.telegram.botToken', 'hot'],
    ['channels["my.bot"].enabled', 'hot'],
    ['agents.entries.main.model', 'hot'],
    ['bindings[0].agentId', 'hot'],
    ['session.dmScope', 'hot'],
    ['models.providers.p.apiKey', 'hot'],
    ['tools.deny', 'hot'],
    ['somethingNew.x', 'restart'],
    ['gatewayish', 'restart'],
    ['not a [ path', 'restart'],
  ])('%s → %s', (path, kind) => {
    expect(classifyReload(path)).toBe(kind);
  });
});

describe('diffConfigPaths', () => {
  it.each([
    [{ a: 1 }, { a: 1 }, []],
    [{ gateway: { port: 1 } }, { gateway: { port: 2 } }, ['gateway.port']],
    [{}, { logging: { level: 'debug', file: 'x' } }, ['logging.level', 'logging.file']],
    [{ channels: { t: { on: true } } }, {}, ['channels.t.on']],
    [{ a: [1, 2] }, { a: [1, 3] }, ['a']],
    [{ a: [1, 2] }, { a: [1, 2] }, []],
    [{}, { a: {} }, ['a']],
    [{ a: 1 }, { a: { b: 2 } }, ['a', 'a.b']],
    [{ channels: { 'my.bot': { token: 'a' } } }, { channels: { 'my.bot': { token: 'b' } } }, ['channels["my.bot"].token']],
  ])('%j → %j', (a, b, expected) => {
    expect(diffConfigPaths(a, b)).toEqual(expected);
  });
});
