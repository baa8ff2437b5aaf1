// The Relay Chat adapter: long-polls a small HTTP chat server and posts replies to it.
export function createRelayAdapter(account, ctx) {
  const root = String(account.config.apiRoot ?? 'http://127.0.0.1:1').replace(/\/$/, '');
  const headers = { authorization: `Bearer ${account.config.token}`, 'content-type': 'application/json' };
  let since = 0;
  let stopped = false;
  const poll = async () => {
    while (!stopped && !ctx.signal.aborted) {
      try {
        const res = await fetch(`${root}/updates?since=${since}`, { headers, signal: ctx.signal });
        if (!res.ok) throw new Error(`relay answered ${res.status}`);
        ctx.heartbeat();
        const { messages } = await res.json();
        for (const m of messages) {
          await ctx.emit({ channel: ctx.channel, accountId: ctx.accountId, messageId: String(m.id), senderId: m.from, senderName: m.from, peer: { kind: 'direct', id: m.from }, text: m.text, timestampMs: Date.now() });
          since = Math.max(since, m.id);
        }
      } catch (err) {
        if (stopped || ctx.signal.aborted) return;
        ctx.fail(err instanceof Error ? err : new Error(String(err)));
        return;
      }
    }
  };
  return {
    async start() {
      const res = await fetch(`${root}/hello`, { headers });
      if (!res.ok) throw new Error(`relay refused the token (${res.status})`);
      ctx.heartbeat();
      void poll();
    },
    async stop() {
      stopped = true;
    },
    async send(msg) {
      const res = await fetch(`${root}/send`, { method: 'POST', headers, body: JSON.stringify({ to: msg.to.id, text: msg.text }) });
      if (!res.ok) throw new Error(`relay send failed (${res.status})`);
      const { id } = await res.json();
      return { messageId: String(id) };
    },
  };
}
