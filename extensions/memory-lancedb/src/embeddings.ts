/**
 * A client for any OpenAI-compatible `POST /v1/embeddings` (OpenAI, Ollama, LM Studio, vLLM). Plain
 * `fetch`, so the plugin carries no SDK; every failure becomes an `EmbeddingsError` that says which
 * server and model failed and why.
 */
import type { EmbeddingSettings } from './config.js';

export class EmbeddingsError extends Error {
  constructor(
    message: string,
    readonly details: { baseUrl: string; model: string; status?: number },
  ) {
    super(message);
    this.name = 'EmbeddingsError';
  }
}

export interface Embedder {
  readonly model: string;
  /** One vector per text, in order. */
  embed(texts: readonly string[], signal?: AbortSignal): Promise<number[][]>;
}

const MAX_BATCH = 64;

export function createEmbedder(s: EmbeddingSettings & { timeoutMs: number }): Embedder {
  const url = `${s.baseUrl.replace(/\/+$/, '')}/embeddings`;
  const fail = (message: string, status?: number) => new EmbeddingsError(message, { baseUrl: s.baseUrl, model: s.model, ...(status ? { status } : {}) });
  const embedBatch = async (input: readonly string[], outer?: AbortSignal): Promise<number[][]> => {
    const signal = outer ? AbortSignal.any([outer, AbortSignal.timeout(s.timeoutMs)]) : AbortSignal.timeout(s.timeoutMs);
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(s.apiKey ? { authorization: `Bearer ${s.apiKey}` } : {}) },
        body: JSON.stringify({ model: s.model, input, encoding_format: 'float', ...(s.dimensions ? { dimensions: s.dimensions } : {}) }),
        signal,
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
      throw fail(`the embeddings server at ${s.baseUrl} cannot be reached (${cause})`);
    }
    if (!res.ok) {
      const text = (await res.text().catch(() => '')).slice(0, 300);
      throw fail(`the embeddings server answered HTTP ${res.status} for model "${s.model}"${text ? `: ${text}` : ''}`, res.status);
    }
    const body = (await res.json().catch(() => undefined)) as { data?: { index?: number; embedding?: unknown }[] } | undefined;
    const data = body?.data;
    if (!Array.isArray(data) || data.length !== input.length) throw fail(`the embeddings server sent ${Array.isArray(data) ? data.length : 'no'} vectors for ${input.length} texts`);
    const out: number[][] = new Array<number[]>(input.length);
    data.forEach((d, i) => {
      const v = d.embedding;
      if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) throw fail('the embeddings server sent a vector that is not a list of numbers');
      out[typeof d.index === 'number' ? d.index : i] = v as number[];
    });
    const dim = out[0]!.length;
    if (out.some((v) => !v || v.length !== dim)) throw fail('the embeddings server sent vectors of different sizes in one answer');
    return out;
  };
  return {
    model: s.model,
    async embed(texts, signal) {
      const out: number[][] = [];
      for (let i = 0; i < texts.length; i += MAX_BATCH) out.push(...(await embedBatch(texts.slice(i, i + MAX_BATCH), signal)));
      return out;
    },
  };
}
