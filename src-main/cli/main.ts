import { Command, CommanderError } from 'commander';
import { VERSION } from '../version.js';
import { runAgent, runSessions } from './commands/agent.js';
import { runCall } from './commands/call.js';
import { channelsLogin, channelsLogout, channelsStatus, messageSend, pairingAllowed, pairingApprove, pairingDismiss, pairingList, pairingRemove } from './commands/channels.js';
import { sessionsDelete } from './commands/sessions.js';
import { runNodeHost } from './commands/node-host.js';
import { runQr } from './commands/qr.js';
import { runDashboard } from './commands/dashboard.js';
import { devicesApprove, devicesList, devicesReject, devicesRemove, nodesInvoke, nodesList } from './commands/devices.js';
import { nodesApprove, nodesPending, nodesReject } from './commands/nodes.js';
import { configFile, configGet, configSchema, configSet, configUnset, configValidate } from './commands/config.js';
import { addGatewayRunOptions, runGatewayForeground } from './commands/gateway.js';
import { runHealth } from './commands/health.js';
import { heartbeatLast, heartbeatSet } from './commands/system.js';
import { cronAdd, cronList, cronRemove, cronRun, cronRuns } from './commands/cron.js';
import { runLogs } from './commands/logs.js';
import { memoryForget, memoryForgetOwner, memoryList, memorySearch, memoryShare, memoryStats } from './commands/memory.js';
import { voicecallCall, voicecallCalls, voicecallStatus } from './commands/voicecall.js';
import { runStatus } from './commands/status.js';
import { storageMigrate } from './commands/storage.js';
import { approvalsList, approvalsResolve } from './commands/approvals.js';
import { reportFailure } from './output.js';
import { installCliChannelChecker, pluginsDoctor, pluginsInfo, pluginsInstall, pluginsList, pluginsSetEnabled, pluginsUninstall } from './commands/plugins.js';

/** Build the `openclaw` program. Each command is a thin client over the protocol (or a local config edit). */
export function buildProgram(): Command {
  const program = new Command('openclaw')
    .description('OpenClaw: your personal AI assistant gateway')
    .version(VERSION, '-V, --version')
    .option('--profile <name>', 'use the isolated state dir ~/.openclaw-<name>')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  const globals = (cmd: Command) => ({ ...program.opts(), ...cmd.opts() });
  // Every channel comes from a plugin: configs are checked against the manifests (read, no plugin code runs).
  program.hook('preAction', (_cmd, action) => installCliChannelChecker(globals(action)));
  const conn = (cmd: Command) =>
    cmd
      .option('--url <ws-url>', 'gateway WebSocket URL (default ws://127.0.0.1:<gateway.port>)')
      .option('--token <token>', 'gateway token (default OPENCLAW_GATEWAY_TOKEN, config, or the stored token)')
      .option('--password <password>', 'gateway password (default OPENCLAW_GATEWAY_PASSWORD)')
      .option('--tls-fingerprint <sha256>', "pin the gateway's TLS certificate (wss://): its SHA-256 fingerprint as `openclaw status` prints it")
      .option('--timeout <ms>', 'request timeout in milliseconds');

  const gateway = addGatewayRunOptions(program.command('gateway').description('run the gateway in the foreground (Ctrl-C stops it)')).action(async (_o, cmd: Command) =>
    runGatewayForeground(globals(cmd)),
  );
  addGatewayRunOptions(gateway.command('run').description('run the gateway in the foreground')).action(async (_o, cmd: Command) =>
    runGatewayForeground({ ...globals(cmd), ...cmd.parent!.opts() }),
  );
  conn(gateway.command('call <method>').description('call any gateway method'))
    .option('--params <json>', 'params as JSON (JSON5 accepted)', '{}')
    .option('--json', 'compact JSON output')
    .option('--expect-final', 'accepted for compatibility; calls wait for their final response')
    .action(async (method: string, _o, cmd: Command) => runCall(method, globals(cmd)));
  // `health` and its upstream alias `gateway health` are one command.
  for (const parent of [gateway, program]) {
    conn(parent.command('health').description('gateway health (exit 1 when not OK)'))
      .option('--json', 'JSON output')
      .action(async (_o, cmd: Command) => runHealth(globals(cmd)));
  }
  conn(program.command('status').description('gateway status'))
    .option('--all', 'include process, paths and database details')
    .option('--json', 'JSON output')
    .action(async (_o, cmd: Command) => runStatus(globals(cmd)));
  conn(program.command('logs').description('show the gateway log'))
    .option('--follow', 'keep printing new lines')
    .option('--json', 'JSON lines: a meta record, then log records')
    .option('--lines <n>', 'how many recent lines to show first', '200')
    .option('--interval <ms>', 'poll interval with --follow', '1000')
    .action(async (_o, cmd: Command) => runLogs(globals(cmd)));

  conn(program.command('agent').description('send a message to an agent and stream the reply'))
    .requiredOption('-m, --message <text>', 'the message')
    .option('--agent <id>', 'agent id (default main)')
    .option('--session <key>', 'session key (default agent:<agent>:main)')
    .option('--image <file>', 'attach an image (PNG, JPEG, GIF or WebP, up to 5 MB); repeat for more', (v: string, all: string[]) => [...all, v], [] as string[])
    .option('--json', 'print the final result as JSON')
    .action(async (_o, cmd: Command) => runAgent(globals(cmd)));
  const sessions = conn(program.command('sessions').description('list sessions (and delete one)'))
    .option('--json', 'JSON output')
    .option('--agent <id>', 'only this agent')
    .option('--limit <n>', 'how many', '100')
    .action(async (_o, cmd: Command) => runSessions(globals(cmd)));
  conn(sessions.command('delete <key>').description('delete a session and its transcript'))
    .option('--forget-memories', "also forget what the session's person told the assistant (their memories with its agent)")
    .option('--json', 'JSON output')
    .action(async (key: string, _o, cmd: Command) => sessionsDelete(key, globals(cmd)));

  // Like the reference CLI, these print the gateway's JSON answer as it is.
  const heartbeat = program.command('system').description('agent heartbeats').command('heartbeat').description('periodic agent turns (agents.*.heartbeat)');
  conn(heartbeat.command('last').description('the last heartbeat outcome (null before the first)')).option('--json', 'JSON output (always)').action(async (_o, cmd: Command) => heartbeatLast(globals(cmd)));
  conn(heartbeat.command('enable').description('turn scheduled heartbeats on (until the gateway restarts)')).option('--json', 'JSON output (always)').action(async (_o, cmd: Command) => heartbeatSet(true, globals(cmd)));
  conn(heartbeat.command('disable').description('turn scheduled heartbeats off (until the gateway restarts)')).option('--json', 'JSON output (always)').action(async (_o, cmd: Command) => heartbeatSet(false, globals(cmd)));

  const cron = program.command('cron').description('scheduled jobs: an agent turn on a schedule, its reply sent to a chat');
  conn(cron.command('list').description('scheduled jobs and their next runs')).option('--all', 'disabled jobs too').option('--json', 'JSON output').action(async (_o, cmd: Command) => cronList(globals(cmd)));
  conn(cron.command('add').description('add a job: --name, --message and one of --cron (with --tz), --at, --every'))
    .option('--name <name>', 'what to call it')
    .option('--message <text>', 'what the agent is asked each time')
    .option('--cron <expression>', 'a cron expression, e.g. "0 9 * * 1-5"')
    .option('--tz <zone>', 'time zone of --cron (IANA, e.g. Europe/Berlin; default: the gateway host\'s)')
    .option('--at <time>', 'once, at an ISO time (e.g. 2026-12-24T09:00; without an offset: the gateway host\'s time)')
    .option('--every <duration>', 'at an interval, e.g. 30m, 1h, 2d')
    .option('--to <target>', 'send the reply to a chat: <channel>:<target>, e.g. telegram:123456789')
    .option('--channel <id>', 'the channel of --to, when --to is the bare target')
    .option('--account <id>', 'the channel account to send from')
    .option('--agent <id>', 'the agent that runs it (default: the default agent)')
    .option('--description <text>', 'a note about the job')
    .option('--disabled', 'add it switched off')
    .option('--delete-after-run', 'remove a one-time (--at) job once it ran')
    .option('--json', 'JSON output')
    .action(async (_o, cmd: Command) => cronAdd(globals(cmd)));
  conn(cron.command('run <id>').description('run a job now')).option('--wait', 'wait for the reply and print it').option('--json', 'JSON output').action(async (id: string, _o, cmd: Command) => cronRun(id, globals(cmd)));
  conn(cron.command('remove <id>').alias('rm').description('remove a job and its run history')).option('--json', 'JSON output').action(async (id: string, _o, cmd: Command) => cronRemove(id, globals(cmd)));
  conn(cron.command('runs [id]').description('the latest finished runs (of one job, or of all)')).option('--limit <n>', 'how many', '20').option('--json', 'JSON output').action(async (id: string | undefined, _o, cmd: Command) => cronRuns(id, globals(cmd)));

  const devices = program.command('devices').description('pair and manage devices (phones, computers, the CLI)');
  conn(devices.command('list').description('pending requests and paired devices')).option('--json', 'JSON output').action(async (_o, cmd: Command) => devicesList(globals(cmd)));
  conn(devices.command('approve <requestId>')).option('--json', 'JSON output').action(async (id: string, _o, cmd: Command) => devicesApprove(id, globals(cmd)));
  conn(devices.command('reject <requestId>')).action(async (id: string, _o, cmd: Command) => devicesReject(id, globals(cmd)));
  conn(devices.command('remove <deviceId>').description('unpair; its connections close at once')).action(async (id: string, _o, cmd: Command) => devicesRemove(id, globals(cmd)));
  const nodes = program.command('nodes').description('nodes: devices that offer commands to agents');
  conn(nodes.command('list')).option('--json', 'JSON output').action(async (_o, cmd: Command) => nodesList(globals(cmd)));
  conn(nodes.command('pending').description('node commands waiting for approval')).option('--json', 'JSON output').action(async (_o, cmd: Command) => nodesPending(globals(cmd)));
  conn(nodes.command('approve <requestId>').description("approve a node's commands")).option('--json', 'JSON output').action(async (id: string, _o, cmd: Command) => nodesApprove(id, globals(cmd)));
  conn(nodes.command('reject <requestId>')).option('--json', 'JSON output').action(async (id: string, _o, cmd: Command) => nodesReject(id, globals(cmd)));
  conn(nodes.command('invoke').description('run a command on a node'))
    .requiredOption('--node <id>', 'node id')
    .requiredOption('--command <name>', 'command, e.g. device.info')
    .option('--params <json>', 'params as JSON')
    .option('--invoke-timeout <ms>', 'how long the node may take')
    .action(async (_o, cmd: Command) => nodesInvoke(globals(cmd)));

  conn(program.command('dashboard').description('open the Control UI in the browser, signed in by a one-time link (no token to type)'))
    .option('--no-open', 'only print the link')
    .option('--json', 'JSON output: the link, when it expires, whether it was opened')
    .action(async (_o, cmd: Command) => runDashboard(globals(cmd)));

  // As in the reference CLI, `qr --url` is the address put in the setup code, not the one the CLI connects to.
  program
    .command('qr')
    .description('show a setup code / QR to pair a phone or another computer as a node')
    .option('--url <ws-url>', 'the gateway address put in the setup code, the one the device should use (needed when the gateway listens on loopback only)')
    .option('--public-url <ws-url>', 'the same as --url')
    .option('--token <token>', 'gateway token (default OPENCLAW_GATEWAY_TOKEN, config, or the stored token)')
    .option('--password <password>', 'gateway password (default OPENCLAW_GATEWAY_PASSWORD)')
    .option('--tls-fingerprint <sha256>', "pin the gateway's TLS certificate (wss://)")
    .option('--timeout <ms>', 'request timeout in milliseconds')
    .option('--json', 'JSON output')
    .action(async (_o, cmd: Command) => {
      const { url, publicUrl, ...rest } = globals(cmd) as ReturnType<typeof globals> & { url?: string; publicUrl?: string };
      return runQr({ ...rest, payloadUrl: url ?? publicUrl });
    });
  const channels = program.command('channels').description('chat channels: status, QR login, logout');
  conn(channels.command('status').description('per channel and account: state, last inbound/outbound, last error, restarts (exit 1 when one is down)'))
    .option('--probe', 'ask each adapter for fresh details')
    .option('--json', 'JSON output')
    .action(async (_o, cmd: Command) => channelsStatus(globals(cmd)));
  conn(channels.command('login [channel]').description('link a QR-login channel (WhatsApp): shows the QR code and waits for the phone'))
    .option('--account <id>', 'account id (default: default)')
    .option('--force', 'start over with a new code')
    .option('--wait <ms>', 'how long to wait for the scan', '180000')
    .option('--json', 'JSON output')
    .action(async (channel: string | undefined, _o, cmd: Command) => channelsLogin(channel, globals(cmd)));
  conn(channels.command('logout <channel>').description('stop a channel and forget its stored credentials'))
    .option('--account <id>', 'account id')
    .action(async (channel: string, _o, cmd: Command) => channelsLogout(channel, globals(cmd)));
  const pairing = program.command('pairing').description('approve people who message the assistant for the first time');
  conn(pairing.command('list [channel]').description('pending pairing requests'))
    .option('--account <id>', 'account id')
    .option('--json', 'JSON output')
    .action(async (channel: string | undefined, _o, cmd: Command) => pairingList(channel, globals(cmd)));
  conn(pairing.command('approve <channel> <code>').description('allow the sender; their held messages are answered'))
    .option('--account <id>', 'account id')
    .option('--notify', 'tell the sender they were approved')
    .option('--json', 'JSON output')
    .action(async (channel: string, code: string, _o, cmd: Command) => pairingApprove(channel, code, globals(cmd)));
  conn(pairing.command('dismiss <channel> <code>').description('drop a request and its held messages'))
    .option('--account <id>', 'account id')
    .action(async (channel: string, code: string, _o, cmd: Command) => pairingDismiss(channel, code, globals(cmd)));
  conn(pairing.command('allowed [channel]').description('senders approved by pairing, with how many memories the assistant keeps of each'))
    .option('--account <id>', 'account id')
    .option('--json', 'JSON output')
    .action(async (channel: string | undefined, _o, cmd: Command) => pairingAllowed(channel, globals(cmd)));
  conn(pairing.command('remove <channel> <sender>').description('take an approved sender off the pairing allowlist'))
    .option('--account <id>', 'account id')
    .option('--forget-memories', 'also forget what they told the assistant (with every agent)')
    .option('--json', 'JSON output')
    .action(async (channel: string, sender: string, _o, cmd: Command) => pairingRemove(channel, sender, globals(cmd)));
  const message = program.command('message').description('send messages through a channel');
  conn(message.command('send').description('send a message (obeys the channel access policy)'))
    .option('--channel <id>', 'channel (needed when several are configured)')
    .option('--account <id>', 'account id')
    .option('--to <target>', 'recipient: 123, user:123, channel:123, group:-100…')
    .option('--message <text>', 'text (Markdown)')
    .option('--media <url...>', 'media URLs')
    .option('--reply-to <messageId>', 'reply to a message')
    .option('--thread <id>', 'thread or topic id')
    .option('--json', 'JSON output')
    .action(async (_o, cmd: Command) => messageSend(globals(cmd)));
  const node = program.command('node').description('run this computer as a node');
  conn(node.command('run').description('connect as a node and answer commands until Ctrl-C'))
    .option('--pair <setup-code>', 'pair with a setup code from openclaw qr')
    .option('--allow-run <programs>', 'offer system.run for these programs (comma-separated; argv only, no shell)')
    .option('--name <name>', 'display name (default: host name)')
    .action(async (_o, cmd: Command) => runNodeHost(globals(cmd)));

  const plugins = program.command('plugins').description('channel, skill, memory and storage plugins: list, install, enable, disable, doctor');
  conn(plugins.command('list').description('every plugin: kind, version, source, enabled, state, load time, error')).option('--json', 'JSON output').action(async (_o, cmd: Command) => pluginsList(globals(cmd)));
  conn(plugins.command('info <id>').description("one plugin's details, permissions and error")).option('--json', 'JSON output').action(async (id: string, _o, cmd: Command) => pluginsInfo(id, globals(cmd)));
  conn(plugins.command('install <spec>').description('install from a folder, a .tgz (npm pack) or an npm package name; checked before it is enabled'))
    .option('--force', 'replace an installed plugin with the same id')
    .option('--json', 'JSON output')
    .action(async (spec: string, _o, cmd: Command) => pluginsInstall(spec, globals(cmd)));
  conn(plugins.command('uninstall <id>').description('remove an installed plugin (its data is kept unless --purge)'))
    .option('--purge', "also delete the plugin's data folder")
    .option('--json', 'JSON output')
    .action(async (id: string, _o, cmd: Command) => pluginsUninstall(id, globals(cmd)));
  conn(plugins.command('enable <id>')).option('--json', 'JSON output').action(async (id: string, _o, cmd: Command) => pluginsSetEnabled(id, true, globals(cmd)));
  conn(plugins.command('disable <id>')).option('--json', 'JSON output').action(async (id: string, _o, cmd: Command) => pluginsSetEnabled(id, false, globals(cmd)));
  conn(plugins.command('doctor').description('every plugin problem in plain words, with the fix (exit 1 on errors)')).option('--json', 'JSON output').action(async (_o, cmd: Command) => pluginsDoctor(globals(cmd)));

  const memory = program.command('memory').description("the agents' long-term memory (the memory plugin in plugins.slots.memory): search, list, stats, forget, forget-owner, share");
  const memoryOpts = (cmd: Command) => conn(cmd).option('--plugin <id>', 'memory plugin id', 'memory-lancedb').option('--json', 'JSON output');
  memoryOpts(memory.command('search <query>').description('memories closest in meaning, ranked, with scores'))
    .option('--agent <id>', 'agent', 'main')
    .option('--owner <owner>', 'only this person\'s (main, direct:<peer>, group:<channel>:<peer>)')
    .option('--limit <n>', 'at most this many')
    .action(async (query: string, _o, cmd: Command) => memorySearch(query, globals(cmd)));
  memoryOpts(memory.command('list').description('memories, newest first'))
    .option('--agent <id>', 'agent', 'main')
    .option('--owner <owner>', "only this person's")
    .option('--limit <n>', 'at most this many')
    .option('--offset <n>', 'skip this many')
    .action(async (_o, cmd: Command) => memoryList(globals(cmd)));
  memoryOpts(memory.command('stats').description('memories per agent, the embedding model, and whether the provider answers')).action(async (_o, cmd: Command) => memoryStats(globals(cmd)));
  memoryOpts(memory.command('forget <id>').description('delete one memory')).option('--agent <id>', 'agent (default: look in every agent)').action(async (id: string, _o, cmd: Command) => memoryForget(id, globals(cmd)));
  memoryOpts(memory.command('forget-owner <owner>').description("delete every memory of one person or group (main, direct:<peer>, group:<channel>:<peer>), shared ones too"))
    .option('--agent <id>', 'agent (default: every agent)')
    .action(async (owner: string, _o, cmd: Command) => memoryForgetOwner(owner, globals(cmd)));
  memoryOpts(memory.command('share <id>').description('recall this memory for everyone the agent talks to (--off: private again)'))
    .option('--agent <id>', 'agent (default: look in every agent)')
    .option('--off', 'make it private to its owner again')
    .action(async (id: string, _o, cmd: Command) => memoryShare(id, globals(cmd)));

  const approvals = program.command('approvals').description('programs the agent asks to run outside the exec allow-list (tools.exec.ask: on-miss)');
  conn(approvals.command('list').description('questions waiting for an answer')).option('--json', 'JSON output').action(async (_o, cmd: Command) => approvalsList(globals(cmd)));
  conn(approvals.command('allow <id>').description('let it run this time (--always: also add the program to tools.exec.allow)'))
    .option('--always', 'add the program to tools.exec.allow')
    .option('--json', 'JSON output')
    .action(async (id: string, o: { always?: boolean }, cmd: Command) => approvalsResolve(id, o.always ? 'allow-always' : 'allow-once', globals(cmd)));
  conn(approvals.command('deny <id>').description('refuse it; the agent is told')).option('--json', 'JSON output').action(async (id: string, _o, cmd: Command) => approvalsResolve(id, 'deny', globals(cmd)));

  const storage = program.command('storage').description("the gateway's state database (SQLite in the state dir, or PostgreSQL)");
  storage
    .command('migrate')
    .description('copy this install into another backend (empty), verifying every table\'s row count; the gateway must be stopped')
    .option('--from <backend>', 'sqlite or postgres', 'sqlite')
    .option('--to <backend>', 'sqlite or postgres', 'postgres')
    .option('--to-url <url>', 'the PostgreSQL to copy to (default: storage.postgres.url from the config)')
    .option('--json', 'JSON output')
    .action(async (_o, cmd: Command) => storageMigrate(globals(cmd)));
  const voicecall = program.command('voicecall').description('phone calls through the voice-call plugin: place one, see status and recent calls');
  conn(voicecall.command('call').description('phone a number and say a message'))
    .requiredOption('--to <number>', 'phone number in E.164 form, e.g. +15551234567')
    .requiredOption('--message <text>', 'what to say')
    .option('--json', 'JSON output')
    .action(async (_o, cmd: Command) => voicecallCall(globals(cmd)));
  conn(voicecall.command('status').description('webhook and media-stream URLs, live calls, speech-to-text health')).option('--json', 'JSON output').action(async (_o, cmd: Command) => voicecallStatus(globals(cmd)));
  conn(voicecall.command('calls').description('recent calls, newest first')).option('--json', 'JSON output').action(async (_o, cmd: Command) => voicecallCalls(globals(cmd)));

  const config = program.command('config').description('read and edit the config file (validated before writing)');
  config
    .command('get <path>')
    .option('--json', 'JSON output')
    .action((path: string, _o, cmd: Command) => configGet(path, globals(cmd)));
  config
    .command('set <path> <value>')
    .description('set a value (parsed as JSON5, else taken as a string)')
    .option('--strict-json', 'the value must be valid JSON')
    .option('--json', 'JSON output')
    .action((path: string, value: string, _o, cmd: Command) => configSet(path, value, globals(cmd)));
  config.command('unset <path>').action((path: string, _o, cmd: Command) => configUnset(path, globals(cmd)));
  config
    .command('validate')
    .option('--json', 'JSON output')
    .action((_o, cmd: Command) => configValidate(globals(cmd)));
  config.command('schema').description('print the config JSON Schema').action((_o, cmd: Command) => configSchema(globals(cmd)));
  config.command('file').description('print the config file path').action((_o, cmd: Command) => configFile(globals(cmd)));
  return program;
}

/** Entry point: parse argv, run, map every failure to one clear line and an exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    const json = argv.includes('--json');
    return reportFailure(err, json);
  }
}

