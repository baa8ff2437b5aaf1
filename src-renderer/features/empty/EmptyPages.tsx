import { EmptyState } from '../../components/ErrorBox.js';

/**
 * Pages whose gateway methods do not exist yet. They say what is true today and what to do,
 * and show no made-up data.
 */
export function ChannelsPage({ health }: { health: unknown }) {
  const order = (health as { channelOrder?: unknown } | undefined)?.channelOrder;
  const ids = Array.isArray(order) ? order.filter((x): x is string => typeof x === 'string') : [];
  return (
    <section className="card" aria-labelledby="channels-heading">
      <h2 id="channels-heading">Channels</h2>
      {ids.length === 0 ? (
        <EmptyState title="No chat channels are configured yet." testId="channels-empty">
          Add one under <code>channels.&lt;id&gt;</code> in the config (Config page), for example <code>channels.telegram</code>.
        </EmptyState>
      ) : (
        <>
          <p>Configured channels (from the gateway health report):</p>
          <ul data-testid="channels-list">
            {ids.map((id) => (
              <li key={id}>
                <code>{id}</code>
              </li>
            ))}
          </ul>
          <p className="muted">Per-account status, start/stop and WhatsApp login will appear here once the gateway offers the channels methods.</p>
        </>
      )}
    </section>
  );
}

export function NodesPage() {
  return (
    <section className="card" aria-labelledby="nodes-heading">
      <h2 id="nodes-heading">Nodes</h2>
      <EmptyState title="No devices or nodes can be listed yet." testId="nodes-empty">
        This gateway does not offer the device and node methods yet. Paired phones and nodes, a QR code to pair one, and revoke will appear here when it does.
      </EmptyState>
    </section>
  );
}

export function PairingPage() {
  return (
    <section className="card" aria-labelledby="pairing-heading">
      <h2 id="pairing-heading">Pairing</h2>
      <EmptyState title="No pairing requests can be shown yet." testId="pairing-empty">
        This gateway does not offer the pairing methods yet. Requests from unknown senders and new devices will be listed here to approve or reject.
      </EmptyState>
    </section>
  );
}

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
