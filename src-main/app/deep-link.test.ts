import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { encodeSetupCode } from '../../src-shared/protocol/setup-code.js';
import { DEEP_LINK_SCHEME, deepLinkFromArgv, deepLinkPage, DeepLinkError, MAX_DEEP_LINK_LENGTH, parseDeepLink } from './deep-link.js';

const code = encodeSetupCode({ url: 'wss://gw.example:18789', urls: ['wss://gw.example:18789'], bootstrapToken: 'boot-123', expiresAtMs: 1 });

describe('openclaw:// links', () => {
  it.each([
    [`openclaw://setup/${code}`, { kind: 'setup', code }],
    [`openclaw://setup?code=${code}`, { kind: 'setup', code }],
    ['openclaw://pairing/3b1e2c4d-aaaa-bbbb-cccc-123456789abc', { kind: 'pairing', requestId: '3b1e2c4d-aaaa-bbbb-cccc-123456789abc' }],
    ['openclaw://pairing?request=abc_DEF-1', { kind: 'pairing', requestId: 'abc_DEF-1' }],
    ['openclaw://chat/agent%3Awork%3Amain', { kind: 'chat', sessionKey: 'agent:work:main' }],
    ['OPENCLAW://Chat/main', { kind: 'chat', sessionKey: 'agent:main:main' }],
    ['openclaw://chat?session=agent:main:telegram:direct:42', { kind: 'chat', sessionKey: 'agent:main:telegram:direct:42' }],
  ])('%s', (link, expected) => {
    expect(parseDeepLink(link)).toMatchObject(expected);
  });

  it('a setup link carries the decoded payload', () => {
    const l = parseDeepLink(`openclaw://setup/${code}`);
    expect(l.kind === 'setup' && l.payload.url).toBe('wss://gw.example:18789');
  });

  it.each([
    ['https://example.com/pairing/abc', /not an openclaw:\/\/ link/],
    ['openclaw:pairing/abc', /not an openclaw:\/\/ link/],
    ['openclaw://approve/abc', /unknown link "approve"/],
    ['openclaw://pairing/abc/approve', /one value, got a path of 2/],
    ['openclaw://pairing/abc?approve=1', /unexpected parameter "approve"/],
    ['openclaw://pairing?request=a&request=b', /given more than once/],
    ['openclaw://pairing/a?request=b', /not both/],
    ['openclaw://pairing/', /has no value/],
    ['openclaw://pairing/a%2Fb', /not a pairing request id/],
    ['openclaw://pairing/%E0%A4%A', /malformed percent-encoding/],
    ['openclaw://user:pw@pairing/abc', /no user, password or port/],
    ['openclaw://pairing:99/abc', /no user, password or port/],
    ['openclaw://pairing/abc#x', /no #fragment/],
    ['openclaw://pairing/ab c', /spaces or control characters/],
    ['openclaw://chat/agent::main', /not a session key/],
    ['openclaw://setup/bm90LWpzb24', /not a setup code/],
    ['openclaw://setup/e30', /missing url or bootstrapToken/],
    [`openclaw://chat/${'a'.repeat(MAX_DEEP_LINK_LENGTH)}`, /longer than/],
  ])('refuses %s', (link, reason) => {
    expect(() => parseDeepLink(link)).toThrow(DeepLinkError);
    expect(() => parseDeepLink(link)).toThrow(reason);
  });

  it('finds the link on a command line and names the page it opens', () => {
    expect(deepLinkFromArgv(['/opt/OpenClaw/openclaw', '--no-sandbox', 'openclaw://chat/main'])).toBe('openclaw://chat/main');
    expect(deepLinkFromArgv(['/opt/OpenClaw/openclaw'])).toBeUndefined();
    expect(deepLinkPage(parseDeepLink(`openclaw://setup/${code}`))).toBe('nodes');
    expect(deepLinkPage(parseDeepLink('openclaw://pairing/x'))).toBe('pairing');
  });
});

it('the installers register the scheme the app parses', () => {
  const builder = JSON.parse(readFileSync(new URL('../../build/electron-builder.json', import.meta.url), 'utf8')) as { protocols: { schemes: string[] }[] };
  expect(builder.protocols.flatMap((p) => p.schemes)).toEqual([DEEP_LINK_SCHEME]);
});
