import { useEffect, useState, type FormEvent } from 'react';
import type { UiError } from '../store.js';

interface LoginFormProps {
  busy: boolean;
  error?: UiError;
  notice?: string;
  origin: string;
  onSubmit(token: string): void;
}

/** Where the token file is when the gateway did not say (a browser on another computer is not told). */
const DEFAULT_TOKEN_FILE = '~/.openclaw/credentials/gateway.token';

/**
 * The gateway's own token file (its state dir may be another one than `~/.openclaw`); the
 * gateway tells only a browser on its own computer, others see the default with a caveat.
 */
function useTokenFile(): string | undefined {
  const [file, setFile] = useState<string>();
  useEffect(() => {
    if (!/^https?:$/.test(location.protocol)) return;
    const ctl = new AbortController();
    fetch('/__openclaw__/login-hint', { signal: ctl.signal, cache: 'no-store' })
      .then(async (r) => (r.ok ? ((await r.json()) as { tokenFile?: unknown }) : {}))
      .then((h) => typeof h.tokenFile === 'string' && setFile(h.tokenFile))
      .catch(() => undefined);
    return () => ctl.abort();
  }, []);
  return file;
}

export function LoginForm({ busy, error, notice, origin, onSubmit }: LoginFormProps) {
  const [token, setToken] = useState('');
  const tokenFile = useTokenFile();
  const file = tokenFile ?? DEFAULT_TOKEN_FILE;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit(token);
  };
  return (
    <form className="card login" onSubmit={submit} aria-label="Connect to gateway">
      <h2>Connect to the gateway</h2>
      <p className="muted">
        Enter the gateway token for <code>{origin}</code>. It is in <code data-testid="login-token-file">{file}</code> on
        the gateway host{tokenFile ? '' : ' (or credentials/gateway.token in the state directory it was started with)'} or in{' '}
        <code>OPENCLAW_GATEWAY_TOKEN</code>, if the gateway was started with it.
      </p>
      <p className="muted" data-testid="login-first-run">
        First time here? The gateway wrote that file on its first start; print it on the gateway host with <code>cat {file}</code>. Once
        connected, the Overview shows what else was created and what to set up next. The token itself is kept only in this tab.
      </p>
      {notice ? <p className="notice">Disconnected: {notice}</p> : null}
      <label htmlFor="gateway-token">Gateway token</label>
      <input
        id="gateway-token"
        name="token"
        type="password"
        autoComplete="current-password"
        spellCheck={false}
        value={token}
        onChange={(e) => setToken(e.target.value)}
        disabled={busy}
        autoFocus
      />
      {error ? (
        <div role="alert" className="error" data-testid="login-error">
          <strong>{error.message}</strong>
          {error.code ? <span className="error-code"> ({error.code})</span> : null}
        </div>
      ) : null}
      <button type="submit" disabled={busy}>
        {busy ? 'Connecting…' : 'Connect'}
      </button>
    </form>
  );
}
