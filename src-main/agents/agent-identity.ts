import { readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { AgentSettings } from './agent-config.js';
import { resolveWorkspacePath } from './tools/workspace-path.js';

/** The fields an `IDENTITY.md` in an agent's workspace may set. */
export interface IdentityFields {
  name?: string;
  creature?: string;
  vibe?: string;
  theme?: string;
  emoji?: string;
  avatar?: string;
}

/** How an agent presents itself to clients (`agent.identity.get`, `agents.list`). */
export interface AgentIdentity {
  agentId: string;
  name: string;
  /** Where the name came from: the config entry, `IDENTITY.md` in the workspace, or the agent id. */
  nameSource: 'config' | 'workspace' | 'default';
  emoji?: string;
  theme?: string;
  /** An http(s) URL or a `data:` URL of the image. */
  avatar?: string;
  avatarStatus: 'none' | 'remote' | 'data';
  /** Why an avatar named in `IDENTITY.md` is not shown. */
  avatarReason?: string;
}

export const IDENTITY_FILE = 'IDENTITY.md';
const MAX_IDENTITY_BYTES = 64 * 1024;
const MAX_AVATAR_BYTES = 512 * 1024;
const AVATAR_TYPES: Record<string, string> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.webp': 'image/webp', '.svg': 'image/svg+xml' };
const FIELDS = new Set<keyof IdentityFields>(['name', 'creature', 'vibe', 'theme', 'emoji', 'avatar']);
// The template's hints, which mean "not filled in yet".
const PLACEHOLDER = /^(not set yet|pick something you like|workspace-relative path, http\(s\) url, or data uri|your signature.*|ai\? robot\?.*|how do you come across\?.*)$/i;

/**
 * Reads `Label: value` lines (as list items, with the label in bold or not) from
 * a human-written identity file. Unknown labels, empty values and the template's
 * placeholder hints are ignored.
 */
export function parseIdentityMarkdown(text: string): IdentityFields {
  const out: IdentityFields = {};
  for (const raw of text.split(/\r?\n/)) {
    const m = /^\s*(?:[-*+]\s+)?[*_`]*([A-Za-z ]+?)[*_`]*\s*:\s*[*_`]*\s*(.*?)\s*$/.exec(raw);
    if (!m) continue;
    const label = m[1]!.trim().toLowerCase() as keyof IdentityFields;
    let value = m[2]!.replace(/^[*_`]+|[*_`]+$/g, '').trim();
    if (value.startsWith('(') && value.endsWith(')')) value = value.slice(1, -1).trim();
    if (!FIELDS.has(label) || !value || PLACEHOLDER.test(value) || out[label] !== undefined) continue;
    out[label] = value.replace(/\s+/g, ' ');
  }
  return out;
}

async function readIdentityFile(workspace: string): Promise<IdentityFields> {
  try {
    const file = join(workspace, IDENTITY_FILE);
    const st = await stat(file);
    if (!st.isFile() || st.size > MAX_IDENTITY_BYTES) return {};
    return parseIdentityMarkdown(await readFile(file, 'utf8'));
  } catch {
    return {};
  }
}

/** An avatar as a client can show it: a web or data URL as given, a workspace image inlined as a data URL. */
async function resolveAvatar(workspace: string, avatar: string | undefined): Promise<Pick<AgentIdentity, 'avatar' | 'avatarStatus' | 'avatarReason'>> {
  if (!avatar) return { avatarStatus: 'none' };
  if (/^https?:\/\//i.test(avatar)) return { avatar, avatarStatus: 'remote' };
  if (/^data:image\//i.test(avatar)) return { avatar, avatarStatus: 'data' };
  const type = AVATAR_TYPES[extname(avatar).toLowerCase()];
  if (!type) return { avatarStatus: 'none', avatarReason: `${avatar} is not an image (png, jpg, gif, webp or svg)` };
  try {
    // Through the workspace chokepoint: an avatar path never reads outside the workspace.
    const file = await resolveWorkspacePath(workspace, avatar, { mustExist: true });
    const st = await stat(file);
    if (!st.isFile()) return { avatarStatus: 'none', avatarReason: `${avatar} is not a file` };
    if (st.size > MAX_AVATAR_BYTES) return { avatarStatus: 'none', avatarReason: `${avatar} is larger than ${MAX_AVATAR_BYTES / 1024} KiB` };
    return { avatar: `data:${type};base64,${(await readFile(file)).toString('base64')}`, avatarStatus: 'data' };
  } catch (err) {
    return { avatarStatus: 'none', avatarReason: `${avatar}: ${(err as Error).message}` };
  }
}

/** The agent's display identity: a configured name wins, then `IDENTITY.md` in its workspace, then the agent id. */
export async function resolveAgentIdentity(agent: AgentSettings, configuredName: string | undefined): Promise<AgentIdentity> {
  const file = await readIdentityFile(agent.workspace);
  const name = configuredName ?? file.name ?? agent.agentId;
  const nameSource = configuredName ? 'config' : file.name ? 'workspace' : 'default';
  return {
    agentId: agent.agentId,
    name,
    nameSource,
    ...(file.emoji ? { emoji: file.emoji } : {}),
    ...(file.theme ? { theme: file.theme } : {}),
    ...(await resolveAvatar(agent.workspace, file.avatar)),
  };
}
