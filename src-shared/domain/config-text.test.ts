import JSON5 from 'json5';
import { describe, expect, it } from 'vitest';
import { REDACTED_SENTINEL, collectSecretValues, redactConfig } from './config-schema.js';
import { hideSubstitutedValues, redactConfigText, restoreRedactedText, scanJson5Text } from './config-text.js';

const FILE = `// OpenClaw config; gateway token was sk-old-canary-1234 before the rotation
{
  gateway: {
    auth: { mode: 'token', token: "tok-canary-5678" },
  },
  models: {
    providers: {
      custom: {
        baseUrl: 'https://llm.example/v1',
        apiKey: '\${CUSTOM_API_KEY}',
        headers: {
          'X-Custom-Auth': 'hdr-canary-9012', /* keep this one */
          Cookie: "session=cookie-canary-3456",
          "X-Escaped": "esc\\"canary\\u0041",
        },
        models: [{ id: 'm1', name: "Model \\"one\\"" }],
      },
    },
  },
  channels: { telegram: { botToken: '123:bot-canary-7890', allowFrom: ["42"] } },
}
`;

describe('scanJson5Text', () => {
  it('finds string values with their paths, and comments, skipping keys', () => {
    const scan = scanJson5Text(FILE);
    const byPath = Object.fromEntries(scan.values.map((v) => [v.path.join('.'), v.value]));
    expect(byPath).toMatchObject({
      'gateway.auth.mode': 'token',
      'gateway.auth.token': 'tok-canary-5678',
      'models.providers.custom.headers.X-Custom-Auth': 'hdr-canary-9012',
      'models.providers.custom.headers.X-Escaped': 'esc"canaryA',
      'models.providers.custom.models.0.id': 'm1',
      'models.providers.custom.models.0.name': 'Model "one"',
      'channels.telegram.allowFrom.0': '42',
    });
    expect(scan.values.map((v) => v.value)).not.toContain('X-Custom-Auth');
    expect(scan.comments.map((c) => FILE.slice(c.start, c.end))).toEqual([expect.stringMatching(/^\/\/ OpenClaw config/), '/* keep this one */']);
  });

  it('never throws on broken text', () => {
    for (const text of ['{ a: "unterminated', '{ a: [1, 2', '}}]]', '/* open', "{ 'k': 'v' "]) expect(() => scanJson5Text(text)).not.toThrow();
    expect(scanJson5Text('{ token: "half').values).toEqual([expect.objectContaining({ path: ['token'], value: 'half' })]);
  });
});

describe('redactConfigText', () => {
  const redacted = redactConfigText(FILE);

  it('replaces exactly what redactConfig replaces in the parsed config, keeping layout and comments', () => {
    for (const canary of ['tok-canary-5678', 'hdr-canary-9012', 'cookie-canary-3456', 'canary\\u0041', 'bot-canary-7890']) expect(redacted).not.toContain(canary);
    expect(JSON5.parse(redacted)).toEqual(redactConfig(JSON5.parse(FILE)));
    expect(redacted).toContain("mode: 'token'");
    expect(redacted).toContain('/* keep this one */');
    expect(redacted).toContain("apiKey: '${CUSTOM_API_KEY}'");
    expect(redacted.split('\n').length).toBe(FILE.split('\n').length);
  });

  it('hides copies of a secret elsewhere: comments, other values, values named by the caller', () => {
    // A value equal to the gateway token is hidden too (over-hiding a copy is the safe side).
    expect(redactConfigText('{ gateway: { auth: { token: "tok-1234" } }, channels: { x: { allowFrom: ["42", \'tok-1234\'] } } }')).toBe(
      `{ gateway: { auth: { token: "${REDACTED_SENTINEL}" } }, channels: { x: { allowFrom: ["42", "${REDACTED_SENTINEL}"] } } }`,
    );
    expect(redactConfigText('// old: sk-old-canary-1234\n{ note: "sk-old-canary-1234" }', ['sk-old-canary-1234'])).not.toContain('sk-old-canary-1234');
  });

  it('redacts a file that does not parse, by path', () => {
    const broken = '{ gateway: { auth: { token: "tok-broken-1111" } }, models: { providers: { p: { headers: { X: "h-broken-2222" } } } ';
    const out = redactConfigText(broken);
    expect(out).not.toContain('tok-broken-1111');
    expect(out).not.toContain('h-broken-2222');
  });

  it('also catches a duplicate key the parser would shadow', () => {
    expect(redactConfigText('{ gateway: { auth: { token: "first-secret", token: "second-secret" } } }')).not.toMatch(/first-secret|second-secret/);
  });
});

describe('restoreRedactedText', () => {
  it('puts the secrets back in place, so an edited redacted text keeps its comments', () => {
    const current = JSON5.parse(FILE) as Record<string, unknown>;
    const edited = redactConfigText(FILE).replace("mode: 'token'", "mode: 'password'");
    const restored = restoreRedactedText(edited, current)!;
    expect(restored).toContain('/* keep this one */');
    expect(restored).toContain('"tok-canary-5678"');
    expect(restored).toContain("mode: 'password'");
    const value = JSON5.parse(restored) as { gateway: { auth: unknown } };
    expect(value.gateway.auth).toEqual({ mode: 'password', token: 'tok-canary-5678' });
    expect(collectSecretValues(value)).toEqual(expect.arrayContaining(['hdr-canary-9012', 'session=cookie-canary-3456', '123:bot-canary-7890']));
  });

  it('gives up (undefined) when a sentinel has nothing to come back to', () => {
    expect(restoreRedactedText(`{ gateway: { remote: { token: "${REDACTED_SENTINEL}" } } }`, {})).toBeUndefined();
  });
});

describe('hideSubstitutedValues', () => {
  const written = { models: { providers: { p: { api: '${KEY}', baseUrl: 'https://${HOST}/x', name: 'plain' } } }, list: ['${A}'] };
  const issue = (path: string, message: string) => ({ path, message });

  it('names the variable instead of quoting its value', () => {
    expect(
      hideSubstitutedValues(
        [
          issue('models.providers.p.api', 'expected one of "a", "b", got "sk-live-secret"'),
          issue('models.providers.p.baseUrl', 'expected x, got "https://internal-host/x"'),
          issue('list[0]', 'expected integer, got "value"'),
        ],
        written,
      ).map((i) => i.message),
    ).toEqual(['expected one of "a", "b", got the value of ${KEY} (not shown)', 'expected x, got the value of ${HOST} (not shown)', 'expected integer, got the value of ${A} (not shown)']);
  });

  it('leaves other issues alone, and is idempotent', () => {
    const issues = [issue('models.providers.p.name', 'expected x, got "plain"'), issue('', 'unknown key'), issue('models.providers.p.api', 'missing environment variable KEY (referenced as ${KEY})')];
    expect(hideSubstitutedValues(issues, written)).toEqual(issues);
    const once = hideSubstitutedValues([issue('models.providers.p.api', 'expected y, got "v"')], written);
    expect(hideSubstitutedValues(once, written)).toEqual(once);
  });
});
