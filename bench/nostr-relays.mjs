// Two real Nostr relays (test-support/nostr-relay) on a thread of their own for bench/nostr.mjs:
// relays check every signature, and on one thread with the simulated people and the echo bot they
// would be the bottleneck of both runs instead of the bot being measured. Posts the relay URLs,
// closes on 'close'.
import { parentPort, workerData } from 'node:worker_threads';

const { startTestRelay } = await import(workerData.module);
const relays = [await startTestRelay(), await startTestRelay()];
parentPort.on('message', async (msg) => {
  if (msg !== 'close') return;
  await Promise.all(relays.map((r) => r.close()));
  parentPort.close();
});
parentPort.postMessage(relays.map((r) => r.url));
