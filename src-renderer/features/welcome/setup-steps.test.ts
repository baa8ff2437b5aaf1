import { describe, expect, it } from 'vitest';
import { createdItems, setupSteps, shouldShowWelcome, type SetupFacts } from './setup-steps.js';

const host = { pid: 1, nodeVersion: 'v20', platform: 'linux', stateDir: '/home/a/.openclaw', configPath: '/home/a/.openclaw/openclaw.json', logFile: '/tmp/l', storePath: '/s', storeSchemaVersion: 5, rssBytes: 1, heapUsedBytes: 1 };
const status = (extra: Record<string, unknown> = {}) => ({ host: { ...host, ...extra } }) as unknown as NonNullable<SetupFacts['status']>;
const models = (n: number) => ({ models: Array.from({ length: n }, (_, i) => ({ id: `m${i}`, ref: `p/m${i}`, provider: 'p', api: 'openai-completions' })) });
const channels = (configured: boolean) => ({ ts: 0, channelOrder: [], channelLabels: {}, channels: { telegram: { configured, running: false, connected: false, accounts: 1 } }, channelAccounts: {}, channelDefaultAccountId: {} });
const devices = (roles: string[]) => ({ pending: [], paired: roles.map((role, i) => ({ deviceId: `d${i}`, role, scopes: [], createdAtMs: 0, approvedAtMs: 0, connected: false })) });

describe('createdItems', () => {
  it('names the token file only when the gateway generated one, and nothing without host details', () => {
    expect(createdItems(status({ tokenPath: '/home/a/.openclaw/credentials/gateway.token' })).map((i) => [i.label, i.value])).toEqual([
      ['Gateway token', '/home/a/.openclaw/credentials/gateway.token'],
      ['Config file', '/home/a/.openclaw/openclaw.json'],
      ['State folder', '/home/a/.openclaw'],
    ]);
    expect(createdItems(status()).map((i) => i.label)).toEqual(['Config file', 'State folder']);
    expect(createdItems(undefined)).toEqual([]);
  });
});

describe('setupSteps', () => {
  it('checks each step against real state, and says "unknown" when a look-up failed', () => {
    const fresh = setupSteps({ models: models(0), channels: channels(false), devices: devices(['operator']) });
    expect(fresh.map((s) => [s.id, s.done, s.page])).toEqual([
      ['model', false, 'config'],
      ['channel', false, 'channels'],
      ['phone', false, 'nodes'],
    ]);
    const done = setupSteps({ models: models(1), channels: channels(true), devices: devices(['node']) });
    expect(done.every((s) => s.done)).toBe(true);
    expect(setupSteps({}).map((s) => s.done)).toEqual([undefined, undefined, undefined]);
  });
});

describe('shouldShowWelcome', () => {
  const complete = { models: models(1), channels: channels(true), devices: devices(['node']) };
  it('shows on a first start or while a step is missing, until dismissed', () => {
    expect(shouldShowWelcome({ ...complete, status: status({ firstStart: true }) }, false)).toBe(true);
    expect(shouldShowWelcome({ ...complete, models: models(0) }, false)).toBe(true);
    expect(shouldShowWelcome(complete, false)).toBe(false);
    expect(shouldShowWelcome({ status: status({ firstStart: true }) }, true)).toBe(false);
    // Nothing known yet (still loading or no permission): no panel rather than a wrong one.
    expect(shouldShowWelcome({}, false)).toBe(false);
  });
});
