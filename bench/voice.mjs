// `node bench/run.mjs voice` (or `node bench/voice.mjs [--quick]`): a phone call with the agent
// (bench/results/voice.json). A real gateway with the voice-call plugin, the fake Twilio, an instant
// OpenAI-compatible model and an instant speech server (transcription recognises the taught utterance,
// speech is one WAV made beforehand). A caller on the Media Stream says a real espeak-ng utterance (8 kHz μ-law)
// followed by the quiet that ends a turn, sent as fast as the socket takes it; the figure is the time
// from the last frame of that quiet leaving the caller to the first frame of the reply's audio
// arriving: end-of-turn detection, transcription over HTTP, the queue, access policy, the agent turn,
// synthesis over HTTP and μ-law conversion. It is the gateway's own share of the delay; a real call
// adds the network, the speech models and the 700 ms of quiet that ends a turn.
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { ROOT, connect, freePort, loadTs, percentile, spawnGateway, tempState } from './lib.mjs';

const ACCOUNT = `AC${'0123456789abcdef'.repeat(2)}`;
const AUTH = 'twilio-auth-token-0123456789abcdef';
const PUBLIC_URL = 'https://voice.example.test';
const STREAM_URL = 'wss://voice.example.test/plugins/voice-call/media';
const CALLER = '+15550123';
const QUIET_MS = 800;

async function load() {
  const m = await loadTs({ 'fake-twilio': 'test-support/fake-twilio/fake-twilio.ts', 'fake-openai': 'test-support/fake-openai.ts' });
  return { twilio: m['fake-twilio'], openai: m['fake-openai'] };
}

export async function runVoiceBench({ quick = process.argv.includes('--quick') } = {}) {
  const turns = quick ? 10 : 50;
  const { twilio, openai } = await load();
  const rest = new twilio.FakeTwilioRest(ACCOUNT, AUTH);
  await rest.start();
  const speech = new twilio.FakeSpeechServer({ audio: twilio.espeakWav('Sure, it is done.') });
  const speechUrl = await speech.start();
  const model = new openai.FakeOpenAIServer({ script: () => ({ text: 'Sure, it is done.' }), chunkDelayMs: 0 });
  await model.start();

  const s = tempState();
  const configPath = join(s.stateDir, 'openclaw.json');
  const base = JSON.parse(readFileSync(configPath, 'utf8'));
  writeFileSync(
    configPath,
    JSON.stringify({
      ...base,
      models: { providers: { fake: { baseUrl: `${model.baseUrl}/v1`, apiKey: 'x', api: 'openai-completions', models: [{ id: 'm' }] } } },
      agents: { defaults: { model: { primary: 'fake/m' } } },
      channels: { voice: { dmPolicy: 'allowlist', allowFrom: [CALLER] } },
      plugins: {
        entries: {
          'voice-call': {
            enabled: true,
            config: {
              twilio: { accountSid: ACCOUNT, authToken: AUTH, fromNumber: '+15550100', apiBaseUrl: rest.baseUrl },
              publicUrl: PUBLIC_URL,
              stream: { publicUrl: STREAM_URL },
              stt: { baseUrl: speechUrl, model: 'whisper-fake' },
              tts: { baseUrl: speechUrl, model: 'tts-fake' },
            },
          },
        },
      },
    }),
  );
  const port = await freePort();
  const gw = spawnGateway(s.env, port);
  try {
    return await measure({ twilio, speech, port, s, turns, quick });
  } finally {
    if (gw.exitCode === null) {
      gw.kill('SIGTERM');
      await once(gw, 'exit');
    }
    await Promise.all([rest.close(), speech.close(), model.close()]);
    s.cleanup();
  }
}

async function measure({ twilio, speech, port, s, turns, quick }) {
  const op = await connect(`ws://127.0.0.1:${port}`, s.token, { retryUntil: Date.now() + 20_000, scopes: ['operator.admin'] });
  // Ready when the plugin has loaded and the voice channel runs (what `channels status` shows).
  for (const deadline = Date.now() + 20_000; ; ) {
    const plugins = await op.call('plugins.list');
    const channels = await op.call('channels.status');
    if (plugins.payload?.plugins?.find((p) => p.id === 'voice-call')?.state === 'loaded' && channels.payload?.channelAccounts?.voice?.[0]?.running) break;
    if (Date.now() > deadline) throw new Error('the voice-call plugin did not start');
    await new Promise((r) => setTimeout(r, 20));
  }

  const callSid = `CA${'7'.repeat(32)}`;
  const form = { CallSid: callSid, From: CALLER, To: '+15550100', CallStatus: 'ringing', Direction: 'inbound', AccountSid: ACCOUNT };
  const hook = await fetch(`http://127.0.0.1:${port}/plugins/voice-call/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilio.twilioSignature(AUTH, `${PUBLIC_URL}/plugins/voice-call/webhook`, form) },
    body: new URLSearchParams(form).toString(),
  });
  if (hook.status !== 200) throw new Error(`the webhook answered ${hook.status}`);
  const caller = await twilio.SimulatedCaller.connect(`ws://127.0.0.1:${port}/plugins/voice-call/media`, { 'x-twilio-signature': twilio.twilioSignature(AUTH, STREAM_URL) });
  caller.start(callSid);
  const words = twilio.espeakMulaw('Please turn off the lights in the kitchen');
  speech.learn('Please turn off the lights in the kitchen.', words);

  const samples = [];
  for (let i = 0; i < turns + 2; i++) {
    const before = caller.received.length;
    caller.say(words, QUIET_MS);
    const t0 = performance.now();
    await caller.waiters.until(() => (caller.received.length > before ? true : undefined), 20_000, `the first audio of reply ${i + 1} (${speech.transcriptions.length} transcribed)`);
    const ms = performance.now() - t0;
    await caller.waiters.until(() => (caller.marks.includes(`reply-${i + 1}`) ? true : undefined), 20_000, 'the end of the reply');
    // The first two turns warm up (session creation, first model call).
    if (i >= 2) samples.push(ms);
  }
  caller.stop();
  caller.close();
  op.close();

  const sorted = [...samples].sort((a, b) => a - b);
  const round = (n) => Math.round(n * 100) / 100;
  const result = {
    benchmark: 'voice',
    when: new Date().toISOString(),
    machine: { cpus: cpus().length, node: process.version },
    quick,
    endOfSpeechToFirstAudio: {
      turns: samples.length,
      p50Ms: round(percentile(sorted, 50)),
      p99Ms: round(percentile(sorted, 99)),
      maxMs: round(sorted.at(-1)),
      note: 'instant fake model, transcription and synthesis; the gateway share only (no network, no speech models, no end-of-turn quiet)',
    },
  };
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await runVoiceBench();
  writeFileSync(join(ROOT, 'bench', 'results', 'voice.json'), JSON.stringify(result, null, 2) + '\n');
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
}
