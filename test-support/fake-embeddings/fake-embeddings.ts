/**
 * A local, deterministic OpenAI-compatible embeddings server (`POST /v1/embeddings`). A vector is the
 * hashed character 3-grams of the text's words (plus the words themselves), L2-normalised, so texts
 * that share words and word pieces are near and unrelated texts are far, with no model download.
 * Each model name salts the hash (and `hash-<n>` picks the size), so a change of model really gives
 * different vectors. `down = true` models a server that is gone (every connection is dropped unanswered).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readJsonBody, sendJson, startHttpServer, type StartedServer } from '../http-server.js';

const DEFAULT_DIM = 256;

/** FNV-1a, 32 bit. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function dimensionsOf(model: string): number {
  const m = /^hash-(\d+)/.exec(model);
  return m ? Number(m[1]) : DEFAULT_DIM;
}

/** The vector the server returns for `text` under `model`. */
export function hashEmbed(text: string, model: string, dim = dimensionsOf(model)): number[] {
  const v = new Array<number>(dim).fill(0);
  const words = text.toLowerCase().normalize('NFKD').replace(/[^\p{L}\p{N}\s]/gu, ' ').split(/\s+/).filter(Boolean);
  const add = (feature: string, weight: number) => {
    const h = fnv1a(`${model}\u0000${feature}`);
    v[h % dim]! += h & 0x80000000 ? -weight : weight;
  };
  for (const w of words) {
    add(`w:${w}`, 1);
    const padded = `^${w}$`;
    for (let i = 0; i + 3 <= padded.length; i++) add(`g:${padded.slice(i, i + 3)}`, 0.5);
  }
  const norm = Math.hypot(...v) || 1;
  return v.map((x) => x / norm);
}

export class FakeEmbeddingsServer {
  baseUrl = '';
  /** Every request's model and input count, in order. */
  readonly requests: { model: string; inputs: number }[] = [];
  /** While true, every request's connection is dropped without an answer. */
  down = false;
  /** Connections dropped while down. */
  dropped = 0;
  private server?: StartedServer;

  /** Starts listening; returns the base URL to configure (with `/v1`). */
  async start(): Promise<string> {
    const s = await startHttpServer((req, res) => this.handle(req, res));
    this.server = s;
    this.baseUrl = s.baseUrl;
    return `${s.baseUrl}/v1`;
  }

  async close(): Promise<void> {
    await this.server?.close();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.down) {
      this.dropped++;
      req.socket.destroy();
      return;
    }
    if (req.method !== 'POST' || (req.url ?? '').split('?')[0] !== '/v1/embeddings') return sendJson(res, 404, { error: { message: 'not found' } });
    const body = (await readJsonBody(req)) as { model?: string; input?: string | string[]; dimensions?: number };
    const model = String(body.model ?? '');
    if (!model) return sendJson(res, 400, { error: { message: 'model is required' } });
    const inputs = typeof body.input === 'string' ? [body.input] : Array.isArray(body.input) ? body.input : [];
    this.requests.push({ model, inputs: inputs.length });
    const dim = body.dimensions ?? dimensionsOf(model);
    sendJson(res, 200, {
      object: 'list',
      model,
      data: inputs.map((text, index) => ({ object: 'embedding', index, embedding: hashEmbed(String(text), model, dim) })),
      usage: { prompt_tokens: 0, total_tokens: 0 },
    });
  }
}
