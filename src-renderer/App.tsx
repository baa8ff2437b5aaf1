import { useEffect, useMemo, useState } from 'react';
import { useStore } from 'zustand';
import { Header } from './components/Header.js';
import { HealthPanel } from './components/HealthPanel.js';
import { LoginForm } from './components/LoginForm.js';
import { summarizeHealth } from './health-summary.js';
import type { AppStore } from './store.js';

const HEALTH_POLL_MS = 30_000;

export function App({ store, origin }: { store: AppStore; origin: string }) {
  const state = useStore(store);
  const [now, setNow] = useState(() => Date.now());

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
  return (
    <div className="app">
      <Header
        transport={state.transport}
        connected={ready}
        serverVersion={summary?.version ?? state.hello?.server.version}
        onLogout={ready && state.transport === 'ws' ? state.logout : undefined}
      />
      <main>
        {state.phase === 'starting' ? <p className="muted">Starting…</p> : null}
        {state.phase === 'login' || state.phase === 'connecting' ? (
          <LoginForm
            busy={state.phase === 'connecting'}
            error={state.loginError}
            notice={state.disconnected}
            origin={origin}
            onSubmit={(token) => void state.login(token)}
          />
        ) : null}
        {ready ? <HealthPanel summary={summary} error={state.healthError} onRefresh={() => void state.refresh()} /> : null}
      </main>
    </div>
  );
}
