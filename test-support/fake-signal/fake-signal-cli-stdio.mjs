// A stand-in for the signal-cli program in JSON-RPC stdio mode (`signal-cli [--config DIR] [-a ACCOUNT] jsonRpc`),
// for tests. It holds no Signal logic of its own: every request line from stdin goes to the test's
// FakeSignalCli (fake-signal-cli.ts) at $FAKE_SIGNAL_URL as the same JSON-RPC over HTTP, its answer comes back
// as a line on stdout, and in single-account mode the fake's `receive` events are written to stdout as
// JSON-RPC notifications, as signal-cli does. $FAKE_SIGNAL_FAIL makes it print that to stderr and exit 1
// at once, like a signal-cli that cannot start.
import { createInterface } from 'node:readline';

const args = process.argv.slice(2);
let account;
let command;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '-a' || args[i] === '--account') account = args[++i];
  else if (args[i] === '-c' || args[i] === '--config') i++;
  else if (!args[i].startsWith('-')) command = args[i];
}
const base = process.env.FAKE_SIGNAL_URL;
if (process.env.FAKE_SIGNAL_FAIL) {
  process.stderr.write(`ERROR App - ${process.env.FAKE_SIGNAL_FAIL}\n`);
  process.exit(1);
}
if (command !== 'jsonRpc' || !base) {
  process.stderr.write('usage: signal-cli [-a ACCOUNT] [--config DIR] jsonRpc (and FAKE_SIGNAL_URL set)\n');
  process.exit(2);
}

const out = (obj) => process.stdout.write(`${JSON.stringify(obj)}\n`);

createInterface({ input: process.stdin })
  .on('line', (line) => {
    if (!line.trim()) return;
    let req;
    try {
      req = JSON.parse(line);
    } catch {
      return out({ jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' }, id: null });
    }
    const params = { ...(req.params ?? {}), ...(account ? { account } : {}) };
    fetch(`${base}/api/v1/rpc`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: req.id, method: req.method, params }) })
      .then(async (res) => {
        if (!res.ok) return out({ jsonrpc: '2.0', error: { code: -32603, message: `Internal error (HTTP ${res.status})` }, id: req.id });
        const answer = await res.json();
        out({ ...answer, id: req.id });
      })
      .catch((err) => {
        process.stderr.write(`ERROR App - connection to the Signal service failed: ${err.message}\n`);
        process.exit(3);
      });
  })
  .on('close', () => process.exit(0));

// Single-account mode receives at start and writes each message as a notification.
if (account) {
  const res = await fetch(`${base}/api/v1/events`, { headers: { accept: 'text/event-stream' } }).catch(() => undefined);
  if (!res?.ok || !res.body) {
    process.stderr.write('ERROR App - could not connect to the Signal service\n');
    process.exit(3);
  }
  let buffer = '';
  let event = '';
  let data = [];
  const decoder = new TextDecoder();
  for await (const chunk of res.body) {
    buffer += decoder.decode(chunk, { stream: true });
    let nl;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl).replace(/\r$/, '');
      buffer = buffer.slice(nl + 1);
      if (line === '') {
        if (event === 'receive' && data.length) {
          const params = JSON.parse(data.join('\n'));
          if (params.account === account) out({ jsonrpc: '2.0', method: 'receive', params });
        }
        event = '';
        data = [];
      } else if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
  }
  process.stderr.write('WARN  App - connection to the Signal service closed\n');
  process.exit(3);
}
