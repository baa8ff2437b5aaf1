import { describe, expect, it } from 'vitest';
import type { InboundMessage } from '../../../src-shared/domain/inbound.js';
import { recordingLogger } from '../../../test-support/recording-logger.js';
import { createVoiceCalls, NO_CHANNEL_APOLOGY, STT_APOLOGY } from './calls.js';
import type { CallLine } from './media-stream.js';

/** A call's line that records what was said on it. */
function line(callSid: string) {
  const said: { text: string; mark: string }[] = [];
  let closed = false;
  const l: CallLine = {
    callSid,
    say: async (wav, mark) => void said.push({ text: wav.toString('utf8'), mark }),
    close: () => void (closed = true),
  };
  return { l, said, closed: () => closed };
}

function setup(transcribe: (wav: Buffer) => Promise<string> = async (wav) => wav.toString('utf8')) {
  const log = recordingLogger();
  const emitted: InboundMessage[] = [];
  const hungUp: string[] = [];
  const calls = createVoiceCalls({
    log,
    transcribe,
    // "Speech" is the text itself: the line records what it was asked to say.
    synthesize: async (text) => Buffer.from(text, 'utf8'),
    hangUp: async (sid) => void hungUp.push(sid),
    now: () => 1_000,
  });
  calls.remember({ callSid: 'CA1', direction: 'inbound', from: '+15550123', to: '+15550100', status: 'ringing', startedAt: 1 });
  return { calls, log, emitted, hungUp, sink: { accountId: 'default', emit: async (m: InboundMessage) => void emitted.push(m) } };
}

describe('voice calls', () => {
  it('a caller’s words go to the gateway as a direct message from their number; the answer is spoken on their call', async () => {
    const { calls, emitted, sink } = setup();
    calls.attach(sink);
    const { l, said } = line('CA1');
    calls.onStreamStart(l);
    await calls.onSpeech({ callSid: 'CA1', wav: Buffer.from('book a table'), audioMs: 900 });
    expect(emitted).toEqual([
      { channel: 'voice', accountId: 'default', messageId: 'CA1-1', senderId: '+15550123', peer: { kind: 'direct', id: '+15550123' }, text: 'book a table', timestampMs: 1_000 },
    ]);
    await calls.speakTo('+15550123', 'Booked for seven.');
    expect(said).toEqual([{ text: 'Booked for seven.', mark: 'reply-1' }]);
    expect(calls.get('CA1')?.transcript.map((x) => `${x.who}: ${x.text}`)).toEqual(['caller: book a table', 'assistant: Booked for seven.']);
  });

  it('an answer for a caller who hung up fails for good (delivery does not retry it)', async () => {
    const { calls, sink } = setup();
    calls.attach(sink);
    calls.onStreamStart(line('CA1').l);
    calls.onStreamStop('CA1');
    await expect(calls.speakTo('+15550123', 'too late')).rejects.toMatchObject({ name: 'ChannelPermanentError', message: expect.stringMatching(/hung up/) });
    expect(calls.get('CA1')?.status).toBe('completed');
  });

  it('with the voice channel off, the caller hears that nobody can answer, and nothing is emitted', async () => {
    const { calls, emitted, log } = setup();
    const { l, said } = line('CA1');
    calls.onStreamStart(l);
    await calls.onSpeech({ callSid: 'CA1', wav: Buffer.from('hello?'), audioMs: 500 });
    expect(emitted).toEqual([]);
    expect(said).toEqual([{ text: NO_CHANNEL_APOLOGY, mark: 'apology' }]);
    expect(log.lines.filter((x) => x.level === 'warn').map((x) => x.msg)).toEqual([expect.stringMatching(/voice channel is not running/)]);
  });

  it('speech-to-text failing: an apology each time, one warning for the outage, one line when it works again', async () => {
    let down = true;
    const { calls, log, sink, emitted } = setup(async (wav) => {
      if (down) throw new Error('connect ECONNREFUSED');
      return wav.toString('utf8');
    });
    calls.attach(sink);
    const { l, said } = line('CA1');
    calls.onStreamStart(l);
    await calls.onSpeech({ callSid: 'CA1', wav: Buffer.from('one'), audioMs: 500 });
    await calls.onSpeech({ callSid: 'CA1', wav: Buffer.from('two'), audioMs: 500 });
    expect(said.map((x) => x.text)).toEqual([STT_APOLOGY, STT_APOLOGY]);
    expect(calls.sttHealth()).toMatchObject({ ok: false, failures: 2, lastError: 'connect ECONNREFUSED' });
    down = false;
    await calls.onSpeech({ callSid: 'CA1', wav: Buffer.from('three'), audioMs: 500 });
    expect(emitted.map((m) => m.text)).toEqual(['three']);
    expect(log.lines.map((x) => x.msg).filter((m) => /speech-to-text/.test(m))).toEqual([expect.stringMatching(/unavailable/), 'speech-to-text works again']);
  });

  it('hanging up every live call closes its line and ends it by REST', async () => {
    const { calls, hungUp } = setup();
    const a = line('CA1');
    calls.onStreamStart(a.l);
    await calls.hangUpAll();
    expect(a.closed()).toBe(true);
    expect(hungUp).toEqual(['CA1']);
    expect(calls.get('CA1')?.status).toBe('completed');
  });
});
