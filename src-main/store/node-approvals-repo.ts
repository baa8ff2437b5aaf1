import type Database from 'better-sqlite3';
import type { NodePairRequestRecord, NodeApprovalsRepo } from './types.js';
import type { SyncOf } from './sync.js';
import { toNodeRequest as toRequest, type NodeRequestRow as RequestRow } from '../../src-shared/store/rows.js';


export function createNodeApprovalsRepo(db: Database.Database): SyncOf<NodeApprovalsRepo> {
  const s = {
    approved: db.prepare<[string], { command: string }>('SELECT command FROM node_command_approvals WHERE node_id = ? ORDER BY command'),
    listApproved: db.prepare<[], { node_id: string; command: string; approved_at_ms: number }>(
      'SELECT node_id, command, approved_at_ms FROM node_command_approvals ORDER BY node_id, command',
    ),
    approve: db.prepare('INSERT INTO node_command_approvals (node_id, command, approved_at_ms) VALUES (?, ?, ?) ON CONFLICT (node_id, command) DO NOTHING'),
    removeApprovals: db.prepare('DELETE FROM node_command_approvals WHERE node_id = ?'),
    removeNodeRequest: db.prepare('DELETE FROM node_pair_requests WHERE node_id = ?'),
    getRequest: db.prepare<[string], RequestRow>('SELECT * FROM node_pair_requests WHERE request_id = ?'),
    requestForNode: db.prepare<[string], RequestRow>('SELECT * FROM node_pair_requests WHERE node_id = ?'),
    listRequests: db.prepare<[], RequestRow>('SELECT * FROM node_pair_requests ORDER BY created_at_ms, request_id'),
    putRequest: db.prepare(`
      INSERT INTO node_pair_requests (request_id, node_id, commands_json, platform, device_family, client_id, display_name, created_at_ms)
      VALUES (@request_id, @node_id, @commands_json, @platform, @device_family, @client_id, @display_name, @created_at_ms)`),
    deleteRequest: db.prepare('DELETE FROM node_pair_requests WHERE request_id = ?'),
  };
  return {
    approved: (nodeId) => s.approved.all(nodeId).map((r) => r.command),
    listApproved() {
      const out = new Map<string, { nodeId: string; commands: string[]; approvedAtMs: number }>();
      for (const r of s.listApproved.all()) {
        const e = out.get(r.node_id) ?? { nodeId: r.node_id, commands: [], approvedAtMs: 0 };
        e.commands.push(r.command);
        e.approvedAtMs = Math.max(e.approvedAtMs, r.approved_at_ms);
        out.set(r.node_id, e);
      }
      return [...out.values()];
    },
    approve: db.transaction((nodeId: string, commands: readonly string[], atMs: number) => {
      for (const c of commands) s.approve.run(nodeId, c, atMs);
    }),
    removeNode: db.transaction((nodeId: string) => {
      s.removeNodeRequest.run(nodeId);
      return s.removeApprovals.run(nodeId).changes;
    }),
    getRequest: (id) => {
      const r = s.getRequest.get(id);
      return r ? toRequest(r) : undefined;
    },
    requestForNode: (nodeId) => {
      const r = s.requestForNode.get(nodeId);
      return r ? toRequest(r) : undefined;
    },
    listRequests: () => s.listRequests.all().map(toRequest),
    putRequest: db.transaction((rec: NodePairRequestRecord) => {
      s.removeNodeRequest.run(rec.nodeId);
      s.putRequest.run({
        request_id: rec.requestId,
        node_id: rec.nodeId,
        commands_json: JSON.stringify(rec.commands),
        platform: rec.platform ?? null,
        device_family: rec.deviceFamily ?? null,
        client_id: rec.clientId ?? null,
        display_name: rec.displayName ?? null,
        created_at_ms: rec.createdAtMs,
      });
    }),
    deleteRequest: (id) => s.deleteRequest.run(id).changes > 0,
  };
}
