import type { ShownError } from '../ui-error.js';

/** What happened, the server's code, and how to fix it. */
export function ErrorBox({ error, testId }: { error: ShownError | undefined; testId?: string }) {
  if (!error) return null;
  return (
    <div role="alert" className="error" data-testid={testId}>
      <strong>{error.message}</strong>
      {error.code ? <span className="error-code"> ({error.code})</span> : null}
      {error.hint ? <div className="error-hint">{error.hint}</div> : null}
    </div>
  );
}

/** An honest "nothing here yet" with what to do next. */
export function EmptyState({ title, children, testId }: { title: string; children?: React.ReactNode; testId?: string }) {
  return (
    <div className="empty-state" data-testid={testId}>
      <p className="empty-title">{title}</p>
      {children ? <div className="muted">{children}</div> : null}
    </div>
  );
}
