import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  addLogListener,
  closeLogs,
  configureLogging,
  createLogger,
  currentLogFile,
  flushLogs,
  resolveLogFilePath,
  type LogRecord,
} from './index.js';

let dir: string;
let file: string;

function readLines(p = file): LogRecord[] {
  if (!fs.existsSync(p)) return [];
  return fs
    .readFileSync(p, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as LogRecord);
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-logger-'));
  file = path.join(dir, 'test.log');
  delete process.env.OPENCLAW_LOG_LEVEL;
  configureLogging({ file, console: false });
});
afterEach(() => {
  closeLogs();
  vi.restoreAllMocks();
  delete process.env.OPENCLAW_LOG_LEVEL;
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('file lines', () => {
  it('writes one JSON object per line with fixed keys first, then fields', () => {
    createLogger('gateway').info('listening', { port: 18789, bind: '127.0.0.1' });
    const [line] = readLines();
    expect(Object.keys(line)).toEqual(['time', 'level', 'subsystem', 'message', 'port', 'bind']);
    expect(line).toMatchObject({ level: 'info', subsystem: 'gateway', message: 'listening', port: 18789 });
    expect(new Date(line.time).toISOString()).toBe(line.time);
  });

  it('serialises Error fields as name, message and stack', () => {
    createLogger('x').error('boom', { err: new TypeError('bad thing') });
    const err = readLines()[0].err as Record<string, unknown>;
    expect(err).toMatchObject({ name: 'TypeError', message: 'bad thing' });
    expect(String(err.stack)).toContain('TypeError: bad thing');
  });

  it('never lets a field overwrite a fixed key', () => {
    createLogger('x').info('real', { message: 'fake', level: 'fatal' });
    expect(readLines()[0]).toMatchObject({ message: 'real', level: 'info', _message: 'fake', _level: 'fatal' });
  });

  it('names children after their parent', () => {
    createLogger('gateway').child('ws').child('auth').info('hi');
    expect(readLines()[0].subsystem).toBe('gateway/ws/auth');
  });

  it('writes the file with mode 0600', () => {
    createLogger('x').info('hi');
    if (process.platform !== 'win32') expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });
});

describe('levels', () => {
  it('defaults to info and applies a new level from the next line', () => {
    const log = createLogger('x');
    log.debug('hidden');
    expect(log.isLevelEnabled('debug')).toBe(false);
    configureLogging({ file, console: false, level: 'debug' });
    log.debug('shown');
    log.trace('hidden');
    expect(log.isLevelEnabled('debug')).toBe(true);
    expect(readLines().map((l) => l.message)).toEqual(['shown']);
  });

  it('silent writes nothing', () => {
    configureLogging({ file, console: false, level: 'silent' });
    const log = createLogger('x');
    log.fatal('nope');
    expect(log.isLevelEnabled('fatal')).toBe(false);
    expect(readLines()).toEqual([]);
  });

  it('lets OPENCLAW_LOG_LEVEL override logging.level', () => {
    process.env.OPENCLAW_LOG_LEVEL = 'warn';
    configureLogging({ file, console: false, level: 'trace' });
    const log = createLogger('x');
    log.info('hidden');
    log.warn('shown');
    expect(readLines().map((l) => l.message)).toEqual(['shown']);
  });

  it('counts the console level in isLevelEnabled', () => {
    configureLogging({ file, level: 'warn', consoleLevel: 'debug' });
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(createLogger('x').isLevelEnabled('debug')).toBe(true);
  });
});

describe('sinks', () => {
  it('switches to a new file path at runtime', () => {
    const log = createLogger('x');
    log.info('first');
    const other = path.join(dir, 'other.log');
    configureLogging({ file: other, console: false });
    log.info('second');
    expect(readLines().map((l) => l.message)).toEqual(['first']);
    expect(readLines(other).map((l) => l.message)).toEqual(['second']);
    expect(currentLogFile()).toBe(other);
  });

  it('reports the dated default path with a profile', () => {
    configureLogging({ profile: 'work', console: false });
    expect(currentLogFile()).toBe(resolveLogFilePath({ profile: 'work', date: new Date() }));
    expect(path.basename(currentLogFile())).toMatch(/^openclaw-work-\d{4}-\d{2}-\d{2}\.log$/);
  });

  it('writes pretty lines to stderr at the console level', async () => {
    const writes: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    });
    configureLogging({ file, consoleLevel: 'warn' });
    const log = createLogger('channels/telegram');
    log.info('file only');
    log.warn('slow reply', { chatId: 42, note: 'two words' });
    await flushLogs();
    expect(writes).toHaveLength(1);
    expect(writes[0]).toMatch(/^\d{2}:\d{2}:\d{2} warn \[channels\/telegram\] slow reply chatId=42 note="two words"\n$/);
    expect(readLines().map((l) => l.message)).toEqual(['file only', 'slow reply']);
  });

  it('writes JSON lines to stderr in json style, and nothing when console is false', () => {
    const writes: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    });
    configureLogging({ file, consoleStyle: 'json' });
    createLogger('x').info('hello');
    configureLogging({ file, console: false });
    createLogger('x').info('quiet');
    expect(writes).toHaveLength(1);
    expect(JSON.parse(writes[0])).toMatchObject({ subsystem: 'x', message: 'hello' });
  });

  it('feeds redacted records to listeners until unsubscribed', () => {
    const seen: LogRecord[] = [];
    const off = addLogListener((r) => seen.push(r));
    const log = createLogger('x');
    log.info('with Bearer abcdef123456', { password: 'hunter2' });
    log.debug('below level');
    off();
    log.info('after');
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ message: 'with Bearer [REDACTED]', password: '[REDACTED]' });
  });

  it('survives a throwing listener and one that logs', () => {
    const log = createLogger('x');
    const offA = addLogListener(() => {
      throw new Error('broken');
    });
    const offB = addLogListener(() => log.info('from listener'));
    expect(() => log.info('hello')).not.toThrow();
    offA();
    offB();
    expect(readLines().map((l) => l.message)).toEqual(['hello', 'from listener']);
  });
});

describe('redaction canaries', () => {
  const canaries: Record<string, { text: string; secret: string }> = {
    telegram: { text: 'https://api.telegram.org/bot987654321:AAcanaryTELEGRAMcanaryTELEGRAMcanary/sendMessage', secret: 'canaryTELEGRAM' },
    anthropic: { text: 'sk-ant-api03-canaryANTHROPICcanary0123', secret: 'canaryANTHROPIC' },
    openai: { text: 'sk-canaryOPENAIcanaryOPENAI', secret: 'canaryOPENAI' },
    bearer: { text: 'Bearer canaryBEARERcanary', secret: 'canaryBEARER' },
    slack: { text: 'xoxb-1111-canarySLACKcanary', secret: 'canarySLACK' },
    slackApp: { text: 'xapp-1-canarySLACKAPPcanary', secret: 'canarySLACKAPP' },
    github: { text: 'ghp_canaryGITHUBcanaryGITHUBcanary00', secret: 'canaryGITHUB' },
    queryToken: { text: 'ws://h/?token=canaryQUERYTOKEN0123abcdef&a=1', secret: 'canaryQUERYTOKEN' },
    queryPassword: { text: 'https://h/?password=canaryQUERYPASS', secret: 'canaryQUERYPASS' },
    jsonToken: { text: '{"token":"canaryJSONTOKEN"}', secret: 'canaryJSONTOKEN' },
    phone: { text: '+15559876543', secret: '5559876' },
  };

  it.each(Object.entries(canaries))('keeps the %s canary out of the file and console', (name, { text, secret }) => {
    const writes: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    });
    configureLogging({ file, console: true });
    const log = createLogger('canary');
    log.info(`message with ${text}`, { [name]: text, nested: { deep: [text] }, err: new Error(`failed: ${text}`) });
    log.warn('sensitive keys', { token: secret, apiKey: secret, headers: { authorization: secret, cookie: secret } });
    const content = fs.readFileSync(file, 'utf8');
    expect(content).toContain('canary'); // the lines were written
    expect(content).not.toContain(secret);
    expect(writes.join('')).not.toContain(secret);
  });
});
