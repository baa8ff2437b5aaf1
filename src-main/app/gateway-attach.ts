/**
 * Before the app starts its own gateway: is one already running where the app would start it? A
 * headless `openclaw gateway` on the same state dir (it holds the instance lock), or any OpenClaw
 * gateway answering on the port, is attached to as a client instead of failing with an error box. A port
 * taken by another program, or a lock holder that does not answer, is said plainly.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { readLiveGateway } from '../gateway/instance-lock.js';

/** What answered at an address: an OpenClaw gateway's `/healthz`, something else, or nothing. */
export type ProbeResult = 'openclaw' | 'other' | 'none';

export type GatewayStartPlan =
  /** Nothing runs there: start the gateway in this process. */
  | { kind: 'start' }
  /** A gateway runs there: use it (as remote mode does) and say so. */
  | { kind: 'attach'; url: string; reason: string; pid?: number }
  /** Neither: the app can neither start a gateway nor use the one there. */
  | { kind: 'blocked'; message: string };

/** `ws://host:port` → `http://host:port/healthz` (`wss` → `https`). */
export function healthUrl(wsUrl: string): string {
  const u = new URL(wsUrl);
  u.protocol = u.protocol === 'wss:' ? 'https:' : 'http:';
  u.pathname = '/healthz';
  u.search = '';
  return u.href;
}

/**
 * GET `/healthz` at the gateway address `wsUrl`. Only says who answers: the certificate is not checked
 * here, since the connection that follows pins it (cli/connect.ts) before any credential is sent.
 */
export function probeGateway(wsUrl: string, timeoutMs = 2000): Promise<ProbeResult> {
  const url = healthUrl(wsUrl);
  return new Promise((resolve) => {
    const get = url.startsWith('https:') ? httpsRequest : httpRequest;
    const req = get(url, { method: 'GET', timeout: timeoutMs, rejectUnauthorized: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (body.length < 4096) body += chunk;
      });
      res.on('end', () => resolve(res.statusCode === 200 && isGatewayHealth(body) ? 'openclaw' : 'other'));
      res.on('error', () => resolve('other'));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    // Refused or timed out: nothing (that speaks HTTP) listens there.
    req.on('error', () => resolve('none'));
    req.end();
  });
}

function isGatewayHealth(body: string): boolean {
  try {
    return (JSON.parse(body) as { ok?: unknown }).ok === true;
  } catch {
    return false;
  }
}

export interface PlanGatewayStartOptions {
  stateDir: string;
  /** Where the app's gateway listens (cli/connect.ts `resolveTarget`, which reads the lock's port too). */
  url: string;
  probe?: (wsUrl: string) => Promise<ProbeResult>;
}

/** Decides from the instance lock and a health probe whether to start a gateway, attach to one, or stop. */
export async function planGatewayStart(opts: PlanGatewayStartOptions): Promise<GatewayStartPlan> {
  const probe = opts.probe ?? probeGateway;
  const holder = readLiveGateway(opts.stateDir);
  const answer = await probe(opts.url);
  if (holder) {
    if (answer === 'openclaw') return { kind: 'attach', url: opts.url, pid: holder.pid, reason: `the gateway of this state dir already runs (pid ${holder.pid})` };
    return {
      kind: 'blocked',
      message: `A gateway (pid ${holder.pid}) holds ${opts.stateDir} but does not answer at ${opts.url}. End that process (pid ${holder.pid}) and start OpenClaw again.`,
    };
  }
  if (answer === 'openclaw') return { kind: 'attach', url: opts.url, reason: 'an OpenClaw gateway already answers on this port' };
  if (answer === 'other') {
    return { kind: 'blocked', message: `${new URL(opts.url).host} is used by another program. Stop it, or set another gateway.port in the config, and start OpenClaw again.` };
  }
  return { kind: 'start' };
}
