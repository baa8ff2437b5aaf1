import { Type, type Static } from '@sinclair/typebox';
import type { AgentTool, ToolResult } from './types.js';

const unavailable = (what: string): ToolResult => ({ content: what, isError: true });

const ListParams = Type.Object(
  {
    agentId: Type.Optional(Type.String({ description: 'Only sessions of this agent.' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, description: 'Maximum sessions (default 20).' })),
  },
  { additionalProperties: false },
);

export const sessionsListTool: AgentTool<Static<typeof ListParams>> = {
  name: 'sessions_list',
  description: 'List recent chat sessions (session key, agent, last update, message count).',
  group: 'sessions',
  schema: ListParams,
  async execute(params, ctx) {
    const list = ctx.services.listSessions;
    if (!list) return unavailable('Session listing is not available in this runtime.');
    const sessions = await list({ agentId: params.agentId, limit: params.limit ?? 20 });
    if (sessions.length === 0) return { content: 'No sessions found.', details: { sessions } };
    const lines = sessions.map((s) => `- ${s.sessionKey} (agent ${s.agentId}, ${s.messageCount} messages, updated ${new Date(s.updatedAtMs).toISOString()})${s.title ? `: ${s.title}` : ''}`);
    return { content: lines.join('\n'), details: { sessions } };
  },
};

const HistoryParams = Type.Object(
  {
    sessionKey: Type.String({ minLength: 1 }),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, description: 'Most recent messages to return (default 50).' })),
  },
  { additionalProperties: false },
);

export const sessionsHistoryTool: AgentTool<Static<typeof HistoryParams>> = {
  name: 'sessions_history',
  description: 'Read the recent messages of a session.',
  group: 'sessions',
  schema: HistoryParams,
  async execute(params, ctx) {
    const history = ctx.services.sessionHistory;
    if (!history) return unavailable('Session history is not available in this runtime.');
    const messages = await history({ sessionKey: params.sessionKey, limit: params.limit ?? 50 });
    if (messages.length === 0) return { content: `Session ${params.sessionKey} has no messages.`, details: { messages } };
    return { content: messages.map((m) => `[${new Date(m.timestampMs).toISOString()}] ${m.role}: ${m.text}`).join('\n'), details: { messages } };
  },
};

const SendParams = Type.Object(
  {
    sessionKey: Type.String({ minLength: 1 }),
    message: Type.String({ minLength: 1 }),
  },
  { additionalProperties: false },
);

export const sessionsSendTool: AgentTool<Static<typeof SendParams>> = {
  name: 'sessions_send',
  description: 'Send a message into another session, starting a run there.',
  group: 'sessions',
  schema: SendParams,
  async execute(params, ctx) {
    const send = ctx.services.sendToSession;
    if (!send) return unavailable('Sending to other sessions is not available in this runtime.');
    if (params.sessionKey === ctx.sessionKey) return { content: 'That is the current session; reply directly instead.', isError: true };
    const { runId } = await send({ sessionKey: params.sessionKey, message: params.message });
    return { content: `Sent to ${params.sessionKey} (run ${runId}).`, details: { runId } };
  },
};

const MessageParams = Type.Object(
  {
    channel: Type.String({ minLength: 1, description: 'Channel id, e.g. "telegram".' }),
    to: Type.String({ minLength: 1, description: 'Recipient (chat id, user or group) on that channel.' }),
    accountId: Type.Optional(Type.String({ description: 'Channel account, when several are configured.' })),
    text: Type.String({ minLength: 1 }),
  },
  { additionalProperties: false },
);

export const messageTool: AgentTool<Static<typeof MessageParams>> = {
  name: 'message',
  description: 'Send a text message through a configured chat channel.',
  group: 'messaging',
  schema: MessageParams,
  async execute(params, ctx) {
    const send = ctx.services.sendMessage;
    if (!send) return unavailable('No channels are configured yet, so messages cannot be sent.');
    const { messageId } = await send({ channel: params.channel, to: params.to, accountId: params.accountId, text: params.text });
    return { content: `Message sent via ${params.channel} to ${params.to}${messageId ? ` (id ${messageId})` : ''}.`, details: { messageId } };
  },
};
