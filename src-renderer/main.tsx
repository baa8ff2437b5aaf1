import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { createIpcClient } from './client/ipc-client.js';
import { createDeviceSigner, createIndexedDbKeyStore, createMemoryKeyStore, loadOrCreateDeviceIdentity, type DeviceSigner } from './client/device-identity.js';
import { createDeviceTokenStore, createTokenStore } from './client/token-store.js';
import { chooseTransport } from './client/transport.js';
import { connectWs } from './client/ws-client.js';
import { exchangeLoginCode, takeLoginCode } from './client/login-link.js';
import { createAppStore } from './store.js';
import { UI_VERSION } from './version.js';
import './styles.css';

function sessionStorageOrUndefined(): Storage | undefined {
  try {
    return window.sessionStorage;
  } catch {
    return undefined;
  }
}

function localStorageOrUndefined(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

let signer: Promise<DeviceSigner> | undefined;
/** One identity per browser profile, created on first use. */
function deviceSigner(): Promise<DeviceSigner> {
  signer ??= loadOrCreateDeviceIdentity(typeof indexedDB === 'undefined' ? createMemoryKeyStore() : createIndexedDbKeyStore(indexedDB)).then(createDeviceSigner);
  return signer;
}

// Only protocol and host are read from the location: never a gateway URL from search or hash.
const transport = chooseTransport(window.openclaw, { protocol: location.protocol, host: location.host });
// A one-time login link's code leaves the address bar before anything else happens.
const loginCode = transport.kind === 'ws' ? takeLoginCode(location, (url) => history.replaceState(history.state, '', url)) : undefined;
const platform = navigator.platform || 'web';
const store = createAppStore({
  transport,
  tokens: createTokenStore(sessionStorageOrUndefined()),
  device: deviceSigner,
  deviceTokens: createDeviceTokenStore(localStorageOrUndefined()),
  connectWs,
  createIpcClient,
  clientVersion: UI_VERSION,
  platform,
  now: Date.now,
  loginCode,
  exchangeLoginCode: (code, device) => exchangeLoginCode((url, init) => fetch(url, init), code, device, platform),
});

const rootEl = document.getElementById('root');
if (!rootEl) throw new Error('missing #root');
createRoot(rootEl).render(
  <StrictMode>
    <App store={store} origin={transport.kind === 'ws' ? location.host : 'desktop'} />
  </StrictMode>,
);
