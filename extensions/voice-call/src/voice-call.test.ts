/**
 * voice-call in a real gateway, against a local fake of Twilio's REST API, Twilio's own signing
 * algorithm, and an OpenAI-compatible speech server; the caller speaks real espeak-ng speech that
 * sox turned into 8 kHz μ-law, as a phone line carries it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MethodResult } from '../../../src-shared/protocol/index.js';
import { startTestGateway, type TestGateway } from '../../../test-support/gateway.js';
import { espeakMulaw, FakeSpeechServer, FakeTwilioRest, SimulatedCaller, twilioSignature } from '../../../test-support/fake-twilio/fake-twilio.js';

const accountSid = `AC${'0123456789abcdef'.repeat(2)}`;
const authToken = 'twilio-auth-token-0123456789abcdef';
const publicUrl = 'https://voice.example.test';
const webhookUrl = `${publicUrl}/plugins/voice-call/webhook`;
const streamUrl = 'wss://voice.example.test/plugins/voice-call/media';

let t: TestGateway;
let rest: FakeTwilioRest;
let speech: FakeSpeechServer;
let base: string;

const call = async <T>(method: string, params: unknown = {}): Promise<T> => {
  const r = await t.gw.createLocalClient().call(method, params);
  if (!r.ok) throw new Error(`${method}: ${JSON.stringify(r.error)}`);
  return r.value as T;
};
const postForm = (path: string, form: Record<string, string>, headers: Record<string, string>) =>
  fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(form).toString() });

beforeAll(async () => {
  rest = new FakeTwilioRest(accountSid, authToken);
  await rest.start();
  speech = new FakeSpeechServer();
  const speechUrl = await speech.start();
  t = await startTestGateway({
    config: {
      gateway: { auth: { mode: 'token', token: 'voice-test-token-0123456789' } },
      plugins: {
        entries: {
          'voice-call': {
            enabled: true,
            config: {
              twilio: { accountSid, authToken, fromNumber: '+15550100', apiBaseUrl: rest.baseUrl },
              publicUrl,
              stream: { publicUrl: streamUrl },
              stt: { baseUrl: speechUrl, model: 'whisper-fake' },
              tts: { baseUrl: speechUrl, model: 'tts-fake', voice: 'alloy' },
              greeting: 'Hello, you reached the assistant.',
            },
          },
        },
      },
    },
  });
  base = t.gw.wsUrl.replace(/^ws/, 'http');
  // Polls what a user would look at until the plugin has loaded.
  for (const deadline = Date.now() + 15_000; ; ) {
    const list = await call<MethodResult<'plugins.list'>>('plugins.list');
    const state = list.plugins.find((p) => p.id === 'voice-call');
    if (state?.state === 'failed') throw new Error(`voice-call failed: ${state.error}`);
    if (state?.state === 'loaded') break;
    if (Date.now() > deadline) throw new Error('voice-call did not start');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
});
afterAll(async () => {
  await t?.close();
  await rest.close();
  await speech.close();
});

describe('voice-call', () => {
  it('places an outbound call through the Twilio REST API', async () => {
    const r = await call<{ callSid: string; status: string }>('voice-call.call', { to: '+15550199', message: 'Your table is ready & waiting <now>.' });
    expect(r).toEqual({ callSid: expect.stringMatching(/^CA/), status: 'queued' });
    expect(rest.calls).toEqual([
      expect.objectContaining({ To: '+15550199', From: '+15550100', Twiml: '<Response><Say>Your table is ready &amp; waiting &lt;now&gt;.</Say></Response>', StatusCallback: webhookUrl }),
    ]);
  });

  it('answers a signed inbound webhook with TwiML that connects a media stream, and refuses unsigned or forged ones', async () => {
    const form = { CallSid: 'CA00000000000000000000000000000999', From: '+15550123', To: '+15550100', CallStatus: 'ringing', Direction: 'inbound', AccountSid: accountSid };
    const ok = await postForm('/plugins/voice-call/webhook', form, { 'x-twilio-signature': twilioSignature(authToken, webhookUrl, form) });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/xml/);
    expect(await ok.text()).toContain(`<Connect><Stream url="${streamUrl}"><Parameter name="callSid" value="CA00000000000000000000000000000999"/></Stream></Connect>`);

    expect((await postForm('/plugins/voice-call/webhook', form, {})).status).toBe(403);
    const forged = { ...form, From: '+15550666' };
    expect((await postForm('/plugins/voice-call/webhook', forged, { 'x-twilio-signature': twilioSignature(authToken, webhookUrl, form) })).status).toBe(403);
    expect((await postForm('/plugins/voice-call/webhook', form, { 'x-twilio-signature': twilioSignature('another-token-0123456789', webhookUrl, form) })).status).toBe(403);
  });

  it('streams a caller’s real speech to speech-to-text and speaks the greeting back as 8 kHz μ-law', async () => {
    const callSid = 'CA00000000000000000000000000000999';
    await expect(SimulatedCaller.connect(`${t.gw.wsUrl}/plugins/voice-call/media`, {})).rejects.toThrow(/403/);
    await expect(SimulatedCaller.connect(`${t.gw.wsUrl}/plugins/voice-call/media`, { 'x-twilio-signature': twilioSignature('wrong-token-0123456789', streamUrl) })).rejects.toThrow(/403/);

    const caller = await SimulatedCaller.connect(`${t.gw.wsUrl}/plugins/voice-call/media`, { 'x-twilio-signature': twilioSignature(authToken, streamUrl) });
    try {
      caller.start(callSid);
      // The greeting arrives as media frames, then a mark.
      await caller.waiters.until(() => (caller.marks.includes('greeting-done') ? true : undefined), 20_000, 'the greeting');
      const greetingSeconds = caller.received.reduce((n, b) => n + b.length, 0) / 8000;
      expect(speech.syntheses).toEqual([{ text: 'Hello, you reached the assistant.', seconds: expect.any(Number) }]);
      expect(greetingSeconds).toBeCloseTo(speech.syntheses[0]!.seconds, 0);

      // The caller talks while the greeting still plays (Twilio plays it in real time): barge-in
      // makes the gateway tell Twilio to drop the rest of it.
      expect(caller.clears).toBe(0);
      const words = espeakMulaw('I would like to book a table for two at seven tonight');
      const spokenSeconds = words.length / 8000;
      speech.learn('I would like to book a table for two at seven tonight.', words);
      caller.say(words);
      await speech.waiters.until(() => speech.transcriptions[0], 20_000, 'a transcription');
      expect(caller.clears).toBe(1);
      expect(speech.transcriptions[0]).toMatchObject({ sampleRate: 8000, model: 'whisper-fake' });
      // The utterance sent is the speech plus the trailing quiet that ended it, not the whole line.
      expect(speech.transcriptions[0]!.seconds).toBeGreaterThan(spokenSeconds * 0.7);
      expect(speech.transcriptions[0]!.seconds).toBeLessThan(spokenSeconds + 1);
      caller.stop();

      for (const deadline = Date.now() + 10_000; ; ) {
        const { calls } = await call<{ calls: { callSid: string; status: string; transcript: { text: string }[] }[] }>('voice-call.calls');
        const c = calls.find((x) => x.callSid === callSid);
        if (c?.status === 'completed' && c.transcript.length) {
          expect(c.transcript.map((x) => x.text)).toEqual(['I would like to book a table for two at seven tonight.']);
          break;
        }
        if (Date.now() > deadline) throw new Error(`no transcript: ${JSON.stringify(c)}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      caller.close();
    }
  });
});
