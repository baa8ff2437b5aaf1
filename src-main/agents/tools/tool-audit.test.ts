import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Type } from '@sinclair/typebox';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configureLogging, createLogger, type LogFields, type Logger } from '../../logging/index.js';
import { makeToolFixture, type ToolSandboxFixture } from '../../../test-support/tool-context.js';
import { execTool } from './exec.js';
import { readTool } from './fs-tools.js';
import { runTool } from './registry.js';
import { describeToolCall, formatArgv } from './tool-audit.js';
import type { AgentTool, ToolContext } from './types.js';

/** A logger that keeps its lines (no sink, so no redaction: see the file test below for that). */
function captureLogger(): Logger & { lines: { level: string; msg: string; fields: LogFields }[] } {
  const lines: { level: string; msg: string; fields: LogFields }[] = [];
  const at = (level: string) => (msg: string, fields: LogFields = {}) => void lines.push({ level, msg, fields });
  const log = { lines, fatal: at('fatal'), error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug'), trace: at('trace'), child: () => log, isLevelEnabled: () => true };
  return log;
}

let fx: ToolSandboxFixture;
let ctx: ToolContext;
beforeEach(() => {
  fx = makeToolFixture();
  ctx = fx.ctx({ execAllow: ['echo', 'ls'], stateDir: path.join(fx.root, 'state') });
  writeFileSync(path.join(fx.workspace, 'a.txt'), 'A');
});
afterEach(() => fx.cleanup());

describe('audit line per tool call', () => {
  it('formats argv like a shell would show it', () => {
    expect(formatArgv(['git', 'log', '--oneline'])).toBe('git log --oneline');
    expect(formatArgv(['git', 'commit', '-m', 'two words', ''])).toBe('git commit -m "two words" ""');
    expect(describeToolCall('exec', { argv: ['ls'], env: { TZ: 'UTC' } })).toEqual({ argv: 'ls', cwd: '.', envNames: ['TZ'] });
    expect(describeToolCall('write', { path: 'a.txt', content: 'private text' })).toEqual({ target: { path: 'a.txt' } });
    expect(describeToolCall('message', { channel: 'telegram', to: '123', text: 'hello' })).toEqual({ target: { channel: 'telegram', to: '123' } });
  });

  it('one line for every call with tool, argv, cwd, session, outcome, code and duration', async () => {
    const log = captureLogger();
    const throwing: AgentTool = { name: 'boom', description: '', group: 'fs', schema: Type.Object({}), execute: () => Promise.reject(new Error('disk on fire')) };
    await runTool(execTool as AgentTool, { argv: ['echo', 'hi'] }, ctx, { audit: log });
    await runTool(execTool as AgentTool, { argv: ['ls', 'missing'] }, ctx, { audit: log });
    await runTool(execTool as AgentTool, { argv: ['ls', '/etc'], cwd: '.' }, ctx, { audit: log });
    await runTool(execTool as AgentTool, { argv: 'ls' }, ctx, { audit: log });
    await runTool(readTool as AgentTool, { path: 'a.txt' }, ctx, { audit: log });
    await runTool(throwing, {}, ctx, { audit: log });
    expect(log.lines.map((l) => [l.level, l.msg, l.fields.tool, l.fields.outcome, l.fields.code])).toEqual([
      ['info', 'tool call', 'exec', 'ok', undefined],
      ['info', 'tool call', 'exec', 'error', undefined],
      ['warn', 'tool call', 'exec', 'denied', 'PATH_ESCAPE'],
      ['info', 'tool call', 'exec', 'error', 'INVALID_PARAMS'],
      ['info', 'tool call', 'read', 'ok', undefined],
      ['info', 'tool call', 'boom', 'error', undefined],
    ]);
    expect(log.lines[0].fields).toMatchObject({ agentId: 'main', sessionKey: 'agent:main:main', argv: 'echo hi', cwd: '.', exitCode: 0, durationMs: expect.any(Number) });
    expect(log.lines[1].fields).toMatchObject({ argv: 'ls missing', exitCode: 2 });
    expect(log.lines[4].fields).toMatchObject({ target: { path: 'a.txt' } });
  });

  it('secrets in argv are redacted in the log file', async () => {
    const file = path.join(fx.root, 'audit.log');
    configureLogging({ file, console: false });
    try {
      const log = createLogger('agents/tools');
      await runTool(execTool as AgentTool, { argv: ['echo', 'sk-abcdefghijklmnopqrstuvwx', '-H', 'Authorization: Bearer abc.def.ghi', 'Bearer', 'xyz123456789', 'api_key=hunter2hunter2'] }, ctx, { audit: log });
      const text = readFileSync(file, 'utf8');
      expect(text).toContain('"message":"tool call"');
      for (const secret of ['abcdefghijklmnopqrstuvwx', 'abc.def.ghi', 'xyz123456789', 'hunter2hunter2']) expect(text).not.toContain(secret);
    } finally {
      configureLogging({ file: path.join(fx.root, 'after.log'), console: false });
    }
  });
});
