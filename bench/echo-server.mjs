// The floor for RPC benchmarks: a bare `ws` server that answers each request frame with a response, no work done.
import { WebSocketServer } from 'ws';

const wss = new WebSocketServer({ host: '127.0.0.1', port: Number(process.argv[2] ?? 0), perMessageDeflate: false });
wss.on('listening', () => process.stdout.write(`listening ${wss.address().port}\n`));
wss.on('connection', (ws) => {
  ws.send(JSON.stringify({ type: 'event', event: 'connect.challenge', payload: { nonce: 'n', ts: Date.now() } }));
  ws.on('message', (data) => {
    const f = JSON.parse(data.toString());
    ws.send(JSON.stringify({ type: 'res', id: f.id, ok: true, payload: f.method === 'connect' ? { type: 'hello-ok' } : { ok: true } }));
  });
});
