import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import JSON5 from 'json5';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigConflictError, ConfigError } from './errors.js';
import { hashConfigText, loadConfigFile } from './load.js';
import { editConfigFile, formatConfig, writeConfigAtomic } from './write.js';

let dir: string;
let file: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-write-'));
  file = path.join(dir, 'state', 'openclaw.json');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const mode = (p: string) => fs.statSync(p).mode & 0o777;
const posix = process.platform !== 'win32';

describe('writeConfigAtomic', () => {
  it('creates the directory and writes a 0600 file', () => {
    writeConfigAtomic(file, '{"a":1}\n');
    expect(fs.readFileSync(file, 'utf8')).toBe('{"a":1}\n');
    expect(fs.existsSync(`${file}.bak`)).toBe(false);
    if (posix) {
      expect(mode(file)).toBe(0o600);
      expect(mode(path.dirname(file))).toBe(0o700);
    }
  });

  it('keeps the previous content in .bak and leaves no temp files', () => {
    writeConfigAtomic(file, 'one');
    writeConfigAtomic(file, 'two');
    expect(fs.readFileSync(file, 'utf8')).toBe('two');
    expect(fs.readFileSync(`${file}.bak`, 'utf8')).toBe('one');
    if (posix) expect(mode(`${file}.bak`)).toBe(0o600);
    expect(fs.readdirSync(path.dirname(file)).sort()).toEqual(['openclaw.json', 'openclaw.json.bak']);
  });

  it('skips the backup when asked', () => {
    writeConfigAtomic(file, 'one');
    writeConfigAtomic(file, 'two', { backup: false });
    expect(fs.existsSync(`${file}.bak`)).toBe(false);
  });
});

describe('formatConfig', () => {
  it('writes 2-space JSON that JSON5 reads back', () => {
    const text = formatConfig({ gateway: { port: 1 } });
    expect(text).toBe('{\n  "gateway": {\n    "port": 1\n  }\n}\n');
    expect(JSON5.parse(text)).toEqual({ gateway: { port: 1 } });
  });
});

describe('editConfigFile', () => {
  it('edits, validates and writes, keeping ${VAR} references and a backup', () => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const original = '// comment\n{ gateway: { auth: { token: "${TOK}" } } }\n';
    fs.writeFileSync(file, original);
    const result = editConfigFile(file, { TOK: 'secret' }, (config) => ({ ...config, gateway: { ...config.gateway, port: 19001 } }));
    expect(result.before).toEqual({ gateway: { auth: { token: '${TOK}' } } });
    expect(result.after).toEqual({ gateway: { auth: { token: '${TOK}' }, port: 19001 } });
    const written = fs.readFileSync(file, 'utf8');
    expect(result.hash).toBe(hashConfigText(written));
    expect(written).toBe('// comment\n{ gateway: { auth: { token: "${TOK}" }, port: 19001 } }\n');
    expect(written).not.toContain('secret');
    expect(fs.readFileSync(`${file}.bak`, 'utf8')).toBe(original);
    const reloaded = loadConfigFile(file, { TOK: 'secret' });
    expect(reloaded.ok && reloaded.resolved.gateway.port).toBe(19001);
  });

  it('creates the file when missing', () => {
    editConfigFile(file, {}, (config) => ({ ...config, logging: { level: 'debug' } }));
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ logging: { level: 'debug' } });
  });

  it('refuses an invalid result and leaves the file byte-identical', () => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const original = '{ gateway: { port: 18789 } } // keep me\n';
    fs.writeFileSync(file, original);
    const before = fs.statSync(file).mtimeMs;
    let thrown: unknown;
    try {
      editConfigFile(file, {}, (config) => ({ ...config, gateway: { ...config.gateway, prot: 1 } }) as never);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).issues).toEqual([{ path: 'gateway.prot', message: 'unknown key' }]);
    expect(fs.readFileSync(file, 'utf8')).toBe(original);
    expect(fs.statSync(file).mtimeMs).toBe(before);
    expect(fs.existsSync(`${file}.bak`)).toBe(false);
  });

  it('lets an edit repair an invalid file', () => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '{ gateway: { prot: 1 } }');
    editConfigFile(file, {}, (config) => {
      delete (config.gateway as Record<string, unknown>).prot;
      return config;
    });
    expect(loadConfigFile(file, {}).ok).toBe(true);
  });

  it('refuses to edit a file that does not parse', () => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '{ oops');
    expect(() => editConfigFile(file, {}, (c) => c)).toThrow(ConfigError);
    expect(fs.readFileSync(file, 'utf8')).toBe('{ oops');
  });

  it('detects a concurrent change through expectedHash', () => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '{}');
    const loaded = loadConfigFile(file, {});
    if (!loaded.ok) throw loaded.error;
    fs.writeFileSync(file, '{ logging: {} }');
    expect(() => editConfigFile(file, {}, (c) => c, { expectedHash: loaded.hash })).toThrow(ConfigConflictError);
    editConfigFile(file, {}, (c) => c, { expectedHash: hashConfigText('{ logging: {} }') });
  });

  it('persists the agents.list migration on write', () => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '{ agents: { list: [{ id: "a" }] } }');
    editConfigFile(file, {}, (c) => c);
    expect(JSON5.parse(fs.readFileSync(file, 'utf8'))).toEqual({ agents: { entries: { a: { default: true } } } });
  });
});
