import { useState } from 'react';
import { enumValues, fieldKind, getAt, nodeAt, pathKey, type Path, type SchemaNode } from './config-form.js';

export interface SchemaFormProps {
  schema: SchemaNode;
  value: unknown;
  /** Field path → messages from the last refused save. */
  errors: ReadonlyMap<string, string[]>;
  onChange(path: Path, value: unknown): void;
  /** A JSON field currently holds text that does not parse (true) or parses again (false). */
  onJsonValidity(path: string, invalid: boolean): void;
}

const fieldId = (path: Path) => `cfg-${pathKey(path)}`;

/**
 * One top-level section at a time (the config is far too long to read as one page), or, while
 * searching, every matching field wherever it lives, each labelled with its full path.
 */
export function SchemaForm(props: SchemaFormProps & { section?: string; matches?: readonly string[] }) {
  const { section, matches, ...form } = props;
  if (matches) {
    return (
      <div className="schema-form" data-testid="config-search-results">
        {matches.length === 0 ? <p className="muted">No setting matches.</p> : null}
        {matches.map((key) => {
          const path = key.split('.');
          const node = nodeAt(form.schema, path);
          return node ? <Field key={key} {...form} schema={node} path={path} /> : null;
        })}
      </div>
    );
  }
  if (section === undefined) return <AllSections {...form} />;
  const s = form.schema.properties?.[section];
  if (!s) return null;
  const path = [section];
  return (
    <div className="schema-form">
      <section className="section" data-section={section} aria-labelledby={`cfg-section-${section}`}>
        <h4 id={`cfg-section-${section}`}>
          {section} {s.description ? <span className="muted small">— {s.description}</span> : null}
        </h4>
        {fieldKind(s) === 'object' ? <ObjectFields {...form} schema={s} path={path} /> : <Field {...form} schema={s} path={path} />}
      </section>
    </div>
  );
}

/** Every top-level section as a collapsible fieldset; one with a value or an error starts open (short schemas: a plugin's settings). */
function AllSections(props: SchemaFormProps) {
  const sections = Object.entries(props.schema.properties ?? {});
  return (
    <div className="schema-form">
      {sections.map(([key, s]) => {
        const path = [key];
        const hasError = [...props.errors.keys()].some((k) => k === key || k.startsWith(`${key}.`));
        const present = getAt(props.value, path) !== undefined;
        return fieldKind(s) === 'object' ? (
          <details key={key} className="section" open={present || hasError || undefined} data-section={key}>
            <summary>
              <strong>{key}</strong> {s.description ? <span className="muted">— {s.description}</span> : null}
            </summary>
            <ObjectFields {...props} schema={s} path={path} />
          </details>
        ) : (
          <Field key={key} {...props} schema={s} path={path} />
        );
      })}
    </div>
  );
}

function ObjectFields(props: SchemaFormProps & { path: Path }) {
  return (
    <>
      {Object.entries(props.schema.properties ?? {}).map(([key, s]) => {
        const path = [...props.path, key];
        if (fieldKind(s) === 'object') {
          return (
            <fieldset key={key} className="fieldset">
              <legend>{key}</legend>
              {s.description ? <p className="help">{s.description}</p> : null}
              <ObjectFields {...props} schema={s} path={path} />
            </fieldset>
          );
        }
        return <Field key={key} {...props} schema={s} path={path} />;
      })}
    </>
  );
}

function Field({ schema, value, errors, onChange, onJsonValidity, path }: SchemaFormProps & { path: Path }) {
  const key = pathKey(path);
  const id = fieldId(path);
  const current = getAt(value, path);
  const fieldErrors = errors.get(key);
  const kind = fieldKind(schema);
  const helpId = `${id}-help`;
  const errId = `${id}-error`;
  const describedBy = [schema.description ? helpId : '', fieldErrors ? errId : ''].filter(Boolean).join(' ') || undefined;
  const common = { id, 'aria-describedby': describedBy, 'aria-invalid': fieldErrors ? true : undefined, 'data-path': key };
  const label = path[path.length - 1];

  let control;
  if (kind === 'boolean') {
    // "Unset" (use the default) stays distinct from false: the checkbox sets a value, clear removes it.
    control = (
      <span className="bool-field">
        <input
          type="checkbox"
          {...common}
          checked={current === true}
          onChange={(e) => onChange(path, e.target.checked)}
        />
        {current === undefined ? <span className="muted">unset{schema.default !== undefined ? ` (default ${String(schema.default)})` : ''}</span> : (
          <button type="button" className="link-button" onClick={() => onChange(path, undefined)}>
            clear
          </button>
        )}
      </span>
    );
  } else if (kind === 'enum') {
    control = (
      <select {...common} value={current === undefined ? '' : String(current)} onChange={(e) => onChange(path, e.target.value === '' ? undefined : e.target.value)}>
        <option value="">(default{schema.default !== undefined ? `: ${String(schema.default)}` : ''})</option>
        {enumValues(schema).map((v) => (
          <option key={v} value={v}>
            {v}
          </option>
        ))}
      </select>
    );
  } else if (kind === 'integer' || kind === 'number') {
    control = (
      <input
        {...common}
        type="number"
        step={kind === 'integer' ? 1 : 'any'}
        placeholder={schema.default !== undefined ? String(schema.default) : undefined}
        value={typeof current === 'number' ? String(current) : ''}
        onChange={(e) => onChange(path, e.target.value === '' ? undefined : Number(e.target.value))}
      />
    );
  } else if (kind === 'string') {
    control = (
      <input
        {...common}
        type="text"
        spellCheck={false}
        placeholder={schema.default !== undefined ? String(schema.default) : undefined}
        value={typeof current === 'string' ? current : ''}
        onChange={(e) => onChange(path, e.target.value === '' ? undefined : e.target.value)}
      />
    );
  } else {
    control = <JsonField common={common} current={current} onChange={(v) => onChange(path, v)} onValidity={(bad) => onJsonValidity(key, bad)} />;
  }

  return (
    <div className={fieldErrors ? 'field field-invalid' : 'field'} data-field={key}>
      <label htmlFor={id}>
        {label} <span className="muted field-path">{key}</span>
      </label>
      {control}
      {schema.description ? (
        <p className="help" id={helpId}>
          {schema.description}
        </p>
      ) : null}
      {fieldErrors ? (
        <p className="field-error" id={errId} role="alert" data-testid={`field-error-${key}`}>
          {fieldErrors.join('; ')}
        </p>
      ) : null}
    </div>
  );
}

/** Records, arrays and mixed unions: edited as JSON text, applied when it parses. */
function JsonField({ common, current, onChange, onValidity }: { common: Record<string, unknown>; current: unknown; onChange(v: unknown): void; onValidity(bad: boolean): void }) {
  const [text, setText] = useState(() => (current === undefined ? '' : JSON.stringify(current, null, 2)));
  const [bad, setBad] = useState(false);
  return (
    <>
      <textarea
        {...common}
        className="json-field"
        rows={Math.min(8, Math.max(2, text.split('\n').length))}
        spellCheck={false}
        placeholder="(unset) JSON"
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          if (e.target.value.trim() === '') {
            setBad(false);
            onValidity(false);
            onChange(undefined);
            return;
          }
          try {
            onChange(JSON.parse(e.target.value));
            setBad(false);
            onValidity(false);
          } catch {
            setBad(true);
            onValidity(true);
          }
        }}
      />
      {bad ? <p className="field-error">Not valid JSON yet; this field is not saved until it is.</p> : null}
    </>
  );
}
