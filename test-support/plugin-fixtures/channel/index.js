// A channel plugin skeleton: an adapter that records what it sends.
export const sent = [];

export default {
  id: 'echochat',
  register(api) {
    api.registerChannel({
      id: 'echochat',
      label: 'Echo Chat',
      capabilities: { textLimit: 2000, format: 'plain', media: false, threads: false, livenessMs: 60000 },
      targetRules: { bareTargetKind: (id) => (id.startsWith('g:') ? 'group' : 'direct') },
      checkConfig: (config) => (config.token ? { ok: true } : { ok: false, reason: 'token is missing' }),
      create(account, ctx) {
        let n = 0;
        return {
          async start() {
            ctx.heartbeat();
          },
          async stop() {},
          async send(msg) {
            sent.push({ account: account.id, ...msg });
            return { messageId: `m${++n}` };
          },
        };
      },
    });
  },
};
