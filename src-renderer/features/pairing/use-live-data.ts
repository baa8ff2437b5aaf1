import { useCallback, useEffect, useState } from 'react';
import type { GatewayClient } from '../../client/types.js';
import { describeError, type ShownError } from '../../ui-error.js';

/** Events come in bursts (a request, then its resolution); one reload per burst is enough. */
const EVENT_DEBOUNCE_MS = 300;

/**
 * Loads data once and again whenever one of `events` arrives. `load` and `events` must be stable
 * (module-level), or every render would reload. The last good data stays while an error is shown.
 */
export function useLiveData<T>(client: GatewayClient, load: (client: GatewayClient) => Promise<T>, events: readonly string[]) {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<ShownError>();

  const reload = useCallback(async () => {
    try {
      setData(await load(client));
      setError(undefined);
    } catch (err) {
      setError(describeError(err));
    }
  }, [client, load]);

  useEffect(() => {
    void reload();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const offs = events.map((event) =>
      client.on(event, () => {
        clearTimeout(timer);
        timer = setTimeout(() => void reload(), EVENT_DEBOUNCE_MS);
      }),
    );
    return () => {
      offs.forEach((off) => off());
      clearTimeout(timer);
    };
  }, [client, reload, events]);

  return { data, error, reload };
}

/**
 * One user action at a time on a live list: which item is busy, the notice after it worked,
 * the error when it did not, and a reload of the list either way it succeeds.
 */
export function useListAction(reload: () => Promise<void>) {
  const [busy, setBusy] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [actionError, setActionError] = useState<ShownError>();
  const run = useCallback(
    async (key: string, action: () => Promise<string>) => {
      setBusy(key);
      try {
        setNotice(await action());
        setActionError(undefined);
        await reload();
      } catch (err) {
        setActionError(describeError(err));
      } finally {
        setBusy(undefined);
      }
    },
    [reload],
  );
  return { busy, notice, actionError, run };
}
