import { afterAll, describe, expect, it } from 'vitest';
import { runTool } from './registry.js';
import { messageTool, sessionsHistoryTool, sessionsListTool, sessionsSendTool } from './session-tools.js';
import { makeToolFixture } from '../../../test-support/tool-context.js';
import type { AgentTool, ToolServices } from './types.js';

const fx = makeToolFixture();
afterAll(() => fx.cleanup());
const run = (tool: AgentTool<never>, params: unknown, services: ToolServices = {}) => runTool(tool as AgentTool, params, fx.ctx({ services }));

describe('without services', () => {
  it.each([
    [sessionsListTool, {}, /Session listing is not available/],
    [sessionsHistoryTool, { sessionKey: 'agent:main:x' }, /Session history is not available/],
    [sessionsSendTool, { sessionKey: 'agent:main:x', message: 'hi' }, /not available/],
    [messageTool, { channel: 'telegram', to: '42', text: 'hi' }, /No channels are configured yet/],
  ] as const)('%# says so plainly', async (tool, params, pattern) => {
    const res = await run(tool, params);
    expect(res.isError).toBe(true);
    expect(res.content).toMatch(pattern);
  });
});

describe('with services', () => {
  const services: ToolServices = {
    listSessions: async ({ limit }) => [{ sessionKey: 'agent:main:main', agentId: 'main', updatedAtMs: 0, messageCount: limit ?? 0, title: 'Hello' }],
    sessionHistory: async ({ sessionKey }) => [{ role: 'user', text: `hi from ${sessionKey}`, timestampMs: 0 }],
    sendToSession: async () => ({ runId: 'run-1' }),
    sendMessage: async ({ channel, to }) => ({ messageId: `${channel}:${to}:1` }),
  };
  it('lists, reads, sends and messages', async () => {
    expect((await run(sessionsListTool, { limit: 3 }, services)).content).toBe('- agent:main:main (agent main, 3 messages, updated 1970-01-01T00:00:00.000Z): Hello');
    expect((await run(sessionsHistoryTool, { sessionKey: 'agent:main:x' }, services)).content).toBe('[1970-01-01T00:00:00.000Z] user: hi from agent:main:x');
    expect((await run(sessionsSendTool, { sessionKey: 'agent:main:x', message: 'hi' }, services)).content).toBe('Sent to agent:main:x (run run-1).');
    expect((await run(messageTool, { channel: 'telegram', to: '42', text: 'hi' }, services)).content).toBe('Message sent via telegram to 42 (id telegram:42:1).');
  });
  it('refuses sending into the current session', async () => {
    expect((await run(sessionsSendTool, { sessionKey: 'agent:main:main', message: 'hi' }, services)).content).toMatch(/current session/);
  });
});
