import { describe, expect, it } from 'vitest';
import { REDACTED, redactText, redactValue } from './redact.js';

describe('redactText', () => {
  it.each([
    ['telegram bot URL', 'GET https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/getMe', 'GET https://api.telegram.org/bot[REDACTED]/getMe'],
    ['bare telegram token', 'token is 123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw ok', 'token is [REDACTED] ok'],
    ['anthropic key', 'key sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123 used', 'key sk-ant-[REDACTED] used'],
    ['openai key', 'OPENAI=sk-proj-abcdefghijklmnopqrstuvwx', 'OPENAI=sk-proj-[REDACTED]'],
    ['plain sk key', 'sk-abcdefghijklmnopqrstuvwxyz', 'sk-[REDACTED]'],
    ['bearer', 'sent Bearer abc.def-ghi_jkl== to host', 'sent Bearer [REDACTED] to host'],
    ['authorization header', 'Authorization: Basic dXNlcjpwYXNz', 'Authorization: [REDACTED]'],
    ['slack bot token', 'xoxb-123456789012-abcdefABCDEF', 'xoxb-[REDACTED]'],
    ['slack user token', 'xoxp-123456789012-abcdef', 'xoxp-[REDACTED]'],
    ['slack app token', 'xapp-1-A0123456789-abcdef', 'xapp-[REDACTED]'],
    ['github token', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789', 'ghp_[REDACTED]'],
    ['github fine-grained', 'github_pat_11ABCDEFG0123456789_abcdefghijklmnop', 'github_pat_[REDACTED]'],
    ['token query param', 'ws://127.0.0.1:18789/?token=9f86d081884c7d659a2feaa0c55ad015&x=1', 'ws://127.0.0.1:18789/?token=[REDACTED]&x=1'],
    ['password query param', 'https://h/login?user=bob&password=hunter2', 'https://h/login?user=bob&password=[REDACTED]'],
    ['key query param', 'https://maps/api?key=AIzaSyA-abcdefghijklmnop_qrstu', 'https://maps/api?key=[REDACTED]'],
    ['api_key param', 'api_key=abc123def456', 'api_key=[REDACTED]'],
    ['json token', '{"token":"abc123","id":1}', '{"token":"[REDACTED]","id":1}'],
    ['json apiKey with spaces', '{ "apiKey" : "abc\\"123" }', '{ "apiKey" : "[REDACTED]" }'],
    ['json botToken', '{"botToken":"x"}', '{"botToken":"[REDACTED]"}'],
    ['phone', 'message from +15551231234 received', 'message from +*******1234 received'],
    ['short E.164 phone', '+4917612345', '+******2345'],
    ['pem key', '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADAN\n-----END PRIVATE KEY-----', '-----BEGIN PRIVATE KEY-----[REDACTED]-----END PRIVATE KEY-----'],
  ])('%s', (_name, input, expected) => {
    expect(redactText(input)).toBe(expected);
  });

  it.each([
    ['session key param', 'sessionKey=agent:main:main'],
    ['short number', 'port 18789 pid 1234'],
    ['too few digits for E.164', 'call +1234567'],
    ['plain prose', 'the token was accepted'],
    ['iso time', '2026-01-02T03:04:05.678Z'],
  ])('leaves %s alone', (_name, input) => {
    expect(redactText(input)).toBe(input);
  });
});

describe('redactValue', () => {
  it('redacts values under sensitive keys at any depth', () => {
    const out = redactValue({
      token: 'abc',
      nested: { password: 'p', apiKey: 'k', 'x-api-key': 'k2', privateKey: 'pk', authorization: 'Basic x', cookie: ['a=b'] },
      list: [{ clientSecret: 's' }],
      ok: 'visible',
    });
    expect(out).toEqual({
      token: REDACTED,
      nested: { password: REDACTED, apiKey: REDACTED, 'x-api-key': REDACTED, privateKey: REDACTED, authorization: REDACTED, cookie: REDACTED },
      list: [{ clientSecret: REDACTED }],
      ok: 'visible',
    });
  });

  it('keeps numeric and boolean token counts and flags', () => {
    expect(redactValue({ inputTokens: 12, tokenRequired: true, token: null })).toEqual({ inputTokens: 12, tokenRequired: true, token: null });
  });

  it('redacts secrets inside plain string values', () => {
    expect(redactValue({ url: 'https://api.telegram.org/bot1234567:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/x' })).toEqual({
      url: 'https://api.telegram.org/bot[REDACTED]/x',
    });
  });

  it('serialises errors as name, message and stack, redacted', () => {
    const err = new Error('bad key sk-ant-abcdefghijklmnopqrstuvwxyz');
    const out = redactValue({ err }) as { err: Record<string, unknown> };
    expect(out.err.name).toBe('Error');
    expect(out.err.message).toBe('bad key sk-ant-[REDACTED]');
    expect(String(out.err.stack)).not.toContain('abcdefghijklmnop');
  });

  it('survives cycles, bigints and dates', () => {
    const a: Record<string, unknown> = { n: 10n, at: new Date(0) };
    a.self = a;
    expect(redactValue(a)).toEqual({ n: '10', at: '1970-01-01T00:00:00.000Z', self: '[Circular]' });
  });
});
