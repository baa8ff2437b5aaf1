import { expect, test } from '@playwright/test';
import { GatewayClient } from '../src-main/cli/gateway-client.js';
import { generateDeviceKeys } from '../src-main/nodes/device-keys.js';
import { CLI_DEFAULT_SCOPES } from '../src-shared/protocol/index.js';
import { startGatewayProcess, type GatewayProcess } from './gateway-process.js';
import { login, open, shot } from './ui.js';

/**
 * Nodes connect with declared commands (an Android phone: camera.snap is outside what Android nodes
 * may run unless allowed in config). The operator approves one node's commands and rejects the
 * other's on the Nodes page, and sees what each node declares apart from what runs.
 */
let gateway: GatewayProcess;
let op: GatewayClient;
const nodes: GatewayClient[] = [];

test.beforeAll(async () => {
  gateway = await startGatewayProcess({});
  op = await GatewayClient.connect({ url: `ws://127.0.0.1:${gateway.port}`, token: gateway.token, device: generateDeviceKeys(), scopes: [...CLI_DEFAULT_SCOPES] });
});

test.afterAll(async () => {
  for (const n of nodes) n.close();
  op?.close();
  await gateway?.stop();
});

/** A phone connecting as a node on loopback (paired at once as a device; its commands still wait for approval), answering every invoke. */
async function connectPhone(name: string, commands: string[]) {
  const keys = generateDeviceKeys();
  const node = await GatewayClient.connect({
    url: `ws://127.0.0.1:${gateway.port}`,
    token: gateway.token,
    device: keys,
    role: 'node',
    scopes: [],
    client: { id: 'node-host', mode: 'node', platform: 'android', displayName: name },
    commands,
  });
  node.on((event, p: any) => {
    if (event === 'node.invoke.request') void node.call('node.invoke.result', { id: p.id, nodeId: p.nodeId, ok: true, payloadJSON: JSON.stringify({ ran: p.command }) });
  });
  nodes.push(node);
  return keys.deviceId;
}

let n = 0;
const invoke = (nodeId: string, command: string) => op.call<any>('node.invoke', { nodeId, command, params: {}, timeoutMs: 10_000, idempotencyKey: `nodes-e2e-${++n}` });

test('a node asking to run commands is approved on the Nodes page, another is rejected; declared commands show apart from those that run', async ({ page }) => {
  await login(page, gateway);
  await open(page, 'Nodes');
  await expect(page.getByTestId('node-requests-empty')).toBeVisible();

  // The phone connects while the page is open: its request arrives live.
  const pixel = await connectPhone('Pixel 8', ['camera.snap', 'location.get', 'system.notify']);
  const request = page.locator(`[data-testid="node-request"][data-node="${pixel}"]`);
  await expect(request).toBeVisible();
  await expect(request.getByTestId('node-request-commands')).toHaveText('camera.snap, location.get, system.notify');
  await expect(request.getByTestId('node-request-blocked')).toContainText('camera.snap would stay blocked by the node policy');
  const row = page.locator(`[data-testid="node-row"][data-node="${pixel}"]`);
  await expect(row.getByTestId('node-commands-runs')).toHaveText('Runs: none');
  await expect(row.getByTestId('node-commands-declared')).toHaveText('Declared: camera.snap, location.get, system.notify');
  await expect(row.getByTestId('node-commands-waiting')).toHaveText('Waiting for approval: camera.snap, location.get, system.notify');
  await expect(invoke(pixel, 'location.get')).rejects.toMatchObject({ error: { details: { code: 'COMMAND_NOT_APPROVED' } } });
  await shot(page, 'nodes-command-request');

  await page.getByRole('button', { name: 'Approve the commands of Pixel 8' }).click();
  await expect(page.getByTestId('node-requests-notice')).toHaveText(
    'Approved location.get, system.notify for node Pixel 8.\n' +
      'Still blocked by the node policy: camera.snap. Listing a command in gateway.nodes.allowCommands lets it run (unless gateway.nodes.denyCommands names it); the approval then applies.',
  );
  await expect(request).toHaveCount(0);
  await expect(row.getByTestId('node-commands-runs')).toHaveText('Runs: location.get, system.notify');
  await expect(row.getByTestId('node-commands-declared')).toHaveText('Declared: camera.snap, location.get, system.notify');
  await expect(row.getByTestId('node-commands-blocked')).toHaveText('Approved, blocked by policy: camera.snap');
  await expect(row.getByTestId('node-commands-waiting')).toHaveCount(0);
  await expect(invoke(pixel, 'location.get')).resolves.toMatchObject({ ok: true, payload: { ran: 'location.get' } });
  await expect(invoke(pixel, 'camera.snap')).rejects.toMatchObject({ error: { details: { code: 'COMMAND_NOT_ALLOWED' } } });

  // A second phone is rejected: nothing of it runs, and its commands show as not approved.
  const tablet = await connectPhone('Galaxy Tab', ['system.notify']);
  const second = page.locator(`[data-testid="node-request"][data-node="${tablet}"]`);
  await expect(second).toBeVisible();
  await page.getByRole('button', { name: 'Reject the commands of Galaxy Tab' }).click();
  await expect(page.getByTestId('node-requests-notice')).toHaveText('Rejected the commands of Galaxy Tab; none of them run, and it asks again when it reconnects.');
  await expect(second).toHaveCount(0);
  await expect(page.getByTestId('node-requests-empty')).toBeVisible();
  const tabletRow = page.locator(`[data-testid="node-row"][data-node="${tablet}"]`);
  await expect(tabletRow.getByTestId('node-commands-runs')).toHaveText('Runs: none');
  await expect(tabletRow.getByTestId('node-commands-not-approved')).toHaveText('Not approved: system.notify');
  await expect(invoke(tablet, 'system.notify')).rejects.toMatchObject({ error: { details: { code: 'COMMAND_NOT_APPROVED' } } });
  await shot(page, 'nodes-after-decisions');
});
