/** Speech-to-text and text-to-speech over OpenAI-compatible audio endpoints, with plain `fetch`. */
export interface SpeechEndpoint {
  baseUrl: string;
  apiKey?: string;
  model: string;
}

const url = (e: SpeechEndpoint, path: string) => `${e.baseUrl.replace(/\/+$/, '')}${path}`;
const auth = (e: SpeechEndpoint): Record<string, string> => (e.apiKey ? { authorization: `Bearer ${e.apiKey}` } : {});

/** `POST /audio/transcriptions` with a WAV file; the text. */
export async function transcribe(e: SpeechEndpoint, wav: Buffer, signal?: AbortSignal): Promise<string> {
  const form = new FormData();
  form.append('model', e.model);
  form.append('response_format', 'json');
  form.append('file', new Blob([new Uint8Array(wav)], { type: 'audio/wav' }), 'utterance.wav');
  const res = await fetch(url(e, '/audio/transcriptions'), { method: 'POST', headers: auth(e), body: form, signal: signal ?? AbortSignal.timeout(30_000) });
  if (!res.ok) throw new Error(`speech-to-text answered HTTP ${res.status}: ${(await res.text().catch(() => '')).slice(0, 200)}`);
  const body = (await res.json()) as { text?: unknown };
  if (typeof body.text !== 'string') throw new Error('speech-to-text answered without text');
  return body.text.trim();
}

/** `POST /audio/speech` asking for WAV; the audio file. */
export async function synthesize(e: SpeechEndpoint & { voice?: string }, text: string, signal?: AbortSignal): Promise<Buffer> {
  const res = await fetch(url(e, '/audio/speech'), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth(e) },
    body: JSON.stringify({ model: e.model, voice: e.voice ?? 'alloy', input: text, response_format: 'wav' }),
    signal: signal ?? AbortSignal.timeout(30_000),
  });
  if (!res.ok) throw new Error(`text-to-speech answered HTTP ${res.status}: ${(await res.text().catch(() => '')).slice(0, 200)}`);
  return Buffer.from(await res.arrayBuffer());
}
