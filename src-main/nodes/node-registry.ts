import { randomUUID } from 'node:crypto';
import type { Static } from '@sinclair/typebox';
import type { NodeInfoSchema } from '../../src-shared/protocol/index.js';
import type { Store } from '../store/types.js';

export type NodeInfo = Static<typeof NodeInfoSchema>;

/** The gateway side of one connected node. */
export interface NodeLink {
  nodeId: string;
  connId: string;
  connectedAtMs: number;
  caps: string[];
  commands: string[];
  platform?: string;
  deviceFamily?: string;
  clientId?: string;
  version?: string;
  displayName?: string;
  send(event: string, payload: unknown): void;
}

export interface InvokeOutcome {
  ok: boolean;
  nodeId: string;
  command: string;
  payload?: unknown;
  error?: { code: string; message: string };
}

/** A refusal before anything reached the node. */
export class NodeInvokeError extends Error {
  override readonly name = 'NodeInvokeError';
  constructor(
    message: string,
    readonly code: 'NODE_NOT_FOUND' | 'NODE_NOT_CONNECTED' | 'COMMAND_NOT_ALLOWED' | 'COMMAND_NOT_APPROVED',
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

interface Pending {
  id: string;
  key: string;
  link: NodeLink;
  command: string;
  timer: NodeJS.Timeout;
  resolve(o: InvokeOutcome): void;
  promise: Promise<InvokeOutcome>;
}

const RESULT_KEEP_MS = 5 * 60_000;

/**
 * Connected nodes and the commands in flight to them. `node.invoke` sends a
 * `node.invoke.request` event to the node and waits for its
 * `node.invoke.result`; a timeout, a cancel or the node going away end the
 * wait with a clear error, and the node is told to stop.
 */
export class NodeRegistry {
  private readonly links = new Map<string, NodeLink>();
  private readonly pending = new Map<string, Pending>();
  private readonly byKey = new Map<string, Pending>();
  private readonly done = new Map<string, { outcome: InvokeOutcome; at: number }>();

  constructor(
    private readonly store: Store,
    private readonly emit: (event: string, payload: unknown) => void,
    /** May this command run on this node now? Throws NodeInvokeError when not. Default: the node declared it. */
    private readonly authorize: (link: NodeLink, command: string) => Promise<void> | void = (link, command) => {
      if (!link.commands.includes(command)) throw new NodeInvokeError(`node "${link.nodeId}" does not offer "${command}"`, 'COMMAND_NOT_ALLOWED');
    },
  ) {}

  /** The connection of a connected node. */
  link(nodeId: string): NodeLink | undefined {
    return this.links.get(nodeId);
  }

  attach(link: NodeLink): void {
    const previous = this.links.get(link.nodeId);
    if (previous && previous.connId !== link.connId) this.failAll(previous, 'NODE_DISCONNECTED', 'the node reconnected');
    this.links.set(link.nodeId, link);
    this.emit('node.presence', { nodeId: link.nodeId, connected: true });
  }

  detach(nodeId: string, connId: string): void {
    const link = this.links.get(nodeId);
    if (!link || link.connId !== connId) return;
    this.links.delete(nodeId);
    this.failAll(link, 'NODE_DISCONNECTED', 'the node disconnected');
    this.emit('node.presence', { nodeId, connected: false });
  }

  isConnected(nodeId: string): boolean {
    return this.links.has(nodeId);
  }

  /** Paired nodes (from the store) plus anything connected. */
  async list(): Promise<NodeInfo[]> {
    const out = new Map<string, NodeInfo>();
    for (const d of await this.store.devices.list()) {
      if (d.role !== 'node') continue;
      out.set(d.deviceId, { nodeId: d.deviceId, displayName: d.displayName, platform: d.platform, clientId: d.clientId, caps: [], commands: [], connected: false, ...(d.lastSeenAtMs ? { lastSeenAtMs: d.lastSeenAtMs } : {}) });
    }
    for (const l of this.links.values()) {
      const base = out.get(l.nodeId);
      out.set(l.nodeId, {
        ...(base ?? { nodeId: l.nodeId }),
        displayName: base?.displayName ?? l.displayName,
        platform: l.platform,
        clientId: l.clientId,
        version: l.version,
        caps: l.caps,
        commands: l.commands,
        connected: true,
        connectedAtMs: l.connectedAtMs,
      });
    }
    return [...out.values()];
  }

  /** Run a command; the same idempotency key joins the run in flight or returns its recent result. */
  async invoke(req: { nodeId: string; command: string; params?: unknown; timeoutMs: number; idempotencyKey: string }): Promise<InvokeOutcome> {
    this.prune();
    const key = `${req.nodeId}:${req.idempotencyKey}`;
    const recent = this.done.get(key);
    if (recent) return Promise.resolve(recent.outcome);
    const running = this.byKey.get(key);
    if (running) return running.promise;
    const link = this.links.get(req.nodeId);
    if (!link) {
      const known = await this.store.devices.get(req.nodeId);
      throw new NodeInvokeError(known ? `node "${req.nodeId}" is not connected` : `unknown node "${req.nodeId}"`, known ? 'NODE_NOT_CONNECTED' : 'NODE_NOT_FOUND');
    }
    await this.authorize(link, req.command);
    // The same key may have started while the approval was read.
    const started = this.byKey.get(key);
    if (started) return started.promise;
    const id = randomUUID();
    let resolve!: (o: InvokeOutcome) => void;
    const promise = new Promise<InvokeOutcome>((r) => (resolve = r));
    const p: Pending = {
      id,
      key,
      link,
      command: req.command,
      promise,
      resolve,
      timer: setTimeout(() => this.finish(id, { ok: false, error: { code: 'TIMEOUT', message: `no result within ${req.timeoutMs} ms` } }, true), req.timeoutMs),
    };
    p.timer.unref();
    this.pending.set(id, p);
    this.byKey.set(key, p);
    link.send('node.invoke.request', { id, nodeId: req.nodeId, command: req.command, ...(req.params !== undefined ? { paramsJSON: JSON.stringify(req.params) } : {}), timeoutMs: req.timeoutMs });
    return promise;
  }

  cancel(nodeIdOrAny: string | undefined, idempotencyKey: string): boolean {
    for (const p of this.byKey.values()) {
      if (p.key.endsWith(`:${idempotencyKey}`) && (!nodeIdOrAny || p.link.nodeId === nodeIdOrAny)) {
        this.finish(p.id, { ok: false, error: { code: 'CANCELLED', message: 'cancelled by request' } }, true);
        return true;
      }
    }
    return false;
  }

  /** A node's answer. Only the node the request went to may answer it. */
  result(fromNodeId: string, r: { id: string; ok: boolean; payload?: unknown; payloadJSON?: string; error?: { code: string; message: string } }): boolean {
    const p = this.pending.get(r.id);
    if (!p || p.link.nodeId !== fromNodeId) return false;
    let payload = r.payload;
    if (payload === undefined && r.payloadJSON !== undefined) {
      try {
        payload = JSON.parse(r.payloadJSON);
      } catch {
        payload = r.payloadJSON;
      }
    }
    this.finish(r.id, { ok: r.ok, ...(payload !== undefined ? { payload } : {}), ...(r.error ? { error: r.error } : {}) }, false);
    return true;
  }

  private finish(id: string, o: Omit<InvokeOutcome, 'nodeId' | 'command'>, tellNode: boolean): void {
    const p = this.pending.get(id);
    if (!p) return;
    clearTimeout(p.timer);
    this.pending.delete(id);
    this.byKey.delete(p.key);
    const outcome: InvokeOutcome = { nodeId: p.link.nodeId, command: p.command, ...o };
    this.done.set(p.key, { outcome, at: Date.now() });
    if (tellNode) p.link.send('node.invoke.cancel', { id, nodeId: p.link.nodeId });
    p.resolve(outcome);
  }

  private failAll(link: NodeLink, code: string, message: string): void {
    for (const p of [...this.pending.values()]) if (p.link === link) this.finish(p.id, { ok: false, error: { code, message } }, false);
  }

  private prune(): void {
    const now = Date.now();
    for (const [k, v] of this.done) if (now - v.at > RESULT_KEEP_MS) this.done.delete(k);
  }
}
