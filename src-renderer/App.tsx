import { ExecApprovalsCard } from './features/approvals/ExecApprovalsCard.js';
import { useEffect, useMemo, useState } from 'react';
import { useStore } from 'zustand';
import { hasScope } from '../src-shared/protocol/scopes.js';
import { ErrorBox } from './components/ErrorBox.js';
import { Header } from './components/Header.js';
import { HealthPanel } from './components/HealthPanel.js';
import { LoginForm } from './components/LoginForm.js';
import { Sidebar } from './components/Sidebar.js';
import { ChannelsPage } from './features/channels/ChannelsPage.js';
import { ChatPage } from './features/chat/ChatPage.js';
import { ConfigPage } from './features/config/ConfigPage.js';
import { LogsPage } from './features/logs/LogsPage.js';
import { MemoryPage } from './features/memory/MemoryPage.js';
import { NodesPage } from './features/nodes/NodesPage.js';
import { PairingPage } from './features/pairing/PairingPage.js';
import { PluginsPage } from './features/plugins/PluginsPage.js';
import { SessionsPage } from './features/sessions/SessionsPage.js';
import { UsagePage } from './features/usage/UsagePage.js';
import { AutomationsPage } from './features/automations/AutomationsPage.js';
import { FirstModelSetup } from './features/welcome/ModelSetup.js';
import { WelcomePanel } from './features/welcome/WelcomePanel.js';
import { UpdateBanner } from './features/update/UpdateBanner.js';
import { summarizeHealth } from './health-summary.js';
import { pageFromHash, PAGES, type PageId } from './pages.js';
import type { AppStore } from './store.js';

const HEALTH_POLL_MS = 30_000;

function usePage(): [PageId, (id: PageId) => void] {
  const [page, setPage] = useState<PageId>(() => pageFromHash(location.hash));
  useEffect(() => {
    const onHash = () => setPage(pageFromHash(location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  return [
    page,
    (id) => {
      // The hash names a page and nothing else (see pageFromHash).
      history.replaceState(null, '', `#/${id}`);
      setPage(id);
    },
  ];
}

export function App({ store, origin }: { store: AppStore; origin: string }) {
  const state = useStore(store);
  const [now, setNow] = useState(() => Date.now());
  const [page, setPage] = usePage();

  useEffect(() => {
    void store.getState().start();
  }, [store]);

  // Poll as a fallback to `health` events, and tick the uptime display.
  useEffect(() => {
    if (state.phase !== 'ready') return;
    const poll = setInterval(() => void store.getState().refresh(), HEALTH_POLL_MS);
    const tick = setInterval(() => setNow(Date.now()), 1000);
    return () => {
      clearInterval(poll);
      clearInterval(tick);
    };
  }, [state.phase, store]);

  const summary = useMemo(
    () =>
      state.health === undefined
        ? undefined
        : summarizeHealth({
            health: state.health,
            status: state.status,
            hello: state.hello,
            helloAt: state.helloAt,
            healthAt: state.healthAt,
            now,
          }),
    [state.health, state.status, state.hello, state.helloAt, state.healthAt, now],
  );

  const ready = state.phase === 'ready';
  const client = state.client;
  const canRead = hasScope(state.scopes, 'operator.read');
  const label = PAGES.find((p) => p.id === page)?.label ?? '';
  return (
    <div className="app">
      <a className="skip-link" href="#page">
        Skip to content
      </a>
      <Header
        transport={state.transport}
        connected={ready}
        serverVersion={summary?.version ?? state.hello?.server.version}
        onLogout={ready && state.transport === 'ws' ? state.logout : undefined}
      />
      {ready && client && state.transport === 'ipc' ? <UpdateBanner client={client} /> : null}
      {ready && state.gatewayAway !== undefined ? (
        <div className="gateway-away" role="status" aria-label="Gateway connection">
          Reconnecting to the gateway ({state.gatewayAway})…
        </div>
      ) : null}
      {ready && client ? (
        <div className="shell">
          <Sidebar current={page} onSelect={setPage} />
          <main id="page" aria-label={label} data-page={page}>
            {!canRead ? (
              <ErrorBox
                error={{
                  message: 'The gateway granted this connection no read permission, so most pages cannot load.',
                  hint: 'Sign out and connect again with the gateway token; a browser without WebCrypto Ed25519 support cannot be granted scopes.',
                }}
              />
            ) : null}
            {page === 'overview' ? (
              <>
                {canRead ? <FirstModelSetup client={client} canAdmin={hasScope(state.scopes, 'operator.admin')} /> : null}
                {canRead ? <WelcomePanel client={client} status={state.status} /> : null}
                {hasScope(state.scopes, 'operator.approvals') ? <ExecApprovalsCard client={client} /> : null}
                <HealthPanel summary={summary} error={state.healthError} onRefresh={() => void state.refresh()} />
                <section className="card" aria-labelledby="connection-heading">
                  <h2 id="connection-heading">This connection</h2>
                  <dl className="facts">
                    <dt>Transport</dt>
                    <dd>{state.transport === 'ipc' ? 'desktop (IPC)' : 'browser (WebSocket)'}</dd>
                    <dt>Permissions</dt>
                    <dd data-testid="granted-scopes">{state.scopes.length ? state.scopes.join(', ') : 'none'}</dd>
                    {state.hello?.auth.method ? (
                      <>
                        <dt>Signed in with</dt>
                        <dd>{state.hello.auth.method}</dd>
                      </>
                    ) : null}
                  </dl>
                </section>
              </>
            ) : null}
            {page === 'chat' ? <ChatPage client={client} canAdmin={hasScope(state.scopes, 'operator.admin')} /> : null}
            {page === 'sessions' ? <SessionsPage client={client} /> : null}
            {page === 'config' ? <ConfigPage client={client} canWrite={hasScope(state.scopes, 'operator.admin')} /> : null}
            {page === 'logs' ? <LogsPage client={client} /> : null}
            {page === 'channels' ? <ChannelsPage client={client} canAdmin={hasScope(state.scopes, 'operator.admin')} /> : null}
            {page === 'nodes' ? <NodesPage client={client} canAdmin={hasScope(state.scopes, 'operator.admin')} /> : null}
            {page === 'pairing' ? <PairingPage client={client} /> : null}
            {page === 'plugins' ? <PluginsPage client={client} canAdmin={hasScope(state.scopes, 'operator.admin')} /> : null}
            {page === 'automations' ? <AutomationsPage client={client} canWrite={hasScope(state.scopes, 'operator.write')} /> : null}
            {page === 'usage' ? <UsagePage client={client} /> : null}
            {page === 'memory' ? <MemoryPage client={client} canWrite={hasScope(state.scopes, 'operator.write')} /> : null}
          </main>
        </div>
      ) : (
        <main className="narrow">
          {state.phase === 'starting' ? <p className="muted">Starting…</p> : null}
          {state.phase === 'login' || (state.phase === 'connecting' && !state.client) ? (
            <LoginForm
              busy={state.phase === 'connecting'}
              error={state.loginError}
              notice={state.disconnected}
              origin={origin}
              onSubmit={(token) => void state.login(token)}
            />
          ) : null}
        </main>
      )}
    </div>
  );
}
