import { useEffect, useState } from 'react';
import { DESKTOP_METHODS, DESKTOP_UPDATE_EVENT, type DesktopUpdateSnapshot } from '../../../src-shared/protocol/desktop.js';
import type { GatewayClient } from '../../client/types.js';
import { parseUpdateSnapshot, updateBanner } from './update-banner.js';

/**
 * "Update <version> ready — Restart to update", in the desktop window only (the main process answers
 * `desktop.*` over the preload bridge; a browser has no bridge and never renders this).
 */
export function UpdateBanner({ client }: { client: GatewayClient }) {
  const [snapshot, setSnapshot] = useState<DesktopUpdateSnapshot>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    let live = true;
    const off = client.on(DESKTOP_UPDATE_EVENT, (payload) => setSnapshot(parseUpdateSnapshot(payload)));
    client
      .call(DESKTOP_METHODS.updateGet)
      .then((v) => live && setSnapshot((prev) => prev ?? parseUpdateSnapshot(v)))
      .catch(() => undefined);
    return () => {
      live = false;
      off();
    };
  }, [client]);
  const model = updateBanner(snapshot);
  if (!model) return null;
  const restart = () => {
    setError(undefined);
    client
      .call(DESKTOP_METHODS.updateRestart)
      .then((v) => setSnapshot(parseUpdateSnapshot(v)))
      .catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)));
  };
  return (
    <div className="update-banner" role="status" aria-label="Update">
      <span>{model.text}</span>
      {model.restart ? (
        <>
          <span aria-hidden="true"> — </span>
          <button type="button" onClick={restart} disabled={!model.restart.enabled}>
            {model.restart.label}
          </button>
          {model.restart.hint ? <span className="muted update-hint">{model.restart.hint}</span> : null}
        </>
      ) : null}
      {error ? <span className="error update-error">{error}</span> : null}
    </div>
  );
}
