import { useCallback, useState } from 'react';
import type { MethodResult } from '../../../src-shared/protocol/index.js';
import type { GatewayClient } from '../../client/types.js';
import { useLiveData } from '../pairing/use-live-data.js';
import { createdItems, setupSteps, shouldShowWelcome, type SetupFacts } from './setup-steps.js';

const DISMISSED_KEY = 'openclaw.welcome.dismissed';
// A step can complete elsewhere (a config save, a channel login, a phone pairing): look again then.
const EVENTS = ['config.reloaded', 'channels.changed', 'device.pair.resolved'] as const;

function storage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

/** Each look-up on its own: one refused for lack of a scope leaves that step "unknown", not the panel broken. */
async function loadFacts(client: GatewayClient): Promise<Omit<SetupFacts, 'status'>> {
  const soft = <T,>(p: Promise<T>) => p.catch(() => undefined);
  const [models, channels, devices] = await Promise.all([
    soft(client.call<MethodResult<'models.list'>>('models.list', {})),
    soft(client.call<MethodResult<'channels.status'>>('channels.status', {})),
    soft(client.call<MethodResult<'device.pair.list'>>('device.pair.list', {})),
  ]);
  return { models, channels, devices };
}

/**
 * The first-run screen, at the top of the Overview: what the first start created (token file,
 * config file) and what to do next, each step checked against the gateway. Shown on a first
 * start or while a basic step is missing, until dismissed in this browser or app.
 */
export function WelcomePanel({ client, status }: { client: GatewayClient; status: unknown }) {
  const [dismissed, setDismissed] = useState(() => storage()?.getItem(DISMISSED_KEY) === '1');
  const { data } = useLiveData(client, loadFacts, EVENTS);
  const dismiss = useCallback(() => {
    storage()?.setItem(DISMISSED_KEY, '1');
    setDismissed(true);
  }, []);
  const facts: SetupFacts = { ...data, status: status as SetupFacts['status'] };
  if (!data || !shouldShowWelcome(facts, dismissed)) return null;
  const created = createdItems(facts.status);
  const steps = setupSteps(facts);
  const firstStart = facts.status?.host?.firstStart;
  return (
    <section className="card welcome" aria-labelledby="welcome-heading" data-testid="welcome">
      <div className="card-title">
        <h2 id="welcome-heading">{firstStart ? 'Welcome to OpenClaw' : 'Finish setting up OpenClaw'}</h2>
        <button type="button" className="secondary" onClick={dismiss}>
          Dismiss
        </button>
      </div>
      <p className="muted">Your assistant's gateway is running on this computer. {firstStart ? 'This first start created:' : 'It keeps its files here:'}</p>
      {created.length ? (
        <dl className="facts created" data-testid="welcome-created">
          {created.map((c) => (
            <div key={c.label} className="created-item">
              <dt>{c.label}</dt>
              <dd>
                <code>{c.value}</code>
                <div className="help">{c.note}</div>
              </dd>
            </div>
          ))}
        </dl>
      ) : (
        <p className="muted">This connection may not see file paths; the desktop app or an admin login shows them.</p>
      )}
      <h3>Next steps</h3>
      <ol className="steps" data-testid="welcome-steps">
        {steps.map((s) => (
          <li key={s.id} data-step={s.id} data-done={s.done === undefined ? 'unknown' : String(s.done)} className={s.done ? 'step step-done' : 'step'}>
            <span className="step-mark" aria-hidden="true">
              {s.done ? '✓' : '•'}
            </span>
            <span className="step-body">
              <strong>{s.title}</strong>
              {s.done ? <span className="pill pill-ok">done</span> : null}
              <span className="help">{s.text}</span>
            </span>
            <a href={`#/${s.page}`} className="step-link" aria-label={`${s.action}: ${s.title}`}>
              {s.action}
            </a>
          </li>
        ))}
      </ol>
    </section>
  );
}
