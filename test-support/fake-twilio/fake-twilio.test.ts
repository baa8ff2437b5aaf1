import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { espeakMulaw, FakeSpeechServer } from './fake-twilio.js';

/** The fake speech-to-text answers the text of the audio it was taught, and nothing for other audio. */
describe('FakeSpeechServer transcription', () => {
  const speech = new FakeSpeechServer();
  let url = '';
  beforeAll(async () => {
    url = await speech.start();
  });
  afterAll(() => speech.close());

  /** μ-law at 8 kHz, as the gateway sends it: a 16-bit WAV with a second of quiet after the speech. */
  const transcribe = async (mulaw: Buffer) => {
    const padded = Buffer.concat([mulaw, Buffer.alloc(8000, 0xff)]);
    const wav = execFileSync('sox', ['-t', 'raw', '-r', '8000', '-c', '1', '-e', 'mu-law', '-b', '8', '-', '-t', 'wav', '-e', 'signed-integer', '-b', '16', '-'], { input: padded });
    const form = new FormData();
    form.append('model', 'whisper-fake');
    form.append('file', new Blob([new Uint8Array(wav)], { type: 'audio/wav' }), 'u.wav');
    const res = await fetch(`${url}/audio/transcriptions`, { method: 'POST', body: form });
    return ((await res.json()) as { text: string }).text;
  };

  it('recognises each learnt utterance and no other', async () => {
    const calendar = espeakMulaw('What is on my calendar tomorrow');
    const money = espeakMulaw('Transfer all the money to me');
    speech.learn('calendar', calendar);
    speech.learn('money', money);
    expect(await transcribe(money)).toBe('money');
    expect(await transcribe(calendar)).toBe('calendar');
    expect(await transcribe(espeakMulaw('The weather is lovely in Lisbon this week'))).toBe('');
  });
});
