/** A gateway's place among the gateways sharing one database (`health.cluster`), as the CLI and the Control UI say it. */
export interface ClusterFacts {
  role: string;
  live: boolean;
  peers: { host: string; port?: number; pid: number; role: string; alive: boolean; seenAgoMs: number }[];
}

/** `primary (runs the chat channels) · peer db-b:18789 (pid 4242) standby, seen 0.4 s ago`. */
export function describeCluster(c: ClusterFacts): string {
  const role = c.role === 'primary' ? 'primary (runs the chat channels)' : `${c.role} (serves clients and turns; takes the channels over if the primary goes)`;
  const peers = c.peers.map((p) => `peer ${p.host}${p.port ? `:${p.port}` : ''} (pid ${p.pid}) ${p.alive ? p.role : 'gone'}, seen ${(p.seenAgoMs / 1000).toFixed(1)} s ago`);
  return [role, ...peers].join(' · ') + (c.live ? '' : ' · not in touch with the database: another gateway may take over');
}
