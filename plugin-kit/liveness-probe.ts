/**
 * A webhook channel hears nothing while nobody writes, so it proves it is alive by asking the platform
 * something cheap on a timer. One probe at a time; a probe that works is a heartbeat, one that fails is not
 * (the supervisor restarts the channel when heartbeats stop) and is reported through `onError`.
 */
export function singleFlightProbe(o: { check(): Promise<void>; stopped(): boolean; alive(): void; onError(err: Error): void }): () => Promise<void> {
  let running = false;
  return async () => {
    if (running || o.stopped()) return;
    running = true;
    try {
      await o.check();
      if (!o.stopped()) o.alive();
    } catch (err) {
      o.onError(err as Error);
    } finally {
      running = false;
    }
  };
}
