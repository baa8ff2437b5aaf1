import { createServer } from 'node:net';

/**
 * A free port on 127.0.0.1 for a listener whose address must be known before it starts (an adapter's
 * webhook endpoint, a server a test launches). Taken below the kernel's ephemeral range (32768 and up on Linux), where every `listen(0)` and
 * outgoing connection of the other test files gets its port: a port picked there could be handed to one of
 * them between this probe and the adapter binding it.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const probe = createServer();
    const free = await new Promise<boolean>((resolve) => {
      probe.once('error', () => resolve(false));
      probe.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (free) {
      await new Promise<void>((resolve) => probe.close(() => resolve()));
      return port;
    }
    if (attempt > 50) throw new Error('no free port between 20000 and 32000 on 127.0.0.1');
  }
}
