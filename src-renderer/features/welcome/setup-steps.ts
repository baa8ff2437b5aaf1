import type { MethodResult } from '../../../src-shared/protocol/index.js';
import type { PageId } from '../../pages.js';

type Status = MethodResult<'status'>;

/** What the first start created, as the gateway reports it (paths only for admin connections). */
export interface CreatedItem {
  label: string;
  value: string;
  note: string;
}

export interface SetupStep {
  id: 'model' | 'channel' | 'phone';
  title: string;
  text: string;
  /** True, false, or undefined when this connection could not find out. */
  done: boolean | undefined;
  page: PageId;
  action: string;
}

/** What the panel knows about this gateway; a failed look-up stays undefined. */
export interface SetupFacts {
  status?: Status;
  models?: MethodResult<'models.list'>;
  channels?: MethodResult<'channels.status'>;
  devices?: MethodResult<'device.pair.list'>;
}

export function createdItems(status: Status | undefined): CreatedItem[] {
  const host = status?.host;
  if (!host) return [];
  const items: CreatedItem[] = [];
  if (host.tokenPath) items.push({ label: 'Gateway token', value: host.tokenPath, note: 'Readable only by you. Browsers and the CLI log in with it; keep it secret.' });
  items.push({ label: 'Config file', value: host.configPath, note: 'JSON5. Edit it on the Config page or in any editor; changes apply without a restart.' });
  items.push({ label: 'State folder', value: host.stateDir, note: 'Sessions, pairings and channel logins.' });
  return items;
}

const configuredChannels = (c: SetupFacts['channels']) => (c ? Object.values(c.channels).filter((x) => x.configured).length : undefined);
const pairedNodes = (d: SetupFacts['devices']) => (d ? d.paired.filter((p) => p.role === 'node').length : undefined);

/** The next things to do, each checked against the gateway's real state. */
export function setupSteps(f: SetupFacts): SetupStep[] {
  const channels = configuredChannels(f.channels);
  const nodes = pairedNodes(f.devices);
  return [
    {
      id: 'model',
      title: 'Add a model provider',
      text: 'Give an agent a model: an Anthropic or OpenAI key, or a local server (Ollama, LM Studio) under models.providers.',
      done: f.models ? f.models.models.length > 0 : undefined,
      page: 'config',
      action: 'Open Config',
    },
    {
      id: 'channel',
      title: 'Connect a chat channel',
      text: 'Telegram, WhatsApp, Discord, Slack and more: people then talk to your assistant where they already chat.',
      done: channels === undefined ? undefined : channels > 0,
      page: 'channels',
      action: 'Open Channels',
    },
    {
      id: 'phone',
      title: 'Pair a phone',
      text: 'Scan a QR code with the OpenClaw app to use your phone as a node (camera, location, notifications).',
      done: nodes === undefined ? undefined : nodes > 0,
      page: 'nodes',
      action: 'Open Nodes',
    },
  ];
}

/**
 * Whether to show the first-run panel: never once dismissed; otherwise on the gateway's first
 * start, or while something basic is still missing.
 */
export function shouldShowWelcome(f: SetupFacts, dismissed: boolean): boolean {
  if (dismissed) return false;
  if (f.status?.host?.firstStart) return true;
  return setupSteps(f).some((s) => s.done === false);
}
