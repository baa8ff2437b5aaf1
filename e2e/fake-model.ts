import { FakeOpenAIServer } from '../test-support/fake-openai.js';

export interface FakeModel {
  /** `http://127.0.0.1:<port>/v1`, for `models.providers.<id>.baseUrl`. */
  baseUrl: string;
  /** How many completions were asked for. */
  calls(): number;
  close(): Promise<void>;
}

/** The shared fake OpenAI server, answering every completion with `reply`, streamed a word at a time. */
export async function startFakeModel(reply: string, chunkDelayMs = 40): Promise<FakeModel> {
  const server = new FakeOpenAIServer({ script: () => ({ text: reply }), chunkDelayMs });
  await server.start();
  return { baseUrl: `${server.baseUrl}/v1`, calls: () => server.calls, close: () => server.close() };
}
