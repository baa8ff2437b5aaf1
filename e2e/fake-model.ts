import { createServer, type Server } from 'node:http';

export interface FakeModel {
  /** `http://127.0.0.1:<port>/v1`, for `models.providers.<id>.baseUrl`. */
  baseUrl: string;
  /** How many completions were asked for. */
  calls(): number;
  close(): Promise<void>;
}

/**
 * A tiny OpenAI-compatible model: `POST /v1/chat/completions` streams `reply` as
 * `chat.completion.chunk` SSE events, a few words at a time with a short pause, then `data: [DONE]`.
 */
export async function startFakeModel(reply: string, chunkDelayMs = 40): Promise<FakeModel> {
  let calls = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', async () => {
      if (req.method !== 'POST' || !req.url?.startsWith('/v1/chat/completions')) {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'not found' } }));
        return;
      }
      calls++;
      const model = (JSON.parse(body || '{}') as { model?: string }).model ?? 'm';
      const id = `chatcmpl-${calls}`;
      const chunk = (delta: object, finish: string | null) =>
        `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      res.write(chunk({ role: 'assistant', content: '' }, null));
      for (const piece of reply.match(/\S+\s*/g) ?? []) {
        if (res.destroyed) return;
        res.write(chunk({ content: piece }, null));
        await new Promise((r) => setTimeout(r, chunkDelayMs));
      }
      res.write(chunk({}, 'stop'));
      res.end('data: [DONE]\n\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = address && typeof address === 'object' ? address.port : 0;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    calls: () => calls,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
