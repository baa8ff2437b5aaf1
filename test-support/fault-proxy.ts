import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy on loopback in front of a server, for network faults: `partition()` stops every byte in
 * both directions without closing anything (as a cut cable or a dropped route does: neither side hears a
 * thing); `closeServerSide()` then ends the connections on the server's side only, as the server does when
 * its keep-alive gives up on a silent peer.
 */
export class FaultProxy {
  private server?: Server;
  private readonly pairs = new Set<{ client: Socket; upstream: Socket }>();
  private partitioned = false;
  port = 0;

  constructor(
    private readonly targetPort: number,
    private readonly targetHost = '127.0.0.1',
  ) {}

  async start(): Promise<this> {
    this.server = createServer((client) => {
      if (this.partitioned) return client.destroy();
      const upstream = connect(this.targetPort, this.targetHost);
      const pair = { client, upstream };
      this.pairs.add(pair);
      const forward = (from: Socket, to: Socket) =>
        from.on('data', (chunk: Buffer) => {
          // Partitioned: what was sent is lost, and nobody is told.
          if (!this.partitioned) to.write(chunk);
        });
      forward(client, upstream);
      forward(upstream, client);
      const end = () => {
        this.pairs.delete(pair);
        client.destroy();
        upstream.destroy();
      };
      client.on('error', end).on('close', () => !this.partitioned && end());
      upstream.on('error', end).on('close', () => !this.partitioned && end());
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server!.address() as { port: number }).port;
    return this;
  }

  /** Nothing passes any more, in either direction; connections stay open. */
  partition(): void {
    this.partitioned = true;
  }

  /** The server side of every connection ends (the client side stays silent and open). */
  closeServerSide(): void {
    for (const p of this.pairs) p.upstream.destroy();
  }

  async close(): Promise<void> {
    for (const p of this.pairs) {
      p.client.destroy();
      p.upstream.destroy();
    }
    this.pairs.clear();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}
