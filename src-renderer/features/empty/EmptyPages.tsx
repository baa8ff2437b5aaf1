import { EmptyState } from '../../components/ErrorBox.js';

/** A page whose gateway method does not exist yet: it says what is true today and what to do, and shows no made-up data. */
export function UsagePage() {
  return (
    <section className="card" aria-labelledby="usage-heading">
      <h2 id="usage-heading">Usage</h2>
      <EmptyState title="No usage report is available yet." testId="usage-empty">
        The gateway does not offer a usage method yet. Token counts and cost per session are on the Sessions page meanwhile.
      </EmptyState>
    </section>
  );
}
