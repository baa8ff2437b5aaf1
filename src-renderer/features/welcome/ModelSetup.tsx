import { useEffect, useState } from 'react';
import type { MethodParams, MethodResult } from '../../../src-shared/protocol/index.js';
import type { GatewayClient } from '../../client/types.js';
import { ErrorBox } from '../../components/ErrorBox.js';
import { describeError, type ShownError } from '../../ui-error.js';

type Kind = MethodParams<'models.setup.test'>['kind'];
type TestResult = MethodResult<'models.setup.test'>;
type Detected = MethodResult<'models.setup.detect'>['ollama'];

const PROVIDERS: { kind: Kind; label: string; help: string; model: string; key: 'required' | 'optional' | 'none' }[] = [
  { kind: 'anthropic', label: 'Anthropic', help: 'Claude models. Create a key at console.anthropic.com.', model: 'claude-sonnet-4-5', key: 'required' },
  { kind: 'openai', label: 'OpenAI', help: 'GPT models. Create a key at platform.openai.com.', model: 'gpt-4o-mini', key: 'required' },
  { kind: 'openai-compatible', label: 'OpenAI-compatible server', help: 'LM Studio, vLLM, OpenRouter or any server with an OpenAI-style /v1 address.', model: '', key: 'optional' },
  { kind: 'ollama', label: 'Ollama on this computer', help: 'Local models, no key needed.', model: '', key: 'none' },
];

/** A model is what the assistant needs first: pick a provider, give the key, test it with one real request, save. */
export function ModelSetup({ client, onSaved }: { client: GatewayClient; onSaved(): void }) {
  const [kind, setKind] = useState<Kind>('anthropic');
  const [apiKey, setApiKey] = useState('');
  const [baseUrl, setBaseUrl] = useState('');
  const [models, setModels] = useState<Partial<Record<Kind, string>>>({});
  const [ollama, setOllama] = useState<Detected>();
  const [busy, setBusy] = useState<'test' | 'save'>();
  const [result, setResult] = useState<TestResult>();
  const [saved, setSaved] = useState<string>();
  const [error, setError] = useState<ShownError>();

  useEffect(() => {
    client.call<MethodResult<'models.setup.detect'>>('models.setup.detect', {}).then(
      (r) => {
        setOllama(r.ollama);
        if (r.ollama.found && r.ollama.models.length) setKind((k) => (k === 'anthropic' ? 'ollama' : k));
      },
      () => setOllama(undefined),
    );
  }, [client]);

  const provider = PROVIDERS.find((p) => p.kind === kind)!;
  const model = models[kind] ?? (kind === 'ollama' ? (ollama?.models[0] ?? '') : provider.model);
  const params: MethodParams<'models.setup.test'> = {
    kind,
    model: model.trim(),
    ...(apiKey.trim() && provider.key !== 'none' ? { apiKey: apiKey.trim() } : {}),
    ...(baseUrl.trim() && kind !== 'ollama' ? { baseUrl: baseUrl.trim() } : {}),
  };
  const ready = Boolean(params.model) && (provider.key !== 'required' || Boolean(params.apiKey)) && (kind !== 'openai-compatible' || Boolean(params.baseUrl));

  const run = async (what: 'test' | 'save') => {
    setBusy(what);
    setError(undefined);
    setResult(undefined);
    try {
      if (what === 'test') {
        setResult(await client.call<TestResult>('models.setup.test', params));
      } else {
        const r = await client.call<MethodResult<'models.setup.save'>>('models.setup.save', params);
        setResult(r.test);
        if (r.saved) {
          setSaved(r.test.modelRef);
          setApiKey('');
          onSaved();
        }
      }
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(undefined);
    }
  };

  if (saved) {
    return (
      <section className="card model-setup" aria-labelledby="model-setup-heading" data-testid="model-setup">
        <h2 id="model-setup-heading">Model ready</h2>
        <p role="status" className="success" data-testid="model-setup-saved">
          {saved} answered and is now the default model.
        </p>
        <a className="step-link" href="#/chat">
          Start chatting →
        </a>
      </section>
    );
  }

  return (
    <section className="card model-setup" aria-labelledby="model-setup-heading" data-testid="model-setup">
      <h2 id="model-setup-heading">Connect a model</h2>
      <p className="muted">The assistant needs a language model to answer. Choose where it comes from; the key is tested with one real request before it is saved.</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void run('save');
        }}
      >
        <fieldset className="provider-choices">
          <legend className="visually-hidden">Provider</legend>
          {PROVIDERS.map((p) => (
            <label key={p.kind} className={p.kind === kind ? 'provider-choice provider-choice-on' : 'provider-choice'}>
              <input
                type="radio"
                name="provider"
                value={p.kind}
                checked={p.kind === kind}
                onChange={() => {
                  setKind(p.kind);
                  setResult(undefined);
                }}
              />
              <span className="provider-name">{p.label}</span>
              <span className="muted small">
                {p.kind === 'ollama'
                  ? ollama === undefined
                    ? 'Looking for Ollama…'
                    : ollama.found
                      ? `Found at ${ollama.baseUrl} with ${ollama.models.length} model${ollama.models.length === 1 ? '' : 's'}`
                      : `Not found at ${ollama.baseUrl}`
                  : p.help}
              </span>
            </label>
          ))}
        </fieldset>

        <div className="setup-fields">
          {kind === 'openai-compatible' ? (
            <div className="field">
              <label htmlFor="setup-url">Server address</label>
              <input id="setup-url" type="url" value={baseUrl} onChange={(e) => setBaseUrl(e.target.value)} placeholder="http://127.0.0.1:1234/v1" spellCheck={false} />
            </div>
          ) : null}
          {provider.key !== 'none' ? (
            <div className="field">
              <label htmlFor="setup-key">API key{provider.key === 'optional' ? ' (if the server asks for one)' : ''}</label>
              <input id="setup-key" type="password" autoComplete="off" value={apiKey} onChange={(e) => setApiKey(e.target.value)} spellCheck={false} />
            </div>
          ) : null}
          <div className="field">
            <label htmlFor="setup-model">Model</label>
            {kind === 'ollama' && ollama?.models.length ? (
              <select id="setup-model" value={model} onChange={(e) => setModels({ ...models, ollama: e.target.value })}>
                {ollama.models.map((m) => (
                  <option key={m}>{m}</option>
                ))}
              </select>
            ) : (
              <input id="setup-model" value={model} onChange={(e) => setModels({ ...models, [kind]: e.target.value })} placeholder="model id" spellCheck={false} />
            )}
          </div>
          {kind === 'anthropic' || kind === 'openai' ? (
            <details className="setup-advanced">
              <summary>Advanced</summary>
              <div className="field">
                <label htmlFor="setup-base">API address (leave empty for {provider.label}'s own)</label>
                <input id="setup-base" type="url" value={baseUrl} onChange={(e) => setBaseUrl(e.target.value)} spellCheck={false} />
              </div>
            </details>
          ) : null}
        </div>

        {result ? (
          result.ok ? (
            <p role="status" className="success" data-testid="model-setup-result" data-ok="true">
              {result.modelRef} answered in {result.latencyMs} ms{result.reply ? `: “${result.reply}”` : ''}.
            </p>
          ) : (
            <div role="alert" className="error" data-testid="model-setup-result" data-ok="false">
              {result.modelRef} did not answer: {result.error}
            </div>
          )
        ) : null}
        <ErrorBox error={error} testId="model-setup-error" />
        <div className="actions">
          <button type="button" className="secondary" disabled={!ready || busy !== undefined} onClick={() => void run('test')}>
            {busy === 'test' ? 'Testing…' : 'Test'}
          </button>
          <button type="submit" disabled={!ready || busy !== undefined}>
            {busy === 'save' ? 'Testing and saving…' : 'Test and save'}
          </button>
        </div>
      </form>
    </section>
  );
}

/** The model setup while no model is configured (and its "ready" note once one is saved); nothing otherwise. */
export function FirstModelSetup({ client, canAdmin, onSaved }: { client: GatewayClient; canAdmin: boolean; onSaved?(): void }) {
  const [state, setState] = useState<'checking' | 'missing' | 'saved' | 'configured'>('checking');
  useEffect(() => {
    client.call<MethodResult<'models.list'>>('models.list', {}).then(
      (r) => setState(r.models.length || r.defaultModel ? 'configured' : 'missing'),
      () => setState('configured'),
    );
  }, [client]);
  if (state === 'checking' || state === 'configured') return null;
  if (!canAdmin) {
    return (
      <section className="card model-setup" data-testid="model-setup">
        <h2>No model is configured yet</h2>
        <p className="muted">Connecting a model needs admin permission (operator.admin), which this connection was not granted.</p>
      </section>
    );
  }
  return (
    <ModelSetup
      client={client}
      onSaved={() => {
        setState('saved');
        onSaved?.();
      }}
    />
  );
}
