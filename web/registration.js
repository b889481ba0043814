// The client and its registration: load the package, start and stop the AculabCloudClient, enable and disable incoming calls, refresh their token.
import { refreshDevices } from './audio.js';
import { finishCall, onIncoming, updateCallButton } from './calls.js';
import { $, clock, el, errorText } from './dom.js';
import { clientLogger, pageLog, showError } from './log.js';
import { updateNetworkPanel } from './network.js';
import { confirmOrigin, foreignCloud, readSettings, saveSettings } from './settings.js';
import { activeCalls, maxConcurrent, page } from './state.js';
import { fetchToken } from './tokens.js';

const HISTORY_CAP = 30;
// The settings' ringing-tone choices that are the package's (options.sounds).
const PACKAGE_SOUNDS = ['uk', 'us', 'eu', 'fr'];

let incomingWanted = false; // the person asked for incoming calls and has not disabled them
let tokenRetryTimer = null; // a failed token refresh tries again

// ---- what the page shows ------------------------------------------------------------------

/** The client pill and the controls that depend on a running client. */
export function setClientState(state, text) {
  document.body.dataset.client = state;
  const pill = $('client-state');
  pill.dataset.state = state;
  pill.textContent = text;
  const running = state === 'running';
  $('client-settings').disabled = running;
  $('start-button').disabled = running || !page.Package;
  $('stop-button').disabled = !running;
  $('settings-details').open = !running;
  updateIncomingButtons();
  updateCallButton();
  updateNetworkPanel();
}

/** The incoming pill (ready, off, registering or not ready with the cause), its detail line and the registration history. */
export function setIncomingState(state, text, { cause = '', retry = '' } = {}) {
  document.body.dataset.incoming = state;
  const pill = $('incoming-state');
  pill.dataset.state = state;
  pill.dataset.cause = cause;
  pill.dataset.retry = String(retry);
  pill.textContent = state === 'ready' ? 'Ready for calls' : state === 'off' ? 'Incoming calls off'
    : state === 'registering' ? 'Registering…' : `Not ready${cause ? ': ' + cause : ''}`;
  $('incoming-detail').textContent = text;
  const item = el('li', { dataset: { state, cause, retry: String(retry) } },
    el('time', { text: clock() }), ' ', text);
  const list = $('reg-history');
  list.prepend(item);
  while (list.childElementCount > HISTORY_CAP) list.lastElementChild.remove();
  updateIncomingButtons();
}

function updateIncomingButtons() {
  $('enable-button').disabled = !page.client || (incomingWanted && document.body.dataset.incoming === 'ready');
  $('disable-button').disabled = !page.client || !incomingWanted;
}

// ---- the package and the client -------------------------------------------------------------

/** Loads the package as any page would: its ES module entry, which loads the wasm core itself. */
export async function loadPackage() {
  try {
    page.Package = await import('./js/index.js');
    await page.Package.AculabCloudClient.ready; // the wasm core: a failure to load it shows here
  } catch (e) {
    showError(`The client package did not load: ${errorText(e)}`);
    setClientState('stopped', 'Package not loaded');
    document.body.dataset.client = 'unavailable';
    return;
  }
  if (!page.Package.AculabCloudClient.isSupported()) {
    showError('This browser lacks WebRTC, WebSocket or WebAssembly: calls cannot work here.');
  }
  pageLog(3, 'client package loaded');
  setClientState('stopped', 'Client stopped');
  document.body.dataset.ready = 'yes';
}

/**
 * The settings form's submit: a new AculabCloudClient with the page's logger as options.logger.
 * A cloud URL of another origin waits for the person's yes (confirmCloud): no client, so no
 * socket and no token, until then.
 */
export function startClient(ev) {
  ev?.preventDefault();
  if (!page.Package || page.client) return;
  showError('');
  const s = readSettings();
  const foreign = foreignCloud(s.url, s.cloudId);
  const box = $('url-confirm');
  box.hidden = !foreign;
  if (foreign) {
    box.dataset.origin = foreign;
    $('url-confirm-url').textContent = s.url || '(the default)';
    $('url-confirm-origin').textContent = foreign;
    $('url-confirm-yes').focus();
    pageLog(2, `cloud URL ${s.url || '(default)'} is not this page's origin: waiting for the person to confirm it`);
    return;
  }
  saveSettings(s);
  let client;
  try {
    // The package's ringing tones (options.sounds), or none: the dialler's own then stay silent.
    const sounds = PACKAGE_SOUNDS.includes(s.sounds) ? { ringback: s.sounds, ringtone: s.sounds } : undefined;
    client = new page.Package.AculabCloudClient(s.cloudId, s.accessKey, s.clientId, Number(s.logLevel) || 0,
      { url: s.url || undefined, logger: clientLogger, journal: true, sounds });
  } catch (e) {
    // The constructor throws a string naming the bad argument.
    showError(`The client refused these settings: ${errorText(e)}`);
    return;
  }
  page.client = client;
  page.clientSettings = s;
  try {
    client.maxConcurrent = maxConcurrent();
  } catch (e) {
    pageLog(1, `maxConcurrent: ${errorText(e)}`);
  }
  client.onIncoming = onIncoming;
  client.onIncomingState = onIncomingState;
  client.onTokenExpiring = refreshToken;
  client.onDeviceChange = refreshDevices;
  pageLog(3, `client ${s.clientId} started for cloud ${s.cloudId} at ${s.url || 'the default URL'}`);
  setClientState('running', `Client ${s.clientId}`);
}

/** The confirmation's buttons: yes trusts that origin for this page's life and starts the client. */
export function confirmCloud(yes) {
  const box = $('url-confirm');
  box.hidden = true;
  if (!yes) {
    pageLog(2, `cloud ${box.dataset.origin} not confirmed: the client was not started`);
    return;
  }
  confirmOrigin(box.dataset.origin);
  pageLog(2, `cloud ${box.dataset.origin} confirmed for this page`);
  startClient();
}

export function stopClient() {
  const old = page.client;
  if (!old) return;
  page.client = null;
  incomingWanted = false;
  clearTimeout(tokenRetryTimer);
  try {
    old.close();
    page.closedClient = old; // a closed client still gives its journal
  } catch (e) {
    pageLog(1, `close: ${errorText(e)}`);
  }
  // close() ends the calls without callbacks: finish the page's records here.
  for (const rec of activeCalls()) finishCall(rec, 'client stopped');
  page.clientSettings = null;
  setClientState('stopped', 'Client stopped');
  setIncomingState('off', 'Off (client stopped)');
}

/** The page is going away: the client ends its calls and unregisters. */
export function closeClient() {
  if (page.client) page.client.close();
}

// ---- incoming calls -------------------------------------------------------------------------

/** Enable incoming: a token with enable_incoming, then client.enableIncoming(token). */
export async function enableIncoming() {
  const { client } = page;
  if (!client) return;
  setIncomingState('registering', 'Fetching a token from the token service…');
  let t;
  try {
    t = await fetchToken({ client_id: page.clientSettings.clientId, enable_incoming: true });
  } catch (e) {
    setIncomingState('not-ready', `No token: ${errorText(e)}`);
    return;
  }
  if (page.client !== client) return;
  incomingWanted = true;
  try {
    client.enableIncoming(t.token);
  } catch (e) {
    setIncomingState('not-ready', `enableIncoming: ${errorText(e)}`);
    return;
  }
  setIncomingState('registering', 'Registering with the cloud…');
}

// client.onTokenExpiring (a minute before the token's exp): a fresh token, and enableIncoming with
// it re-registers (PROTOCOL.md). A failed fetch tries again every 10 s while incoming is wanted.
async function refreshToken({ secondsLeft } = {}) {
  const { client } = page;
  clearTimeout(tokenRetryTimer);
  if (!client || !incomingWanted) return;
  if (secondsLeft !== undefined) pageLog(3, `token expires in ${secondsLeft} s: fetching a new one`);
  try {
    const t = await fetchToken({ client_id: page.clientSettings.clientId, enable_incoming: true });
    if (page.client === client && incomingWanted) client.enableIncoming(t.token);
  } catch (e) {
    pageLog(1, `token refresh failed: ${errorText(e)}`);
    if (page.client === client) tokenRetryTimer = setTimeout(refreshToken, 10000);
  }
}

/** The "Save call journal" button: the client's journal as a file for `npx aculab-webrtc-wasm replay`. */
export async function saveJournal() {
  const from = page.client || page.closedClient;
  const text = from ? await from.journal() : '';
  if (!text) return pageLog(2, 'no journal: start the client first');
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([text], { type: 'application/x-ndjson' }));
  a.download = `call-journal-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  pageLog(3, `journal saved (${text.length} bytes): replay it with npx aculab-webrtc-wasm replay ${a.download}`);
}

export function disableIncoming() {
  if (!page.client) return;
  incomingWanted = false;
  clearTimeout(tokenRetryTimer);
  updateIncomingButtons();
  try {
    page.client.disableIncoming();
  } catch (e) {
    pageLog(1, `disableIncoming: ${errorText(e)}`);
  }
}

/** client.onIncomingState: ready, or the cause (PROTOCOL.md) and whether the client retries. */
function onIncomingState({ ready, cause, retry }) {
  const c = String(cause ?? '');
  if (ready) {
    setIncomingState('ready', 'Ready: the cloud will send this client\u2019s calls here', { cause: c, retry });
  } else if (c === 'NORMAL' && !incomingWanted) {
    setIncomingState('off', 'Off (disabled)', { cause: c, retry });
  } else {
    const why = {
      INVALIDTOKEN: 'the cloud refused the token',
      FAILED: 'registration failed',
      DISCONNECTED: 'lost the connection to the cloud',
      NORMAL: 'stopped',
    }[c] || 'not registered';
    setIncomingState('not-ready', `Not ready: ${c} (${why})${retry ? ', retrying' : ', not retrying'}`, { cause: c, retry });
  }
  pageLog(3, `incoming state: ready=${ready} cause=${c} retry=${retry}`);
}
