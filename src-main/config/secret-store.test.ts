import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempState, type TempState } from '../../test-support/state-dir.js';
import { FakeTelegram } from '../../test-support/fake-telegram/fake-telegram.js';
import { FakeOpenAIServer } from '../../test-support/fake-openai.js';
import { configureLogging } from '../logging/index.js';
import { startGateway, type RunningGateway } from '../gateway/start.js';
import { ConfigError } from './errors.js';
import { loadConfigFile } from './load.js';
import { exportSecrets, loadSecretEnv, migrateSecrets, secretEnvName, secretsFilePath, SecretStoreError, type SecretCipher } from './secret-store.js';

/** A real keyed cipher (AES-256-GCM), standing in for Electron's safeStorage. */
function aesCipher(key: Buffer = randomBytes(32)): SecretCipher {
  return {
    encrypt(plain) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), body]);
    },
    decrypt(data) {
      const d = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
      d.setAuthTag(data.subarray(12, 28));
      return Buffer.concat([d.update(data.subarray(28)), d.final()]).toString('utf8');
    },
  };
}

const BOT_TOKEN = '123456:AAH-secret-bot-token';
const API_KEY = 'sk-test-secret-api-key-0123456789';
const GATEWAY_TOKEN = 'gateway-secret-token-abcdef';

function plaintextConfig(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    gateway: { auth: { mode: 'token', token: GATEWAY_TOKEN } },
    models: { providers: { fake: { baseUrl: 'http://127.0.0.1:9/v1', apiKey: API_KEY, api: 'openai-completions', models: [{ id: 'm' }] } } },
    channels: { telegram: { botToken: BOT_TOKEN, dmPolicy: 'open', allowFrom: ['*'] } },
    ...extra,
  };
}

describe('secret store', () => {
  let s: TempState | undefined;
  afterEach(() => {
    s?.cleanup();
    s = undefined;
  });

  it('moves the bot token, the API key and the gateway token out of the config into a 0600 encrypted file', () => {
    s = makeTempState(plaintextConfig());
    writeFileSync(`${s.configPath}.bak`, readFileSync(s.configPath));
    const cipher = aesCipher();
    const secretsPath = secretsFilePath(s.stateDir);
    const r = migrateSecrets({ configPath: s.configPath, secretsPath, cipher, env: s.env });
    expect(r.moved.sort()).toEqual(['channels.telegram.botToken', 'gateway.auth.token', 'models.providers.fake.apiKey']);

    const configText = readFileSync(s.configPath, 'utf8');
    for (const secret of [BOT_TOKEN, API_KEY, GATEWAY_TOKEN]) expect(configText).not.toContain(secret);
    expect(configText).toContain('${OPENCLAW_SECRET_CHANNELS_TELEGRAM_BOTTOKEN}');
    // The backup held the old plaintext: it is gone.
    expect(existsSync(`${s.configPath}.bak`)).toBe(false);

    const fileText = readFileSync(secretsPath, 'utf8');
    for (const secret of [BOT_TOKEN, API_KEY, GATEWAY_TOKEN]) expect(fileText).not.toContain(secret);
    expect(statSync(secretsPath).mode & 0o777).toBe(0o600);

    const env = loadSecretEnv(secretsPath, cipher);
    expect(env[secretEnvName(['channels', 'telegram', 'botToken'])]).toBe(BOT_TOKEN);
    const loaded = loadConfigFile(s.configPath, { ...s.env, ...env });
    expect(loaded.ok && loaded.config.models?.providers?.fake?.apiKey).toBe(API_KEY);

    // A second start finds nothing left to move.
    expect(migrateSecrets({ configPath: s.configPath, secretsPath, cipher, env: s.env }).moved).toEqual([]);
  });

  it('keeps comments and values that already name an environment variable', () => {
    s = makeTempState();
    writeFileSync(
      s.configPath,
      `// my gateway\n{\n  gateway: { auth: { mode: 'token', token: '\${MY_TOKEN}' } },\n  channels: { telegram: { botToken: '${BOT_TOKEN}' } }, // the bot\n}\n`,
    );
    const cipher = aesCipher();
    const r = migrateSecrets({ configPath: s.configPath, secretsPath: secretsFilePath(s.stateDir), cipher, env: { ...s.env, MY_TOKEN: 'x' } });
    expect(r.moved).toEqual(['channels.telegram.botToken']);
    const text = readFileSync(s.configPath, 'utf8');
    expect(text).toContain('// my gateway');
    expect(text).toContain('// the bot');
    expect(text).toContain('${MY_TOKEN}');
    expect(text).not.toContain(BOT_TOKEN);
  });

  it('says clearly when the key does not match, and changes nothing', () => {
    s = makeTempState(plaintextConfig());
    const secretsPath = secretsFilePath(s.stateDir);
    migrateSecrets({ configPath: s.configPath, secretsPath, cipher: aesCipher(), env: s.env });
    const configBefore = readFileSync(s.configPath, 'utf8');
    const fileBefore = readFileSync(secretsPath, 'utf8');
    const other = aesCipher();
    expect(() => loadSecretEnv(secretsPath, other)).toThrow(SecretStoreError);
    expect(() => loadSecretEnv(secretsPath, other)).toThrow(/cannot decrypt OPENCLAW_SECRET_\w+: the OS keychain key does not match/);
    expect(() => exportSecrets({ configPath: s!.configPath, secretsPath, cipher: other, env: s!.env })).toThrow(/keychain key does not match/);
    // Nor does a new plaintext secret get stored beside entries it cannot read.
    expect(readFileSync(s.configPath, 'utf8')).toBe(configBefore);
    expect(readFileSync(secretsPath, 'utf8')).toBe(fileBefore);
  });

  it('refuses a damaged secrets file without touching it or the config', () => {
    s = makeTempState(plaintextConfig());
    const secretsPath = secretsFilePath(s.stateDir);
    writeFileSync(secretsPath, '{ not json');
    const before = readFileSync(s.configPath, 'utf8');
    expect(() => migrateSecrets({ configPath: s!.configPath, secretsPath, cipher: aesCipher(), env: s!.env })).toThrow(/not valid JSON; it was left as it is/);
    expect(readFileSync(s.configPath, 'utf8')).toBe(before);
    expect(readFileSync(secretsPath, 'utf8')).toBe('{ not json');
  });

  it('leaves a config that does not validate as it is, and moves nothing', () => {
    s = makeTempState(plaintextConfig({ gateway: { auth: { mode: 'token', token: GATEWAY_TOKEN }, port: 'not a port' } }));
    const secretsPath = secretsFilePath(s.stateDir);
    const before = readFileSync(s.configPath, 'utf8');
    expect(() => migrateSecrets({ configPath: s!.configPath, secretsPath, cipher: aesCipher(), env: s!.env })).toThrow(ConfigError);
    expect(readFileSync(s.configPath, 'utf8')).toBe(before);
    expect(existsSync(secretsPath)).toBe(false);
  });

  it('exports the secrets back into the config as plaintext and removes the encrypted file', () => {
    s = makeTempState(plaintextConfig());
    const original = loadConfigFile(s.configPath, s.env);
    const secretsPath = secretsFilePath(s.stateDir);
    const cipher = aesCipher();
    migrateSecrets({ configPath: s.configPath, secretsPath, cipher, env: s.env });
    const r = exportSecrets({ configPath: s.configPath, secretsPath, cipher, env: s.env });
    expect(r.restored.sort()).toEqual(['channels.telegram.botToken', 'gateway.auth.token', 'models.providers.fake.apiKey']);
    expect(existsSync(secretsPath)).toBe(false);
    const text = readFileSync(s.configPath, 'utf8');
    for (const secret of [BOT_TOKEN, API_KEY, GATEWAY_TOKEN]) expect(text).toContain(secret);
    expect(text).not.toContain('OPENCLAW_SECRET_');
    const back = loadConfigFile(s.configPath, s.env);
    expect(back.ok && original.ok && back.config).toEqual(original.ok && original.config);
  });

  it('names the keychain store when the headless gateway meets a moved secret', () => {
    s = makeTempState(plaintextConfig());
    migrateSecrets({ configPath: s.configPath, secretsPath: secretsFilePath(s.stateDir), cipher: aesCipher(), env: s.env });
    const loaded = loadConfigFile(s.configPath, s.env);
    expect(loaded.ok).toBe(false);
    const message = loaded.ok ? '' : loaded.error.message;
    expect(message).toContain('the desktop app keeps this secret encrypted');
  });
});

describe('a gateway started with the decrypted secrets', () => {
  let s: TempState | undefined;
  let gw: RunningGateway | undefined;
  let bot: FakeTelegram | undefined;
  let model: FakeOpenAIServer | undefined;
  afterEach(async () => {
    await gw?.close('test done');
    await bot?.close();
    await model?.close();
    s?.cleanup();
  });

  it('answers a Telegram message with the bot token and API key read from the encrypted file', async () => {
    // Both fakes refuse any other credential: a reply proves the gateway used the decrypted values.
    bot = await FakeTelegram.start({ token: BOT_TOKEN });
    bot.api.addUser({ id: 4242, first_name: 'Ada' });
    model = new FakeOpenAIServer({ apiKey: API_KEY, script: () => ({ text: 'hello from the keychain' }) });
    await model.start();
    s = makeTempState({
      gateway: { auth: { mode: 'token', token: GATEWAY_TOKEN } },
      models: { providers: { fake: { baseUrl: `${model.baseUrl}/v1`, apiKey: API_KEY, api: 'openai-completions', models: [{ id: 'instant' }] } } },
      agents: { defaults: { model: { primary: 'fake/instant' } } },
      channels: { telegram: { botToken: BOT_TOKEN, apiRoot: bot.apiRoot, dmPolicy: 'open', allowFrom: ['*'], livenessMs: 3000 } },
    });
    const cipher = aesCipher();
    const secretsPath = secretsFilePath(s.stateDir);
    migrateSecrets({ configPath: s.configPath, secretsPath, cipher, env: s.env });
    expect(readFileSync(s.configPath, 'utf8')).not.toContain(BOT_TOKEN);

    configureLogging({ file: s.logFile, console: false });
    gw = await startGateway({ port: 0, env: { ...s.env, ...loadSecretEnv(secretsPath, cipher) } });
    await bot.post({ chat: 4242, from: 4242, text: 'hi' });
    const reply = await bot.waitUntil(() => bot!.api.sent.find((m) => m.chatId === '4242'), 20_000, 'the reply');
    expect(reply.text).toBe('hello from the keychain');
  });
});
