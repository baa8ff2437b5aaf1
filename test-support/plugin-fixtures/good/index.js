// A well-behaved plugin: one tool, one method, hooks and an HTTP route.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export default {
  id: 'good',
  apiVersion: 1,
  register(api) {
    const greeting = api.config.greeting ?? 'hello';
    api.registerTool({
      name: 'good_echo',
      description: 'Echoes the text with the configured greeting.',
      schema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'], additionalProperties: false },
      execute: async (params, ctx) => ({ content: `${greeting} ${params.text}`, details: { agentId: ctx.agentId } }),
    });
    api.registerTool({
      name: 'good_env',
      description: 'Reports what the process environment and folders look like.',
      schema: { type: 'object' },
      execute: () => JSON.stringify({ env: process.env, cwd: process.cwd() }),
    });
    api.registerTool({
      name: 'good_write',
      description: 'Writes a file where it is told to.',
      schema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
      execute: (params) => {
        writeFileSync(params.path.startsWith('/') ? params.path : join(api.dataDir, params.path), 'x');
        return 'written';
      },
    });
    api.registerTool({
      name: 'good_print',
      description: 'Prints to stdout, which must not break the protocol.',
      schema: { type: 'object' },
      execute: () => {
        console.log('printed by the plugin');
        return 'printed';
      },
    });
    api.registerMethod('good.status', 'operator.read', (params) => ({ ok: true, echo: params ?? null }), {
      paramsSchema: { type: 'object', properties: { n: { type: 'integer' } }, additionalProperties: false },
    });
    api.on('before_tool_call', (event) => (event.toolName === 'forbidden' ? { block: true, reason: 'good says no' } : undefined));
    api.on('before_agent', () => ({ prependContext: `${greeting} from good` }));
    // What after_reply saw, for a test to read back through a method.
    const replies = [];
    api.on('after_reply', (event) => void replies.push(event));
    api.registerMethod('good.replies', 'operator.read', () => ({ replies }));
    api.registerHttpRoute({ method: 'GET', path: '/hello', handler: (req) => ({ status: 200, json: { hello: req.query.name ?? 'world' } }) });
    // A platform webhook: public (no gateway token), form-encoded, and checked by its own signature.
    api.registerHttpRoute({
      method: 'POST',
      path: '/webhook',
      public: true,
      handler: (req) => {
        const expected = createHmac('sha256', 'good-webhook-secret').update(req.body).digest('hex');
        const given = Buffer.from(req.headers['x-good-signature'] ?? '');
        if (given.length !== expected.length || !timingSafeEqual(given, Buffer.from(expected))) return { status: 401, body: 'bad signature' };
        return { status: 200, json: { form: Object.fromEntries(new URLSearchParams(req.body)), type: req.headers['content-type'] } };
      },
    });
    api.log.info('good registered');
  },
};
