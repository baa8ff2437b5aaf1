/**
 * Linking as a device of the phone: `startLink` gives a `sgnl://linkdevice`
 * URI (the QR payload); `finishLink` waits until the phone scanned it. An
 * unscanned URI expires, and a fresh one is shown until the caller gives up.
 */
import type { ChannelContext, ChannelLoginEvents } from '../../../src-shared/domain/channel.js';
import { forgetLinkedAccount, readLinkedAccount, writeLinkedAccount } from './account-file.js';
import { openDaemon, type SignalSettings } from './daemon.js';

type LoginContext = Omit<ChannelContext, 'emit' | 'heartbeat' | 'fail'>;

/** Shows link QR codes until the phone scans one; resolves with the linked number. */
export async function loginSignal(settings: SignalSettings, ctx: LoginContext, events: ChannelLoginEvents): Promise<{ linkedAs?: string }> {
  const daemon = await openDaemon(settings, ctx.dataDir, ctx.log, undefined);
  try {
    const rpc = daemon.client;
    if (settings.account) {
      const accounts = await rpc.call<{ number?: string }[]>('listAccounts', {}, { withAccount: false, signal: events.signal }).catch(() => []);
      if (accounts.some((a) => a.number === settings.account)) return { linkedAs: settings.account };
    }
    for (;;) {
      if (events.signal.aborted) throw new Error('Signal login was cancelled');
      const { deviceLinkUri } = await rpc.call<{ deviceLinkUri: string }>('startLink', {}, { withAccount: false, signal: events.signal });
      events.onQr(deviceLinkUri);
      try {
        const linked = await rpc.call<{ number?: string | null; aci?: string }>('finishLink', { deviceLinkUri, deviceName: settings.deviceName }, { withAccount: false, signal: events.signal });
        const number = linked.number ?? settings.account;
        if (!number) throw new Error('Signal linked an account without a phone number; set channels.signal.account to it.');
        await writeLinkedAccount(ctx.dataDir, { number, ...(linked.aci ? { aci: linked.aci } : {}) });
        ctx.log.info('signal linked');
        return { linkedAs: number };
      } catch (err) {
        if (events.signal.aborted) throw new Error('Signal login was cancelled');
        // An expired or refused link: show a new code.
        ctx.log.info('signal link not completed; showing a new QR code', { error: err instanceof Error ? err.message : String(err) });
      }
    }
  } finally {
    await daemon.close();
  }
}

/** Unregisters this linked device in signal-cli when it can, then forgets the linked number. */
export async function logoutSignal(settings: SignalSettings, ctx: LoginContext): Promise<void> {
  const account = settings.account ?? (await readLinkedAccount(ctx.dataDir))?.number;
  if (account) {
    try {
      const daemon = await openDaemon(settings, ctx.dataDir, ctx.log, account);
      try {
        await daemon.client.call('unregister', {}, { timeoutMs: 15_000 });
      } finally {
        await daemon.close();
      }
    } catch (err) {
      ctx.log.warn('could not unlink in signal-cli; forgetting the link here anyway', { error: err instanceof Error ? err.message : String(err) });
    }
  }
  await forgetLinkedAccount(ctx.dataDir);
}
