interface HeaderProps {
  transport: 'ipc' | 'ws';
  connected: boolean;
  serverVersion?: string;
  onLogout?: () => void;
}

export function Header({ transport, connected, serverVersion, onLogout }: HeaderProps) {
  return (
    <header className="app-header">
      <div className="brand">
        <span className="logo" aria-hidden="true" />
        <h1>OpenClaw</h1>
      </div>
      <div className="header-meta">
        <span className={connected ? 'pill pill-ok' : 'pill'} data-testid="connection-state">
          {connected ? 'Connected' : 'Not connected'}
          {transport === 'ipc' ? ' · desktop' : ''}
        </span>
        {serverVersion ? <span className="muted">gateway {serverVersion}</span> : null}
        {onLogout ? (
          <button type="button" className="link-button" onClick={onLogout}>
            Sign out
          </button>
        ) : null}
      </div>
    </header>
  );
}
