import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MethodResult } from '../../src-shared/protocol/index.js';
import { lastUserText } from '../../test-support/channel-gateway.js';
import type { ScriptRequest } from '../../test-support/fake-model-script.js';
import { FakeOpenAIServer } from '../../test-support/fake-openai.js';
import { startTestGateway, type TestGateway, chatTurn } from '../../test-support/gateway.js';
import type { GatewayClient } from '../cli/gateway-client.js';
import { applySummaries, entriesToCompact, needsCompaction, summaryMessages } from './compaction.js';
import type { TranscriptEntry } from '../store/types.js';

const SUMMARISER = 'You compress conversations';

/** Chat Completions requests the fake model received: whether each was a summary request, and its messages as text. */
function requests(model: FakeOpenAIServer): { summary: boolean; messages: string }[] {
  return model.requests
    .filter((r) => r.path.endsWith('/chat/completions'))
    .map((r) => {
      const msgs = (r.body as { messages: { role: string; content: unknown }[] }).messages;
      const system = msgs.find((m) => m.role === 'system')?.content;
      return { summary: typeof system === 'string' && system.startsWith(SUMMARISER), messages: JSON.stringify(msgs.filter((m) => m.role !== 'system')) };
    });
}

/** A model that summarises when asked to, and otherwise answers "noted: <text>". */
function script(req: ScriptRequest) {
  if (req.system.startsWith(SUMMARISER)) return { text: `SUMMARY[${(lastUserText(req.messages).match(/fact-\d+/g) ?? []).join(',')}]` };
  return { text: `noted: ${lastUserText(req.messages).slice(0, 20)}` };
}

describe('compaction and archived transcripts, end to end', () => {
  let model: FakeOpenAIServer;
  let t: TestGateway;
  let c: GatewayClient;
  let n = 0;

  async function say(sessionKey: string, message: string) {
    await chatTurn(c, { sessionKey, message, idempotencyKey: `r-${++n}` });
    await t.gw.queueIdle();
  }

  beforeAll(async () => {
    model = new FakeOpenAIServer({ script });
    await model.start();
    t = await startTestGateway({
      config: {
        gateway: { auth: { mode: 'token', token: 'compaction-token' } },
        // A small window, so a few long turns fill it.
        models: { providers: { m: { baseUrl: `${model.baseUrl}/v1`, apiKey: 'x', api: 'openai-completions', models: [{ id: 'small', contextWindow: 3000, maxTokens: 200 }] } } },
        agents: { defaults: { model: { primary: 'm/small' }, compaction: { keepRecentTurns: 2 } } },
      },
    });
    c = await t.operator();
  });
  afterAll(async () => {
    await t?.close();
    await model?.close();
  });

  it('when the history fills the window, older turns are summarised once and the summary replaces them in later requests', async () => {
    const key = 'agent:main:long';
    const filler = 'x'.repeat(1600);
    for (let i = 1; i <= 6; i++) await say(key, `fact-${i} ${filler}`);
    expect(requests(model).filter((r) => r.summary).length).toBeGreaterThanOrEqual(1);

    const h = await c.call<MethodResult<'chat.history'>>('chat.history', { sessionKey: key, limit: 100 });
    const summary = h.messages.filter((m) => m.role === 'summary').at(-1);
    expect(summary, 'a summary entry in the transcript').toBeDefined();
    // The transcript keeps every turn; only what the model sees is compacted.
    expect(h.messages.filter((m) => m.role === 'user')).toHaveLength(6);

    await say(key, 'what do you remember?');
    const sent = requests(model).filter((r) => !r.summary).at(-1)!.messages;
    expect(sent).toContain('SUMMARY[');
    expect(sent).not.toContain('fact-1 ');
    expect(sent).toContain('fact-6');
  });

  it('sessions.compact summarises on request; a busy or tiny session says why not', async () => {
    const key = 'agent:main:manual';
    for (let i = 1; i <= 4; i++) await say(key, `fact-${10 + i} short`);
    const r = await c.call<MethodResult<'sessions.compact'>>('sessions.compact', { key });
    expect(r).toMatchObject({ ok: true, compacted: true, coveredEntries: 4 });
    const again = await c.call<MethodResult<'sessions.compact'>>('sessions.compact', { key });
    expect(again).toMatchObject({ compacted: false, reason: 'nothing older than the kept turns' });
  });

  it('a reset sets the transcript aside: listed, readable, and deleted with the session', async () => {
    const key = 'agent:main:archived';
    await say(key, 'before the reset');
    const { sessionId: newId } = await c.call<MethodResult<'sessions.reset'>>('sessions.reset', { key });
    await say(key, 'after the reset');
    const { archives } = await c.call<MethodResult<'sessions.archives'>>('sessions.archives', { key });
    expect(archives).toHaveLength(1);
    expect(archives[0]).toMatchObject({ messageCount: 2, lastPreview: expect.stringContaining('noted') });
    expect(archives[0]!.sessionId).not.toBe(newId);

    const old = await c.call<MethodResult<'chat.history'>>('chat.history', { sessionKey: key, sessionId: archives[0]!.sessionId });
    expect(old.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
    const current = await c.call<MethodResult<'chat.history'>>('chat.history', { sessionKey: key });
    expect(current.sessionId).toBe(newId);
    // Another session's transcript id is not readable through this key.
    await expect(c.call('chat.history', { sessionKey: 'agent:main:long', sessionId: archives[0]!.sessionId })).rejects.toThrow(/has no earlier transcript/);

    await c.call('sessions.delete', { key });
    const { archives: after } = await c.call<MethodResult<'sessions.archives'>>('sessions.archives', { key });
    expect(after).toEqual([]);
  });
});

describe('compaction rules', () => {
  const entry = (seq: number, role: TranscriptEntry['role'], text: string): TranscriptEntry => ({ sessionId: 's', seq, role, content: [{ type: 'text', text }], createdAtMs: seq });
  const summary = (seq: number, covers: number, text: string): TranscriptEntry => ({ sessionId: 's', seq, role: 'summary', content: [{ type: 'summary', text, coversThroughSeq: covers }], createdAtMs: seq });

  it('the newest summary stands in for what it covers; older summaries are superseded', () => {
    const entries = [entry(1, 'user', 'a'), entry(2, 'assistant', 'b'), summary(3, 2, 'S1'), entry(4, 'user', 'c'), entry(5, 'assistant', 'd'), summary(6, 4, 'S2'), entry(7, 'user', 'e')];
    const r = applySummaries(entries);
    expect(r.summary?.text).toBe('S2');
    expect(r.entries.map((e) => e.seq)).toEqual([5, 7]);
    expect(summaryMessages(r.summary).map((m) => m.role)).toEqual(['user', 'assistant']);
  });

  it('keeps the newest turns whole and covers only what is older', () => {
    const entries = [1, 3, 5, 7].flatMap((s) => [entry(s, 'user', `q${s}`), entry(s + 1, 'assistant', `a${s}`)]);
    expect(entriesToCompact(entries, 2).covered.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(entriesToCompact(entries, 4).covered).toEqual([]);
  });

  it('the threshold is a share of the window left after the reply budget', () => {
    const msgs = [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'y'.repeat(3000) }] }];
    const s = { mode: 'summarize' as const, thresholdRatio: 0.75, keepRecentTurns: 4 };
    expect(needsCompaction(msgs, '', { contextWindow: 1300, maxTokens: 200 }, s)).toBe(false);
    expect(needsCompaction(msgs, '', { contextWindow: 1100, maxTokens: 200 }, s)).toBe(true);
    expect(needsCompaction(msgs, '', { contextWindow: 1100, maxTokens: 200 }, { ...s, mode: 'trim' })).toBe(false);
  });
});
