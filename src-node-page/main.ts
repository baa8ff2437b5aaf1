import { decodeSetupCode } from '../src-shared/protocol/setup-code.js';
import { UI_VERSION } from '../src-renderer/version.js';
import { browserCommands, capabilities, CommandError, type Command } from './commands.js';
import { loadNodeIdentity, nodeTokenStore } from './identity.js';
import { connectNode, NodeCallError, type NodeConnection } from './node-connection.js';

/**
 * The browser node page: a phone opens it from the setup-code QR, pairs with a
 * key made here (WebCrypto, kept in IndexedDB), and answers the gateway's
 * commands through the browser's own APIs, each behind the browser's prompt.
 */

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const statusEl = $('status');
const deviceEl = $('device');
const capsEl = $('caps');
const activityEl = $('activity');
const toastsEl = $('toasts');
const canvasEl = $<HTMLIFrameElement>('canvas');
const canvasBar = $('canvas-bar');

function setStatus(text: string, state: 'idle' | 'ok' | 'error' = 'idle'): void {
  statusEl.textContent = text;
  statusEl.dataset.state = state;
}

function note(text: string): void {
  const li = document.createElement('li');
  li.textContent = `${new Date().toLocaleTimeString()} ${text}`;
  activityEl.prepend(li);
  while (activityEl.children.length > 20) activityEl.lastElementChild?.remove();
}

const page = {
  toast(title: string, body: string) {
    const div = document.createElement('div');
    div.className = 'toast';
    div.setAttribute('role', 'alert');
    div.dataset.testid = 'notification';
    const strong = document.createElement('strong');
    strong.textContent = title;
    const p = document.createElement('p');
    p.textContent = body;
    div.append(strong, p);
    toastsEl.prepend(div);
    setTimeout(() => div.remove(), 15_000);
  },
  showCanvas(path: string | undefined) {
    canvasEl.hidden = canvasBar.hidden = !path;
    if (path) canvasEl.src = new URL(path.replace(/^\//, ''), gatewayBase()).toString();
    else canvasEl.removeAttribute('src');
  },
};
$('canvas-close').addEventListener('click', () => page.showCanvas(undefined));

/** The gateway's own address: this page's origin and path prefix. Never taken from the fragment or query. */
function gatewayBase(): string {
  return new URL(location.pathname.replace(/node\/[^/]*$/, ''), location.origin).toString();
}

function wsUrl(): string {
  const u = new URL(gatewayBase());
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  return u.toString();
}

/** The bootstrap token from `#setup=<code>`, removed from the address at once (it works only once anyway). */
function takeSetupToken(): { token: string; expiresAtMs: number } | undefined {
  if (!location.hash.startsWith('#setup=')) return undefined;
  const code = location.hash.slice('#setup='.length);
  history.replaceState(null, '', location.pathname + location.search);
  try {
    const setup = decodeSetupCode(code);
    return { token: setup.bootstrapToken, expiresAtMs: setup.expiresAtMs };
  } catch {
    setStatus('This link does not hold a valid setup code. Run openclaw qr again and scan the new code.', 'error');
    return undefined;
  }
}

function deviceFamily(): string {
  const ua = navigator.userAgent;
  if (/iPhone/.test(ua)) return 'iPhone';
  if (/iPad/.test(ua)) return 'iPad';
  if (/Android/.test(ua)) return 'Android';
  return 'desktop';
}

async function renderCapabilities(): Promise<void> {
  capsEl.replaceChildren();
  for (const cap of capabilities()) {
    const state = await cap.state();
    const li = document.createElement('li');
    li.dataset.capability = cap.id;
    const label = document.createElement('span');
    label.textContent = cap.label;
    const st = document.createElement('span');
    st.className = 'cap-state';
    st.dataset.testid = `cap-${cap.id}`;
    st.textContent = { granted: 'allowed', denied: "blocked (allow it in the browser's site settings, then try again)", prompt: 'not allowed yet', unsupported: 'not available in this browser' }[state];
    li.append(label, st);
    if (state === 'prompt' || state === 'denied') {
      const btn = document.createElement('button');
      btn.type = 'button';
      btn.textContent = `Allow ${cap.label.toLowerCase()}`;
      btn.addEventListener('click', () => {
        btn.disabled = true;
        cap
          .request()
          .catch((err: unknown) => note(`${cap.label}: ${(err as Error).message}`))
          .finally(() => void renderCapabilities());
      });
      li.append(btn);
    }
    capsEl.append(li);
  }
}

/** Answer `node.invoke.request`s until the connection closes. */
function serve(conn: NodeConnection, commands: Record<string, Command>): void {
  const running = new Map<string, AbortController>();
  conn.onEvent((event, payload) => {
    const p = payload as { id: string; nodeId: string; command: string; paramsJSON?: string };
    if (event === 'node.invoke.cancel') running.get(p.id)?.abort();
    if (event !== 'node.invoke.request') return;
    const ac = new AbortController();
    running.set(p.id, ac);
    void (async () => {
      try {
        const run = commands[p.command];
        if (!run) throw new CommandError('UNKNOWN_COMMAND', `this page does not offer ${p.command}`);
        const params = p.paramsJSON ? (JSON.parse(p.paramsJSON) as Record<string, unknown>) : {};
        note(`The gateway asked for ${p.command}.`);
        const result = await run(params, ac.signal);
        await conn.call('node.invoke.result', { id: p.id, nodeId: p.nodeId, ok: true, payloadJSON: JSON.stringify(result ?? null) });
      } catch (err) {
        const code = err instanceof CommandError ? err.code : 'FAILED';
        note(`${p.command} failed: ${(err as Error).message}`);
        await conn.call('node.invoke.result', { id: p.id, nodeId: p.nodeId, ok: false, error: { code, message: (err as Error).message } }).catch(() => undefined);
      } finally {
        running.delete(p.id);
        // A command may have raised the browser's prompt: show the permissions as they are now.
        void renderCapabilities();
      }
    })();
  });
}

async function main(): Promise<void> {
  void renderCapabilities();
  if (!window.isSecureContext || !crypto.subtle) {
    setStatus('This page needs a secure address (https://, or this computer itself): browsers allow the device key, the camera and location only there. Reach the gateway through Tailscale Serve or a TLS reverse proxy.', 'error');
    return;
  }
  const setup = takeSetupToken();
  const identity = await loadNodeIdentity();
  deviceEl.textContent = `Device ${identity.deviceId.slice(0, 12)}`;
  const commands = browserCommands(page);
  let bootstrap = setup?.token;
  let backoff = 1000;
  for (;;) {
    const deviceToken = nodeTokenStore.load(identity.deviceId);
    if (!bootstrap && !deviceToken) {
      setStatus('Not paired yet. On the gateway computer run openclaw qr and scan the code with this device.');
      return;
    }
    setStatus('Connecting…');
    let conn: NodeConnection;
    try {
      conn = await connectNode({
        url: wsUrl(),
        identity,
        auth: bootstrap ? { bootstrapToken: bootstrap } : { deviceToken: deviceToken! },
        commands: Object.keys(commands),
        caps: ['notifications', 'canvas', ...('location.get' in commands ? ['location'] : []), ...('camera.snap' in commands ? ['camera'] : [])],
        client: { version: UI_VERSION, displayName: `Browser (${deviceFamily()})`, deviceFamily: deviceFamily() },
      });
    } catch (err) {
      const code = err instanceof NodeCallError ? err.detailCode : undefined;
      if (code === 'AUTH_BOOTSTRAP_TOKEN_INVALID') return setStatus('This setup code was already used or has expired. Run openclaw qr again and scan the new code.', 'error');
      if (code === 'AUTH_DEVICE_TOKEN_MISMATCH') {
        nodeTokenStore.forget(identity.deviceId);
        return setStatus('The gateway no longer knows this device. Pair it again: openclaw qr on the gateway computer.', 'error');
      }
      setStatus(`Cannot reach the gateway (${(err as Error).message}); retrying…`, 'error');
      await new Promise((r) => setTimeout(r, backoff));
      backoff = Math.min(backoff * 2, 30_000);
      continue;
    }
    bootstrap = undefined;
    backoff = 1000;
    if (conn.hello.auth.deviceToken) nodeTokenStore.save(identity.deviceId, conn.hello.auth.deviceToken);
    setStatus('Connected. Approve this device’s commands on the gateway computer: openclaw nodes pending, then openclaw nodes approve <requestId>.', 'ok');
    note('Connected to the gateway.');
    serve(conn, commands);
    const closed = await conn.closed;
    note(`Disconnected (${closed.code}${closed.reason ? ` ${closed.reason}` : ''}).`);
    if (closed.code === 4001 && closed.reason === 'device removed') {
      nodeTokenStore.forget(identity.deviceId);
      return setStatus('This device was removed on the gateway. Pair it again with a new setup code.', 'error');
    }
    await new Promise((r) => setTimeout(r, backoff));
  }
}

void main().catch((err: unknown) => setStatus(`Something went wrong: ${(err as Error).message}`, 'error'));
