import { describe, expect, it } from 'vitest';
import { espeakMulaw, espeakWav } from '../../../test-support/fake-twilio/fake-twilio.js';
import { mulawDecodeSample, mulawEncodeSample, mulawToPcm, pcmFromWav, pcmToMulaw, resample, rms, wavFromPcm } from './audio.js';

describe('G.711 μ-law', () => {
  it('decodes the reference points', () => {
    expect(mulawDecodeSample(0xff)).toBe(0);
    expect(mulawDecodeSample(0x7f) === 0).toBe(true); // negative zero
    expect(mulawDecodeSample(0x00)).toBe(-32124);
    expect(mulawDecodeSample(0x80)).toBe(32124);
  });

  it('round-trips every code, and PCM within the quantisation step', () => {
    for (let u = 0; u < 256; u++) {
      if (u === 0x7f) continue; // negative zero encodes as positive zero
      expect(mulawEncodeSample(mulawDecodeSample(u))).toBe(u);
    }
    for (const x of [-30000, -1000, -50, 0, 37, 999, 12345, 32767]) {
      const back = mulawDecodeSample(mulawEncodeSample(x));
      expect(Math.abs(back - x)).toBeLessThanOrEqual(Math.max(8, Math.abs(x) / 16));
    }
  });

  it('agrees with sox on real speech: our decode of sox’s μ-law matches our resample of the same WAV', () => {
    const text = 'testing one two three';
    const fromSox = mulawToPcm(espeakMulaw(text));
    const { pcm, sampleRate } = pcmFromWav(espeakWav(text));
    const ours = resample(pcm, sampleRate, 8000);
    expect(Math.abs(fromSox.length - ours.length)).toBeLessThan(160);
    // Same loudness within 20 % (different resampling filters, same speech).
    expect(rms(fromSox) / rms(ours)).toBeGreaterThan(0.8);
    expect(rms(fromSox) / rms(ours)).toBeLessThan(1.25);
    expect(pcmFromWav(wavFromPcm(ours, 8000))).toEqual({ pcm: ours, sampleRate: 8000 });
    expect(mulawToPcm(pcmToMulaw(ours)).length).toBe(ours.length);
  });
});
