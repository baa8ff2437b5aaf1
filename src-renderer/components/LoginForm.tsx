import { useState, type FormEvent } from 'react';
import type { UiError } from '../store.js';

interface LoginFormProps {
  busy: boolean;
  error?: UiError;
  notice?: string;
  origin: string;
  onSubmit(token: string): void;
}

export function LoginForm({ busy, error, notice, origin, onSubmit }: LoginFormProps) {
  const [token, setToken] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit(token);
  };
  return (
    <form className="card login" onSubmit={submit} aria-label="Connect to gateway">
      <h2>Connect to the gateway</h2>
      <p className="muted">
        Enter the gateway token for <code>{origin}</code>. It is in <code>~/.openclaw/credentials/gateway.token</code> on
        the gateway host (or <code>OPENCLAW_GATEWAY_TOKEN</code>, if the gateway was started with it).
      </p>
      <p className="muted" data-testid="login-first-run">
        First time here? The gateway wrote that file on its first start; print it on the gateway host with{' '}
        <code>cat ~/.openclaw/credentials/gateway.token</code>. Once connected, the Overview shows what else was created and
        what to set up next. The token itself is kept only in this tab.
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
