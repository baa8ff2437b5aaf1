import JSON5 from 'json5';
import { describe, expect, it } from 'vitest';
import { editJson5Text, removeFromJson5, setInJson5 } from './json5-edit.js';

const HAND_WRITTEN = `// ~/.openclaw/openclaw.json — my assistant
{
  /* the gateway */
  gateway: {
    port: 18789, // fixed for the firewall rule
    bind: 'loopback',
  },

  // Providers: keys come from the environment.
  models: { providers: {
    anthropic: { apiKey: "\${ANTHROPIC_API_KEY}", api: "anthropic-messages" },
  } },
  tools: { exec: { allow: ["ls", "git"] } }  // nothing else
}
`;

/** Every line of `before` that is not in `changed` is still in `after`, in order. */
function keptLines(before: string, after: string, changed: RegExp): void {
  const kept = before.split('\n').filter((l) => !changed.test(l));
  const out = after.split('\n');
  let at = 0;
  for (const line of kept) {
    const found = out.indexOf(line, at);
    expect(found, `line kept: ${line}`).toBeGreaterThanOrEqual(0);
    at = found + 1;
  }
}

describe('editJson5Text: comments and layout survive an edit', () => {
  it('replaces a value in place, keeping its trailing comment', () => {
    const out = editJson5Text(HAND_WRITTEN, { ...(JSON5.parse(HAND_WRITTEN) as object), gateway: { port: 19001, bind: 'loopback' } })!;
    expect(out).toContain('    port: 19001, // fixed for the firewall rule\n');
    keptLines(HAND_WRITTEN, out, /port: 18789/);
  });

  it('adds a new key after its siblings, indented like them, in the file\'s key style', () => {
    const cfg = JSON5.parse(HAND_WRITTEN);
    const out = editJson5Text(HAND_WRITTEN, { ...cfg, logging: { level: 'debug' } })!;
    expect(out).toContain('  tools: { exec: { allow: ["ls", "git"] } },  // nothing else\n  logging: {\n    level: "debug"\n  }\n}');
    keptLines(HAND_WRITTEN, out, /tools: /);
    expect(JSON5.parse(out)).toEqual({ ...cfg, logging: { level: 'debug' } });
  });

  it('adds into a nested object and a one-line object', () => {
    const cfg = JSON5.parse(HAND_WRITTEN);
    cfg.gateway.auth = { mode: 'token' };
    cfg.models.providers.anthropic.baseUrl = 'http://127.0.0.1:8080';
    const out = editJson5Text(HAND_WRITTEN, cfg)!;
    expect(out).toContain("    bind: 'loopback',\n    auth: {\n      mode: \"token\"\n    },\n  },");
    expect(out).toContain('anthropic: { apiKey: "${ANTHROPIC_API_KEY}", api: "anthropic-messages", baseUrl: "http://127.0.0.1:8080" },');
    expect(JSON5.parse(out)).toEqual(cfg);
  });

  it('removes a key with its own line and comment, keeping the rest', () => {
    const cfg = JSON5.parse(HAND_WRITTEN);
    delete cfg.gateway.port;
    const out = editJson5Text(HAND_WRITTEN, cfg)!;
    expect(out).not.toContain('firewall');
    keptLines(HAND_WRITTEN, out, /port: 18789/);
    expect(JSON5.parse(out)).toEqual(cfg);
  });

  it('keeps a plain JSON file plain JSON (quoted keys, no trailing comma after a removal)', () => {
    const json = `{\n  "gateway": {\n    "port": 1,\n    "bind": "lan"\n  }\n}\n`;
    const set = editJson5Text(json, { gateway: { port: 1, bind: 'lan', auth: { mode: 'token' } } })!;
    expect(JSON.parse(set)).toEqual({ gateway: { port: 1, bind: 'lan', auth: { mode: 'token' } } });
    expect(set).toBe(`{\n  "gateway": {\n    "port": 1,\n    "bind": "lan",\n    "auth": {\n      "mode": "token"\n    }\n  }\n}\n`);
    const removed = editJson5Text(json, { gateway: { port: 1 } })!;
    expect(removed).toBe(`{\n  "gateway": {\n    "port": 1\n  }\n}\n`);
  });

  it('fills an empty object and appends to an array', () => {
    expect(setInJson5('{ a: {} }', ['a', 'b'], 1)).toBe('{ a: {\n  b: 1\n} }');
    expect(JSON5.parse(setInJson5('{ list: [1, 2] }', ['list', 2], 3))).toEqual({ list: [1, 2, 3] });
    expect(removeFromJson5('{ a: 1, b: 2 }', ['b'])).toBe('{ a: 1 }');
    expect(removeFromJson5('{ a: 1, b: 2 }', ['a'])).toBe('{ b: 2 }');
  });

  it('strings holding braces, comment markers and quotes do not confuse it', () => {
    const text = `{\n  a: "} // not a comment",\n  b: 'it\\'s /* fine */',\n}\n`;
    const cfg = JSON5.parse(text);
    const out = editJson5Text(text, { ...cfg, c: true })!;
    expect(JSON5.parse(out)).toEqual({ ...cfg, c: true });
    expect(out.startsWith(`{\n  a: "} // not a comment",\n  b: 'it\\'s /* fine */',\n`)).toBe(true);
  });

  it('says it cannot when the text is not an object it can follow', () => {
    expect(editJson5Text('[1]', { a: 1 })).toBeUndefined();
    expect(editJson5Text('{ a: ', { a: 1 })).toBeUndefined();
  });
});
