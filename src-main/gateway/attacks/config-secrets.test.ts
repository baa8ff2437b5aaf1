/**
 * Attack: a phone paired by QR holds an `operator.read` token. It reads
 * everything a read client may read (`config.get` first) and looks for any
 * secret from the config file: provider keys, header values under innocent
 * names, credentials in URLs, values substituted from the environment, and
 * secrets sitting in comments. Real gateway, real sockets.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import JSON5 from 'json5';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDACTED_SENTINEL } from '../../../src-shared/domain/config-schema.js';
import { decodeSetupCode, type MethodResult } from '../../../src-shared/protocol/index.js';
import { GatewayClient } from '../../cli/gateway-client.js';
import { generateDeviceKeys } from '../../nodes/device-keys.js';
import { startTestGateway, type TestGateway } from '../../../test-support/gateway.js';

const TOKEN = 'gw-canary-token-0001';
const SECRETS = {
  apiKey: 'sk-canary-apikey-0002',
  customAuth: 'canary-custom-auth-0003',
  cookie: 'sid=canary-cookie-0004',
  agent: 'canary-user-agent-0005',
  urlPassword: 'canary-url-pass-0006',
  env: 'canary-env-value-0007',
  comment: 'canary-in-comment-0008',
  shadowed: 'canary-shadowed-0009',
  botToken: '123456:canary-bot-token-0010',
};

/** The file as a person writes it: JSON5, comments, an env reference, a key written twice. */
const fileText = (logFile: string) => `// Personal gateway. Old key, rotated: ${SECRETS.comment}
{
  gateway: { auth: { mode: 'token', token: '${TOKEN}' } },
  logging: { file: ${JSON.stringify(logFile)} },
  models: {
    providers: {
      custom: {
        baseUrl: 'https://me:${SECRETS.urlPassword}@llm.invalid/v1',
        api: 'openai-completions',
        apiKey: "${SECRETS.shadowed}", // replaced below; the parser keeps the last one
        apiKey: "${SECRETS.apiKey}", /* same as ${SECRETS.apiKey}, a copy kept by hand */
        headers: { 'X-Custom-Auth': '${SECRETS.customAuth}', Cookie: '${SECRETS.cookie}', 'User-Agent': '${SECRETS.agent}' },
        models: [{ id: 'm1' }],
      },
      envy: { baseUrl: 'http://127.0.0.1:9/v1', apiKey: '\${CANARY_ENV_KEY}', models: [{ id: 'm2' }] },
    },
  },
  channels: { telegram: { enabled: false, botToken: '${SECRETS.botToken}' } },
}
`;

const ALL = [TOKEN, ...Object.values(SECRETS)];
const leaked = (payload: unknown) => ALL.filter((s) => JSON.stringify(payload).includes(s));

describe('attack: secrets through config.get and other read methods', () => {
  let t: TestGateway;
  let admin: GatewayClient;
  let phone: GatewayClient;

  beforeAll(async () => {
    t = await startTestGateway({ config: { gateway: { auth: { mode: 'token', token: TOKEN } } }, env: { CANARY_ENV_KEY: SECRETS.env } });
    writeFileSync(t.state.configPath, fileText(t.state.logFile));
    admin = await t.operator();
    // The phone pairs by QR and keeps the bounded operator token it is given.
    const { setupCode } = await admin.call<{ setupCode: string }>('device.pair.setupCode', { url: t.url });
    const keys = generateDeviceKeys();
    const node = await GatewayClient.connect({
      url: t.url,
      bootstrapToken: decodeSetupCode(setupCode).bootstrapToken,
      device: keys,
      role: 'node',
      client: { id: 'openclaw-android', mode: 'node', platform: 'android' },
      headers: { 'X-Forwarded-For': '192.0.2.55' },
    });
    const op = node.hello.auth.deviceTokens!.find((d) => d.role === 'operator')!;
    node.close();
    phone = await GatewayClient.connect({ url: t.url, deviceToken: op.token, device: keys, scopes: ['operator.read'], client: { id: 'openclaw-android', mode: 'ui' }, headers: { 'X-Forwarded-For': '192.0.2.55' } });
    expect(phone.hello.auth.scopes).toEqual(['operator.read']);
  });
  afterAll(async () => {
    phone?.close();
    await t.close();
  });

  it('config.get gives a read-only client no secret anywhere in the response', async () => {
    const snap = await phone.call<MethodResult<'config.get'>>('config.get', {});
    expect(leaked(snap)).toEqual([]);
    // What it does get: the config, redacted, and the env reference by name.
    const providers = (snap.config as { models: { providers: Record<string, { apiKey: string; headers?: Record<string, string> }> } }).models.providers;
    expect(providers.custom!.headers).toEqual({ 'X-Custom-Auth': REDACTED_SENTINEL, Cookie: REDACTED_SENTINEL, 'User-Agent': REDACTED_SENTINEL });
    expect(providers.envy!.apiKey).toBe('${CANARY_ENV_KEY}');
    expect(JSON5.parse(snap.raw!)).toEqual(snap.config);
  });

  it('no other method a read client may call returns a secret', async () => {
    const calls: [string, Record<string, unknown>][] = [
      ['config.schema', {}],
      ['status', { all: true }],
      ['health', {}],
      ['models.list', {}],
      ['channels.status', {}],
      ['system-presence', {}],
      ['sessions.list', {}],
      ['node.list', {}],
      ['usage.cost', {}],
      ['logs.tail', {}],
    ];
    for (const [method, params] of calls) expect(leaked(await phone.call(method, params)), method).toEqual([]);
  });

  it('an admin gets raw text with comments and layout, but no config secret, not even a copy in a comment', async () => {
    const snap = await admin.call<MethodResult<'config.get'>>('config.get', {});
    // Free text in comments is not config: it reaches the admin (who may rewrite the whole file), never a read client.
    expect(leaked(snap)).toEqual([SECRETS.comment]);
    expect(snap.raw).toContain('// Personal gateway. Old key, rotated:');
    expect(snap.raw).toContain(`/* same as ${REDACTED_SENTINEL}, a copy kept by hand */`);
    expect(snap.raw).toContain("apiKey: '${CANARY_ENV_KEY}'");
  });

  it('the Control UI round trip (raw text with sentinels through config.set) keeps every secret in the file, and its comments', async () => {
    const snap = await admin.call<MethodResult<'config.get'>>('config.get', {});
    const edited = snap.raw!.replace("models: [{ id: 'm2' }]", "models: [{ id: 'm2' }, { id: 'm3' }]");
    expect(edited).not.toBe(snap.raw);
    const res = await admin.call<MethodResult<'config.set'>>('config.set', { raw: edited, baseHash: snap.hash });
    expect(res.changedPaths).toEqual(['models.providers.envy.models']);
    expect(leaked(res)).toEqual([]);
    const onDisk = readFileSync(t.state.configPath, 'utf8');
    for (const s of [TOKEN, SECRETS.apiKey, SECRETS.customAuth, SECRETS.cookie, SECRETS.agent, SECRETS.urlPassword, SECRETS.botToken]) expect(onDisk).toContain(s);
    expect(onDisk).toContain('${CANARY_ENV_KEY}');
    expect(onDisk).not.toContain(SECRETS.env);
    expect(JSON.stringify(JSON5.parse(onDisk))).not.toContain(REDACTED_SENTINEL);
    // A hand-kept copy of a secret in a comment was shown redacted, so it comes back redacted; the config keeps the secret.
    expect(onDisk).toContain(`/* same as ${REDACTED_SENTINEL}, a copy kept by hand */`);
    expect(onDisk).toContain('// Personal gateway.');
    expect(onDisk).toContain("{ id: 'm3' }");

    // The form's shape: the redacted structure sent back whole.
    const again = await admin.call<MethodResult<'config.get'>>('config.get', {});
    const form = again.config as { logging: Record<string, unknown> };
    await admin.call('config.set', { raw: JSON.stringify({ ...form, logging: { ...form.logging, level: 'debug' } }), baseHash: again.hash });
    const written = JSON5.parse(readFileSync(t.state.configPath, 'utf8')) as { models: { providers: { custom: { apiKey: string; headers: Record<string, string> } } } };
    expect(written.models.providers.custom.apiKey).toBe(SECRETS.apiKey);
    expect(written.models.providers.custom.headers).toEqual({ 'X-Custom-Auth': SECRETS.customAuth, Cookie: SECRETS.cookie, 'User-Agent': SECRETS.agent });
  });

  it('a validation message never quotes a value substituted from the environment', async () => {
    // A misplaced reference: `api` is an enum, so validation complains about the substituted value.
    const misplace = (c: any) => ({ ...c, models: { providers: { ...c.models.providers, envy: { ...c.models.providers.envy, api: '${CANARY_ENV_KEY}' } } } });
    const snap = await admin.call<MethodResult<'config.get'>>('config.get', {});
    const refused = await admin.call('config.set', { raw: JSON.stringify(misplace(snap.config)), baseHash: snap.hash }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ error: { details: { code: 'CONFIG_INVALID' } } });
    expect(leaked(refused)).toEqual([]);
    expect(JSON.stringify(refused)).toContain('${CANARY_ENV_KEY}');

    writeFileSync(t.state.configPath, JSON.stringify(misplace(JSON5.parse(readFileSync(t.state.configPath, 'utf8'))), null, 2));
    const invalid = await phone.call<MethodResult<'config.get'>>('config.get', {});
    expect(invalid.valid).toBe(false);
    expect(invalid.issues).toEqual([expect.objectContaining({ path: 'models.providers.envy.api', message: expect.stringContaining('${CANARY_ENV_KEY}') })]);
    expect(leaked(invalid)).toEqual([]);
  });
});
