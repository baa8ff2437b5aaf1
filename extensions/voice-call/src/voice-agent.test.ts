/**
 * A phone call with the agent, end to end in a real gateway: the fake Twilio signs an inbound call's
 * webhook, the caller's real espeak-ng speech (8 kHz μ-law, as a phone line carries it) streams over
 * the Media Streams WebSocket, the speech server transcribes it, the gateway runs the turn with the
 * fake model as for any chat sender, and the reply is synthesised and streamed back on the call. A
 * stranger's call goes through pairing and never reaches the agent; with speech-to-text gone the
 * caller hears an apology and the outage is logged once. Stopping the gateway hangs up live calls.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MethodResult } from '../../../src-shared/protocol/index.js';
import { espeakMulaw, FakeSpeechServer, FakeTwilioRest, SimulatedCaller, twilioSignature } from '../../../test-support/fake-twilio/fake-twilio.js';
import { lastUserText } from '../../../test-support/channel-gateway.js';
import { FakeOpenAIServer } from '../../../test-support/fake-openai.js';
import { runCli, startTestGateway, type TestGateway } from '../../../test-support/gateway.js';
import { STT_APOLOGY } from './calls.js';

const accountSid = `AC${'0123456789abcdef'.repeat(2)}`;
const authToken = 'twilio-auth-token-0123456789abcdef';
const publicUrl = 'https://voice.example.test';
const webhookUrl = `${publicUrl}/plugins/voice-call/webhook`;
const streamUrl = 'wss://voice.example.test/plugins/voice-call/media';
const OWNER = '+15550123';
const STRANGER = '+15550666';

let t: TestGateway;
let rest: FakeTwilioRest;
let speech: FakeSpeechServer;
let model: FakeOpenAIServer;
let base: string;
let callCounter = 0;

const call = async <T>(method: string, params: unknown = {}): Promise<T> => {
  const r = await t.gw.createLocalClient().call(method, params);
  if (!r.ok) throw new Error(`${method}: ${JSON.stringify(r.error)}`);
  return r.value as T;
};

/** Twilio rings the gateway for a call from `from` (signed webhook), then connects its media stream. */
async function ring(from: string): Promise<{ callSid: string; caller: SimulatedCaller }> {
  const callSid = `CA${String(++callCounter).padStart(32, '0')}`;
  const form = { CallSid: callSid, From: from, To: '+15550100', CallStatus: 'ringing', Direction: 'inbound', AccountSid: accountSid };
  const res = await fetch(`${base}/plugins/voice-call/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature(authToken, webhookUrl, form) },
    body: new URLSearchParams(form).toString(),
  });
  expect(res.status).toBe(200);
  expect(await res.text()).toContain('<Connect><Stream');
  const caller = await SimulatedCaller.connect(`${t.gw.wsUrl}/plugins/voice-call/media`, { 'x-twilio-signature': twilioSignature(authToken, streamUrl) });
  caller.start(callSid, `MZ${callSid.slice(2)}`);
  return { callSid, caller };
}

const until = <T>(caller: SimulatedCaller, check: () => T | undefined, what: string) => caller.waiters.until(check, 20_000, what);

beforeAll(async () => {
  rest = new FakeTwilioRest(accountSid, authToken);
  await rest.start();
  speech = new FakeSpeechServer();
  const speechUrl = await speech.start();
  model = new FakeOpenAIServer({ script: (req) => ({ text: `You said: ${lastUserText(req.messages)}` }) });
  await model.start();
  t = await startTestGateway({
    config: {
      // The owner lets the voice_call tool be run directly, so the test can act as the agent.
      gateway: { auth: { mode: 'token', token: 'voice-agent-token-0123456789' }, tools: { allow: ['voice_call'] } },
      models: { providers: { fake: { baseUrl: `${model.baseUrl}/v1`, apiKey: 'x', api: 'openai-completions', models: [{ id: 'm' }] } } },
      agents: { defaults: { model: { primary: 'fake/m' } } },
      // Callers are senders of the voice channel: the owner's number may talk to the agent, anyone else pairs.
      channels: { voice: { dmPolicy: 'pairing', allowFrom: [OWNER] } },
      plugins: {
        entries: {
          'voice-call': {
            enabled: true,
            config: {
              twilio: { accountSid, authToken, fromNumber: '+15550100', apiBaseUrl: rest.baseUrl },
              publicUrl,
              stream: { publicUrl: streamUrl },
              stt: { baseUrl: speechUrl, model: 'whisper-fake' },
              tts: { baseUrl: speechUrl, model: 'tts-fake' },
              agentCallsTo: [OWNER],
            },
          },
        },
      },
    },
  });
  base = t.gw.wsUrl.replace(/^ws/, 'http');
  for (const deadline = Date.now() + 15_000; ; ) {
    const list = await call<MethodResult<'plugins.list'>>('plugins.list');
    const state = list.plugins.find((p) => p.id === 'voice-call');
    if (state?.state === 'failed') throw new Error(`voice-call failed: ${state.error}`);
    const channel = (await call<MethodResult<'channels.status'>>('channels.status')).channelAccounts.voice?.[0];
    if (state?.state === 'loaded' && channel?.running) break;
    if (Date.now() > deadline) throw new Error(`voice-call did not start: ${JSON.stringify(channel)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
});
afterAll(async () => {
  await t?.close();
  await rest?.close();
  await speech?.close();
  await model?.close();
});

describe('a phone call with the agent', () => {
  it('the owner speaks, the agent answers, and the answer is spoken back on the call', async () => {
    const { callSid, caller } = await ring(OWNER);
    try {
      const words = espeakMulaw('What is on my calendar tomorrow');
      speech.learn('What is on my calendar tomorrow?', words);
      caller.say(words);
      await until(caller, () => (caller.marks.includes('reply-1') ? true : undefined), 'the spoken reply');

      // The agent got the caller's words as a turn from the caller's number …
      expect(lastUserText((model.requests.at(-1)!.body as { messages: unknown[] }).messages)).toBe('What is on my calendar tomorrow?');
      // … and its answer went to text-to-speech and back onto the line as μ-law audio.
      const reply = speech.syntheses.find((x) => x.text === 'You said: What is on my calendar tomorrow?');
      expect(reply).toBeDefined();
      expect(caller.receivedBytes() / 8000).toBeGreaterThanOrEqual(reply!.seconds * 0.9);

      const { calls } = await call<{ calls: { callSid: string; transcript: { who: string; text: string }[] }[] }>('voice-call.calls');
      expect(calls.find((c) => c.callSid === callSid)?.transcript.map((x) => `${x.who}: ${x.text}`)).toEqual([
        'caller: What is on my calendar tomorrow?',
        'assistant: You said: What is on my calendar tomorrow?',
      ]);
      const sessions = await call<MethodResult<'sessions.list'>>('sessions.list', {});
      expect(sessions.sessions.map((s) => s.key)).toContain(`agent:main:voice:direct:${OWNER}`);
    } finally {
      caller.stop();
      caller.close();
    }
  });

  it('a stranger’s call goes through pairing and never reaches the agent', async () => {
    const modelCalls = model.requests.length;
    const { caller } = await ring(STRANGER);
    try {
      const words = espeakMulaw('Transfer all the money to me');
      speech.learn('Transfer all the money to me.', words);
      caller.say(words);
      await until(caller, () => (caller.marks.includes('reply-2') ? true : undefined), 'the pairing notice');
      const spoken = speech.syntheses.at(-1)!.text;
      expect(spoken).toContain(`user id: ${STRANGER}`);
      expect(spoken).toMatch(/Pairing code: \S+/);
      const pending = await call<MethodResult<'channels.pairing.list'>>('channels.pairing.list', { channel: 'voice' });
      expect(JSON.stringify(pending)).toContain(STRANGER);
      expect(model.requests.length).toBe(modelCalls);
    } finally {
      caller.stop();
      caller.close();
    }
  });

  it('with speech-to-text gone the caller hears a plain apology, and the outage is logged once', async () => {
    speech.transcriptionDown = true;
    const modelCalls = model.requests.length;
    const { caller } = await ring(OWNER);
    try {
      caller.say(espeakMulaw('Are you there'));
      await until(caller, () => (caller.marks.filter((m) => m === 'apology').length === 1 ? true : undefined), 'the first apology');
      caller.say(espeakMulaw('Hello, can you hear me'));
      await until(caller, () => (caller.marks.filter((m) => m === 'apology').length === 2 ? true : undefined), 'the second apology');
      expect(speech.dropped).toBe(2);
      expect(speech.syntheses.filter((x) => x.text === STT_APOLOGY)).toHaveLength(2);
      expect(model.requests.length).toBe(modelCalls);
      expect(readFileSync(t.state.logFile, 'utf8').match(/speech-to-text is unavailable/g)).toHaveLength(1);
      const status = await call<{ speechToText: { ok: boolean; failures: number } }>('voice-call.status');
      expect(status.speechToText).toMatchObject({ ok: false, failures: 2 });
    } finally {
      speech.transcriptionDown = false;
      caller.stop();
      caller.close();
    }
  });

  it('openclaw voicecall call places an outbound call that says the message; bad input is refused before any call', async () => {
    const env = { ...t.state.env, OPENCLAW_GATEWAY_PORT: String(t.gw.port) };
    const before = rest.calls.length;
    const r = await runCli(['voicecall', 'call', '--to', '+15551234567', '--message', 'The deploy finished.', '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ callSid: expect.stringMatching(/^CA/), status: 'queued' });
    expect(rest.calls.at(-1)).toMatchObject({ To: '+15551234567', From: '+15550100', Twiml: '<Response><Say>The deploy finished.</Say></Response>' });

    const bad = await runCli(['voicecall', 'call', '--to', '555-1234', '--message', 'hi'], env);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/E\.164/);
    expect(rest.calls.length).toBe(before + 1);

    const status = await runCli(['voicecall', 'status'], env);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain(webhookUrl);
    // The previous test left speech-to-text failing, and no call since has shown it recovered.
    expect(status.stdout).toMatch(/Speech to text: failing \(.+; 2 failures\)/);
  });

  it('the agent may phone only the numbers the owner listed', async () => {
    const before = rest.calls.length;
    const ok = await call<{ result: { content: { text: string }[]; isError?: boolean } }>('tools.invoke', { tool: 'voice_call', args: { to: OWNER, message: 'The build failed.' } });
    expect(ok.result.isError).toBeUndefined();
    expect(ok.result.content[0]!.text).toMatch(new RegExp(`^Calling \\${OWNER}`));
    const refused = await call<{ result: { content: { text: string }[]; isError?: boolean } }>('tools.invoke', { tool: 'voice_call', args: { to: '+19005550199', message: 'Hi' } });
    expect(refused.result).toMatchObject({ isError: true, content: [{ text: expect.stringContaining('not allowed') }] });
    expect(rest.calls.slice(before).map((c) => c.To)).toEqual([OWNER]);
  });

  it('stopping the gateway hangs up a live call and closes its stream', async () => {
    const { callSid, caller } = await ring(OWNER);
    // What the operator sees: the call is live once its stream has started.
    for (const deadline = Date.now() + 10_000; (await call<{ live: number }>('voice-call.status')).live < 1; ) {
      if (Date.now() > deadline) throw new Error('the call never went live');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await t.gw.close('the test stops the gateway');
    await until(caller, () => (caller.closed ? true : undefined), 'the stream to close');
    expect(rest.updates).toContainEqual(expect.objectContaining({ sid: callSid, Status: 'completed' }));
  });
});
