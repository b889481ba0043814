// The dialler page: settings, registration, calls, tones, stats and logs, using only the package's public interface.
//
// Every string that comes from the cloud or another client (caller ids, causes, errors, token
// service replies, log lines) reaches the page through textContent, never as markup; the page's
// Trusted Types policy would make any HTML-string sink throw anyway. Helpers live beside it:
// dom.js (elements from text), settings.js, stats.js (getStats figures), tones.js (Web Audio).

import { $, clock, duration, el, errorText } from './dom.js';
import { initialSettings, readSettings, saveSettings, writeSettings } from './settings.js';
import { summariseStats } from './stats.js';
import { Cadence, RINGBACK, RINGTONE } from './tones.js';

// The local cloud's inbound services (cloud/README "Services"), as one-click presets.
const SERVICES = [
  ['echo', 'returns what it hears'],
  ['playback', 'plays a prompt, hangs up'],
  ['ivr', 'prompt, then your digits back'],
  ['ring', 'rings 3 s, then echo'],
  ['early-media', 'prompt before the answer'],
  ['record', 'records you, plays it back'],
  ['busy', '486 Busy Here'],
  ['fail-503', 'rings, then a final 503 (any fail-NNN)'],
  ['noanswer', 'rings until you give up'],
];

// Statuses a callee may reject with (400-699); the caller's cause follows PROTOCOL.md's table.
const REJECT_CAUSES = [
  [486, '486 Busy Here'],
  [603, '603 Decline'],
  [480, '480 Temporarily Unavailable'],
  [404, '404 Not Found'],
  [600, '600 Busy Everywhere'],
  [606, '606 Not Acceptable'],
  [500, '500 Server Internal Error'],
];

const DTMF_KEYS = ['1', '2', '3', 'A', '4', '5', '6', 'B', '7', '8', '9', 'C', '*', '0', '#', 'D'];
const DTMF_RE = /^[0-9*#A-Da-d]$/;
const LEVEL_NAMES = ['', 'error', 'warn', 'info', 'call', 'detail', 'sip'];
const LOG_CAP = 1500;
const HISTORY_CAP = 30;
const STATS_MS = 1000;
const ENDED_CARD_MS = 6000;

// ---- log pane -------------------------------------------------------------------------

const logList = $('log');

/** One line in the log pane: the client's lines (through options.logger) and the page's own. */
function appendLog(level, text, source) {
  const atBottom = logList.scrollHeight - logList.scrollTop - logList.clientHeight < 24;
  const li = el('li', { className: `log-${LEVEL_NAMES[level] || 'info'}`, dataset: { level: String(level), source } },
    el('time', { text: clock() }),
    el('span', { className: 'lvl', text: `${source === 'page' ? 'page' : 'L' + level}` }),
    el('span', { className: 'msg', text: String(text) }));
  logList.append(li);
  while (logList.childElementCount > LOG_CAP) logList.firstElementChild.remove();
  if (atBottom) logList.scrollTop = logList.scrollHeight;
}

function currentLogLevel() {
  return Number($('log-level').value) || 0;
}

/** The page's own log lines follow the same level as the client's. */
function pageLog(level, text) {
  if (level <= currentLogLevel()) appendLog(level, text, 'page');
}

// The client calls this instead of the console (ClientOptions.logger); it has already filtered by logLevel.
function clientLogger(level, text) {
  appendLog(level, text, 'client');
}

$('log-clear').addEventListener('click', () => logList.replaceChildren());

function showError(text) {
  const box = $('page-error');
  box.textContent = text;
  box.hidden = !text;
  if (text) pageLog(1, text);
}

// ---- state ----------------------------------------------------------------------------

let Package = null; // the package's exports once loaded
let client = null;
let clientSettings = null; // the settings the running client was made with
let incomingWanted = false;
let tokenRefreshTimer = null;
const calls = new Map(); // page id -> CallRecord
let nextCallId = 1;
let selectedId = 0;

function activeCalls() {
  return [...calls.values()].filter((r) => r.state !== 'ended');
}

function maxConcurrent() {
  const n = Number.parseInt(clientSettings ? clientSettings.maxConcurrent : $('max-concurrent').value, 10);
  return Number.isInteger(n) && n > 0 ? n : 1;
}

function setClientState(state, text) {
  document.body.dataset.client = state;
  const pill = $('client-state');
  pill.dataset.state = state;
  pill.textContent = text;
  const running = state === 'running';
  $('client-settings').disabled = running;
  $('start-button').disabled = running || !Package;
  $('stop-button').disabled = !running;
  $('settings-details').open = !running;
  updateIncomingButtons();
  updateCallButton();
}

function setIncomingState(state, text, { cause = '', retry = '' } = {}) {
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
  $('enable-button').disabled = !client || (incomingWanted && document.body.dataset.incoming === 'ready');
  $('disable-button').disabled = !client || !incomingWanted;
}

function updateCallButton() {
  const full = activeCalls().length >= maxConcurrent();
  $('call-button').disabled = !client || full;
  $('call-button').title = !client ? 'Start the client first' : full ? `maxConcurrent (${maxConcurrent()}) calls are up` : '';
}

// ---- tokens (what an application's server would do) ------------------------------------

function basicAuth(user, password) {
  const bytes = new TextEncoder().encode(`${user}:${password}`);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return `Basic ${btoa(bin)}`;
}

/** A token from webrtc_generate_token: client_id, ttl, enable_incoming, call_client. */
async function fetchToken(params) {
  const s = { ...readSettings(), ...(clientSettings ? { cloudId: clientSettings.cloudId } : {}) };
  const url = new URL(s.tokenUrl || 'webrtc_generate_token', location.href);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, String(v));
  if (s.ttl) url.searchParams.set('ttl', s.ttl);
  let res;
  try {
    res = await fetch(url, {
      headers: { Authorization: basicAuth(`${s.cloudId}/${s.accountUser}`, s.apiKey) },
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch (e) {
    throw new Error(`token service unreachable (${errorText(e)})`);
  }
  let body = null;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  if (!res.ok || !body || typeof body.token !== 'string') {
    const why = body && typeof body.error === 'string' ? body.error : res.statusText;
    throw new Error(`token service said ${res.status} ${why}`);
  }
  pageLog(4, `token for ${params.client_id}${params.call_client ? ' to call ' + params.call_client : ''} (ttl ${s.ttl || 'default'} s)`);
  return { token: body.token, ttl: Number(s.ttl) || 3600 };
}

// ---- the client -------------------------------------------------------------------------

function startClient(ev) {
  ev.preventDefault();
  if (!Package || client) return;
  showError('');
  const s = readSettings();
  saveSettings(s);
  let made;
  try {
    made = new Package.AculabCloudClient(s.cloudId, s.accessKey, s.clientId, Number(s.logLevel) || 0,
      { url: s.url || undefined, logger: clientLogger });
  } catch (e) {
    // The constructor throws a string naming the bad argument.
    showError(`The client refused these settings: ${errorText(e)}`);
    return;
  }
  client = made;
  clientSettings = s;
  try {
    client.maxConcurrent = maxConcurrent();
  } catch (e) {
    pageLog(1, `maxConcurrent: ${errorText(e)}`);
  }
  client.onIncoming = onIncoming;
  client.onIncomingState = onIncomingState;
  pageLog(3, `client ${s.clientId} started for cloud ${s.cloudId} at ${s.url || 'the default URL'}`);
  setClientState('running', `Client ${s.clientId}`);
}

function stopClient() {
  if (!client) return;
  const old = client;
  client = null;
  incomingWanted = false;
  clearTimeout(tokenRefreshTimer);
  try {
    old.close();
  } catch (e) {
    pageLog(1, `close: ${errorText(e)}`);
  }
  // close() ends the calls without callbacks: finish the page's records here.
  for (const rec of activeCalls()) finishCall(rec, 'client stopped');
  clientSettings = null;
  setClientState('stopped', 'Client stopped');
  setIncomingState('off', 'Off (client stopped)');
}

async function enableIncoming() {
  if (!client) return;
  const mine = client;
  setIncomingState('registering', 'Fetching a token from the token service…');
  let t;
  try {
    t = await fetchToken({ client_id: clientSettings.clientId, enable_incoming: true });
  } catch (e) {
    setIncomingState('not-ready', `No token: ${errorText(e)}`);
    return;
  }
  if (client !== mine) return;
  incomingWanted = true;
  try {
    client.enableIncoming(t.token);
  } catch (e) {
    setIncomingState('not-ready', `enableIncoming: ${errorText(e)}`);
    return;
  }
  setIncomingState('registering', 'Registering with the cloud…');
  scheduleTokenRefresh(t.ttl);
}

// A fresh token before the old one expires; enableIncoming with it re-registers (PROTOCOL.md).
function scheduleTokenRefresh(ttl) {
  clearTimeout(tokenRefreshTimer);
  const ms = Math.min(Math.max(60, ttl * 0.8) * 1000, 2 ** 31 - 1);
  tokenRefreshTimer = setTimeout(async () => {
    if (!client || !incomingWanted) return;
    const mine = client;
    try {
      const t = await fetchToken({ client_id: clientSettings.clientId, enable_incoming: true });
      if (client === mine && incomingWanted) {
        client.enableIncoming(t.token);
        scheduleTokenRefresh(t.ttl);
      }
    } catch (e) {
      pageLog(1, `token refresh failed: ${errorText(e)}`);
      scheduleTokenRefresh(120);
    }
  }, ms);
}

function disableIncoming() {
  if (!client) return;
  incomingWanted = false;
  clearTimeout(tokenRefreshTimer);
  updateIncomingButtons();
  try {
    client.disableIncoming();
  } catch (e) {
    pageLog(1, `disableIncoming: ${errorText(e)}`);
  }
}

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

// ---- calls ------------------------------------------------------------------------------

function processingOn() {
  return $('processing').checked;
}

/** AculabCloudCallOptions for a new or answered call: the chosen microphone and processing. */
function callOptions() {
  const proc = processingOn();
  const audio = { echoCancellation: proc, noiseSuppression: proc, autoGainControl: proc };
  const mic = $('mic-select').value;
  if (mic) audio.deviceId = { exact: mic };
  return { constraints: { audio, video: false }, receiveAudio: true, receiveVideo: false };
}

const STATE_TEXT = {
  calling: 'Calling…',
  ringing: 'Ringing',
  'early-media': 'Early media',
  incoming: 'Incoming',
  connecting: 'Connecting…',
  connected: 'Connected',
  ended: 'Ended',
};

class CallRecord {
  constructor({ call, direction, peer, type }) {
    this.id = nextCallId++;
    this.call = call;
    this.direction = direction; // 'out' | 'in'
    this.peer = peer;
    this.type = type; // 'service' | 'client' | 'other'
    this.state = direction === 'out' ? 'calling' : 'incoming';
    this.startedAt = new Date();
    this.connectedAt = 0;
    this.endedAt = 0;
    this.cause = '';
    this.stream = null;
    this.audio = null;
    this.micMuted = false;
    this.speakerMuted = false;
    this.card = null;
    this.panel = null;
    this.digits = '';
    this.lastStats = null;
  }
}

function wireCall(rec) {
  const { call } = rec;
  call.onRinging = () => {
    if (rec.state === 'calling') setCallState(rec, 'ringing');
    pageLog(4, `call ${rec.id} ringing`);
  };
  call.onMedia = ({ stream }) => {
    rec.stream = stream;
    attachAudio(rec);
    if (rec.state === 'calling' || rec.state === 'ringing') setCallState(rec, 'early-media');
    else updateTones();
    pageLog(4, `call ${rec.id}: remote media`);
  };
  call.onMediaRemove = () => {
    rec.stream = null;
    detachAudio(rec);
    updateTones();
  };
  call.onLocalMedia = () => refreshDevices();
  call.onConnecting = () => {
    if (rec.state !== 'connected' && rec.state !== 'ended' && rec.direction === 'in') setCallState(rec, 'connecting');
    pageLog(4, `call ${rec.id} connecting`);
  };
  call.onConnected = () => {
    rec.connectedAt = Date.now();
    setCallState(rec, 'connected');
    pageLog(3, `call ${rec.id} connected`);
  };
  call.onDisconnect = ({ cause }) => {
    pageLog(3, `call ${rec.id} disconnected: ${cause}`);
    finishCall(rec, String(cause ?? ''));
  };
  call.onError = ({ error }) => {
    const text = errorText(error);
    pageLog(1, `call ${rec.id} error: ${text}`);
    if (rec.card) {
      const p = rec.card.querySelector('.call-error');
      p.textContent = text;
      p.hidden = false;
    }
  };
}

async function dial(ev) {
  ev.preventDefault();
  if (!client) return;
  const kind = new FormData($('dial-form')).get('kind') === 'client' ? 'client' : 'service';
  const target = $('target').value.trim();
  if (!target) return;
  if (activeCalls().length >= maxConcurrent()) {
    showError(`Already ${maxConcurrent()} call(s) up: maxConcurrent allows no more.`);
    return;
  }
  showError('');
  ensureAudioContext();
  const mine = client;
  let call;
  try {
    if (kind === 'service') {
      // The guide passes the service name URI-escaped.
      call = client.callService(encodeURIComponent(target), callOptions());
    } else {
      const t = await fetchToken({ client_id: clientSettings.clientId, call_client: target, enable_incoming: false });
      if (client !== mine) return;
      call = client.callClient(target, t.token, callOptions());
    }
  } catch (e) {
    showError(`Call not made: ${errorText(e)}`);
    return;
  }
  const rec = new CallRecord({ call, direction: 'out', peer: target, type: kind });
  calls.set(rec.id, rec);
  wireCall(rec);
  renderCard(rec);
  selectCall(rec.id);
  pageLog(3, `call ${rec.id} to ${kind} ${target}`);
  updateCallButton();
}

function onIncoming(obj) {
  const rec = new CallRecord({ call: obj.call, direction: 'in', peer: String(obj.from ?? ''), type: String(obj.type ?? 'other') });
  rec.offer = { audio: !!obj.offeringAudio, video: !!obj.offeringVideo };
  calls.set(rec.id, rec);
  wireCall(rec);
  renderIncoming(rec);
  pageLog(3, `incoming call ${rec.id} from ${rec.type} ${rec.peer}`);
  try {
    obj.call.ringing();
  } catch (e) {
    pageLog(1, `ringing(): ${errorText(e)}`);
  }
  updateTones();
  updateCallButton();
}

function answer(rec) {
  if (rec.state !== 'incoming') return;
  ensureAudioContext();
  try {
    rec.call.answer(callOptions());
  } catch (e) {
    showError(`Answer failed: ${errorText(e)}`);
    return;
  }
  removeIncoming(rec);
  renderCard(rec);
  setCallState(rec, 'connecting');
  selectCall(rec.id);
}

function reject(rec, status) {
  if (rec.state !== 'incoming') return;
  try {
    rec.call.reject(status);
  } catch (e) {
    showError(`Reject failed: ${errorText(e)}`);
    return;
  }
  pageLog(3, `call ${rec.id} rejected with ${status}`);
}

function hangUp(rec) {
  if (rec.state === 'ended') return;
  try {
    // The guide: an inbound call not yet accepted is rejected (486) rather than disconnected.
    if (rec.direction === 'in' && rec.state === 'incoming') rec.call.reject(486);
    else rec.call.disconnect();
  } catch (e) {
    pageLog(1, `hang up: ${errorText(e)}`);
  }
}

function setCallState(rec, state) {
  rec.state = state;
  if (rec.card) {
    rec.card.dataset.state = state;
    rec.card.querySelector('.call-state').textContent =
      state === 'ended' ? `Ended${rec.cause ? ': ' + rec.cause : ''}` : STATE_TEXT[state] || state;
    const live = state === 'connected' || state === 'early-media';
    rec.card.querySelector('.mute-mic').disabled = state === 'ended';
    rec.card.querySelector('.mute-speaker').disabled = state === 'ended';
    rec.card.querySelector('.hang-up').disabled = state === 'ended';
    rec.card.querySelector('.select-call').disabled = !live;
  }
  updateTones();
  updateKeypad();
  updateCallButton();
  updateCount();
}

function finishCall(rec, cause) {
  if (rec.state === 'ended') return;
  rec.cause = cause;
  rec.endedAt = Date.now();
  setCallState(rec, 'ended');
  if (rec.card) rec.card.dataset.cause = cause;
  detachAudio(rec);
  removeIncoming(rec);
  addLogRow(rec);
  if (selectedId === rec.id) {
    const next = activeCalls().find((r) => r.state === 'connected');
    selectCall(next ? next.id : 0);
  }
  const card = rec.card;
  setTimeout(() => {
    card?.remove();
    calls.delete(rec.id);
    updateCount();
  }, ENDED_CARD_MS);
}

// ---- rendering --------------------------------------------------------------------------

function stat(name, label, value = '—') {
  return el('div', { className: 'stat' }, el('dt', { text: label }), el('dd', { text: value, dataset: { stat: name } }));
}

function meter(name, label) {
  const id = `m-${name}-${nextCallId}-${Math.random().toString(36).slice(2, 7)}`;
  return el('div', { className: 'meter' },
    el('label', { htmlFor: id, text: label }),
    el('meter', { id, min: 0, max: 1, low: 0.02, high: 0.8, optimum: 0.3, value: 0, dataset: { stat: name } }));
}

function renderCard(rec) {
  if (rec.card) return;
  const titleId = `call-${rec.id}-title`;
  const arrow = rec.direction === 'out' ? '\u2197' : '\u2199';
  const card = el('li', { className: 'call', dataset: { call: String(rec.id), state: rec.state, direction: rec.direction, type: rec.type }, 'aria-labelledby': titleId },
    el('div', { className: 'call-head' },
      el('span', { className: 'dir', 'aria-hidden': 'true', text: arrow }),
      el('h3', { id: titleId },
        el('span', { className: 'visually-hidden', text: rec.direction === 'out' ? 'Call to ' : 'Call from ' }),
        el('span', { className: 'peer', text: rec.peer }),
        ' ',
        el('span', { className: 'badge', text: rec.type })),
      el('span', { className: 'call-state', role: 'status', text: STATE_TEXT[rec.state] || rec.state }),
      el('span', { className: 'call-time', 'aria-label': 'Duration', text: '0:00', dataset: { stat: 'duration' } })),
    el('p', { className: 'tone-note', text: 'Ringback tone (generated in the page)' }),
    el('dl', { className: 'stats' },
      stat('codec', 'Codec'),
      stat('rtt', 'RTT'),
      stat('jitter', 'Jitter'),
      stat('loss', 'Loss')),
    el('div', { className: 'meters' }, meter('level-in', 'Level in'), meter('level-out', 'Level out')),
    el('div', { className: 'call-actions' },
      el('button', { type: 'button', className: 'select-call', 'aria-pressed': 'false', disabled: true, text: 'Keypad', onclick: () => selectCall(rec.id) }),
      el('button', { type: 'button', className: 'mute-mic', 'aria-pressed': 'false', text: 'Mute', onclick: () => toggleMute(rec, 'mic') }),
      el('button', { type: 'button', className: 'mute-speaker', 'aria-pressed': 'false', text: 'Silence', title: 'Stop hearing the other side', onclick: () => toggleMute(rec, 'speaker') }),
      el('button', { type: 'button', className: 'hang-up danger', text: 'Hang up', onclick: () => hangUp(rec) })),
    el('p', { className: 'call-error', role: 'alert', hidden: true }));
  rec.card = card;
  $('calls').prepend(card);
  setCallState(rec, rec.state);
}

function renderIncoming(rec) {
  const titleId = `in-${rec.id}-title`;
  const descId = `in-${rec.id}-desc`;
  const selId = `in-${rec.id}-cause`;
  const causeSelect = el('select', { id: selId, className: 'reject-cause' },
    ...REJECT_CAUSES.map(([code, text]) => el('option', { value: String(code), text })));
  const answerButton = el('button', { type: 'button', className: 'answer primary', text: 'Answer', onclick: () => answer(rec) });
  const media = rec.offer && rec.offer.video ? 'audio and video offered; answering with audio' : 'audio call';
  const panel = el('div', { className: 'incoming', role: 'alertdialog', 'aria-labelledby': titleId, 'aria-describedby': descId, dataset: { call: String(rec.id), type: rec.type } },
    el('p', { className: 'incoming-title', id: titleId }, 'Incoming call from ', el('strong', { className: 'caller', text: rec.peer || '(no caller id)' })),
    el('p', { id: descId },
      el('span', { className: 'badge caller-type', text: rec.type }), ' ',
      el('span', { className: 'hint', text: media })),
    el('div', { className: 'row incoming-actions' },
      answerButton,
      el('label', { htmlFor: selId, text: 'Reject with' }),
      causeSelect,
      el('button', { type: 'button', className: 'reject danger', text: 'Reject', onclick: () => reject(rec, Number(causeSelect.value)) })));
  rec.panel = panel;
  $('incoming-list').append(panel);
  document.body.classList.add('has-incoming');
  answerButton.focus({ preventScroll: false });
}

function removeIncoming(rec) {
  if (!rec.panel) return;
  rec.panel.remove();
  rec.panel = null;
  if (!$('incoming-list').childElementCount) document.body.classList.remove('has-incoming');
}

function updateCount() {
  const n = activeCalls().filter((r) => r.card).length;
  $('call-count').textContent = String(n);
  $('no-calls').hidden = $('calls').childElementCount > 0;
}

function addLogRow(rec) {
  const connected = rec.connectedAt ? duration(rec.endedAt - rec.connectedAt) : '—';
  const what = `${rec.direction === 'out' ? 'Out' : 'In'} · ${rec.type}`;
  const row = el('tr', { dataset: { call: String(rec.id), cause: rec.cause, direction: rec.direction, peer: rec.peer, type: rec.type } },
    el('td', { text: clock(rec.startedAt) }),
    el('td', { text: what }),
    el('td', { className: 'peer', text: rec.peer }),
    el('td', { text: connected }),
    el('td', { className: 'cause', text: rec.cause || '—' }));
  $('call-log').tBodies[0].prepend(row);
  $('call-log-empty').hidden = true;
}

function toggleMute(rec, which) {
  if (which === 'mic') rec.micMuted = !rec.micMuted;
  else rec.speakerMuted = !rec.speakerMuted;
  try {
    rec.call.mute(rec.micMuted, rec.speakerMuted);
  } catch (e) {
    pageLog(1, `mute: ${errorText(e)}`);
  }
  const b = rec.card.querySelector(which === 'mic' ? '.mute-mic' : '.mute-speaker');
  const on = which === 'mic' ? rec.micMuted : rec.speakerMuted;
  b.setAttribute('aria-pressed', String(on));
  b.textContent = which === 'mic' ? (on ? 'Unmute' : 'Mute') : (on ? 'Hear' : 'Silence');
}

// ---- keypad ------------------------------------------------------------------------------

function selectCall(id) {
  selectedId = id;
  for (const r of calls.values()) if (r.card) r.card.querySelector('.select-call').setAttribute('aria-pressed', String(r.id === id));
  updateKeypad();
}

function selectedCall() {
  const rec = calls.get(selectedId);
  return rec && (rec.state === 'connected' || rec.state === 'early-media') ? rec : null;
}

function updateKeypad() {
  const rec = selectedCall() || activeCalls().find((r) => r.state === 'connected') || null;
  if (rec && rec.id !== selectedId) {
    selectedId = rec.id;
    for (const r of calls.values()) if (r.card) r.card.querySelector('.select-call').setAttribute('aria-pressed', String(r.id === rec.id));
  }
  $('keypad-box').hidden = !rec;
  $('keypad-target').textContent = rec ? rec.peer : '—';
  $('dtmf-sent').textContent = rec ? rec.digits : '';
}

function sendDigit(key) {
  const rec = selectedCall();
  if (!rec) return false;
  try {
    rec.call.sendDtmf(key);
  } catch (e) {
    pageLog(1, `DTMF: ${errorText(e)}`);
    return false;
  }
  rec.digits += key.toUpperCase();
  $('dtmf-sent').textContent = rec.digits;
  pageLog(4, `call ${rec.id}: DTMF ${key}`);
  const b = $('keypad').querySelector(`[data-key="${CSS.escape(key.toUpperCase())}"]`);
  if (b) {
    b.classList.add('pressed');
    setTimeout(() => b.classList.remove('pressed'), 150);
  }
  return true;
}

function buildKeypad() {
  const pad = $('keypad');
  for (const k of DTMF_KEYS) {
    pad.append(el('button', { type: 'button', className: /[A-D]/.test(k) ? 'key letter' : 'key', dataset: { key: k }, 'aria-label': `Send ${k === '*' ? 'star' : k === '#' ? 'hash' : k}`, text: k, onclick: () => sendDigit(k) }));
  }
  document.addEventListener('keydown', (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey || e.repeat) return;
    const t = e.target;
    if (t instanceof HTMLElement && (t.isContentEditable || /^(INPUT|SELECT|TEXTAREA)$/.test(t.tagName))) return;
    if (!DTMF_RE.test(e.key)) return;
    if (sendDigit(e.key)) e.preventDefault();
  });
}

// ---- tones (Web Audio; nothing shipped) ----------------------------------------------------

let audioCtx = null;

function ensureAudioContext() {
  if (!audioCtx) {
    const Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) return null;
    audioCtx = new Ctx();
    audioCtx.addEventListener('statechange', checkUnlock);
    applySinkToContext();
  }
  if (audioCtx.state === 'suspended') audioCtx.resume().catch(() => {}).finally(checkUnlock);
  return audioCtx;
}

const ringback = new Cadence(RINGBACK, ensureAudioContext);
const ringtone = new Cadence(RINGTONE, ensureAudioContext);

/** Ringback only while an outgoing call rings with no early media; ringtone while a call is offered. */
function updateTones() {
  const list = [...calls.values()];
  const wantBack = list.some((r) => r.direction === 'out' && r.state === 'ringing' && !r.stream);
  const wantRing = list.some((r) => r.direction === 'in' && r.state === 'incoming');
  if (wantBack) ringback.start();
  else ringback.stop();
  if (wantRing) ringtone.start();
  else ringtone.stop();
  document.body.dataset.ringback = wantBack ? 'on' : 'off';
  document.body.dataset.ringtone = wantRing ? 'on' : 'off';
  for (const r of list) if (r.card) r.card.classList.toggle('ringback', wantBack && r.direction === 'out' && r.state === 'ringing' && !r.stream);
}

// ---- remote audio, autoplay, devices ------------------------------------------------------

function attachAudio(rec) {
  if (!rec.stream) return;
  if (!rec.audio) {
    rec.audio = el('audio', { autoplay: true, dataset: { call: String(rec.id) } });
    $('players').append(rec.audio);
    applySink(rec.audio);
  }
  rec.audio.srcObject = rec.stream;
  playAudio(rec.audio);
}

function playAudio(audio) {
  const p = audio.play();
  if (p && p.catch) {
    p.then(checkUnlock, (e) => {
      // The guide's troubleshooting note: autoplay blockers stop remote audio; offer a control.
      if (e && e.name === 'NotAllowedError') showUnlock(true);
      else if (e && e.name !== 'AbortError') pageLog(2, `audio: ${errorText(e)}`);
    });
  }
}

function detachAudio(rec) {
  if (!rec.audio) return;
  rec.audio.pause();
  rec.audio.srcObject = null;
  rec.audio.remove();
  rec.audio = null;
  checkUnlock();
}

function showUnlock(on) {
  $('audio-unlock').hidden = !on;
  document.body.dataset.audioBlocked = on ? 'yes' : 'no';
}

function checkUnlock() {
  const blockedAudio = [...document.querySelectorAll('#players audio')].some((a) => a.paused && a.srcObject);
  const blockedCtx = audioCtx && audioCtx.state === 'suspended' && (ringback.playing || ringtone.playing);
  showUnlock(blockedAudio || !!blockedCtx);
}

function unlockAudio() {
  ensureAudioContext();
  for (const a of document.querySelectorAll('#players audio')) if (a.paused && a.srcObject) playAudio(a);
  setTimeout(checkUnlock, 0);
}

const canChooseSpeaker = 'setSinkId' in HTMLMediaElement.prototype;

function speakerId() {
  return $('speaker-select').value;
}

function applySink(audio) {
  if (!canChooseSpeaker) return;
  audio.setSinkId(speakerId()).catch((e) => pageLog(2, `speaker: ${errorText(e)}`));
}

function applySinkToContext() {
  if (audioCtx && typeof audioCtx.setSinkId === 'function') {
    audioCtx.setSinkId(speakerId()).catch((e) => pageLog(2, `tone speaker: ${errorText(e)}`));
  }
}

function fillDevices(select, devices, noun) {
  const keep = select.value;
  select.replaceChildren(el('option', { value: '', text: 'Default' }));
  devices.forEach((d, i) => {
    if (d.deviceId === 'default' || d.deviceId === '') return;
    select.append(el('option', { value: d.deviceId, text: d.label || `${noun} ${i + 1}` }));
  });
  if ([...select.options].some((o) => o.value === keep)) select.value = keep;
}

async function refreshDevices() {
  const md = navigator.mediaDevices;
  if (!md || !md.enumerateDevices) return;
  try {
    const list = await md.enumerateDevices();
    fillDevices($('mic-select'), list.filter((d) => d.kind === 'audioinput'), 'Microphone');
    fillDevices($('speaker-select'), list.filter((d) => d.kind === 'audiooutput'), 'Speaker');
  } catch (e) {
    pageLog(2, `devices: ${errorText(e)}`);
  }
}

// ---- live statistics (call.getStats) ------------------------------------------------------

function setStat(rec, name, value, text) {
  const node = rec.card && rec.card.querySelector(`[data-stat="${name}"]`);
  if (!node) return;
  if (node.tagName === 'METER') node.value = Number.isFinite(value) ? value : 0;
  else node.textContent = text;
  node.dataset.value = Number.isFinite(value) ? String(value) : '';
}

async function refreshStats(rec) {
  let report;
  try {
    report = await rec.call.getStats();
  } catch {
    return;
  }
  if (!report || rec.state === 'ended') return;
  const f = summariseStats(report, rec.lastStats);
  rec.lastStats = f;
  if (f.codec) {
    setStat(rec, 'codec', NaN, f.codec.text);
    rec.card.querySelector('[data-stat="codec"]').title = f.codec.detail;
  }
  if (Number.isFinite(f.rttMs)) setStat(rec, 'rtt', f.rttMs, `${Math.round(f.rttMs)} ms`);
  if (Number.isFinite(f.jitterMs)) setStat(rec, 'jitter', f.jitterMs, `${f.jitterMs.toFixed(1)} ms`);
  if (Number.isFinite(f.lossPct)) setStat(rec, 'loss', f.lossPct, `${f.lossPct.toFixed(1)}%`);
  if (Number.isFinite(f.levelIn)) setStat(rec, 'level-in', f.levelIn);
  // What is sent while muted is silence, whatever the microphone hears.
  if (Number.isFinite(f.levelOut)) setStat(rec, 'level-out', rec.micMuted ? 0 : f.levelOut);
}

function tick() {
  const now = Date.now();
  for (const rec of calls.values()) {
    if (rec.state === 'ended' || !rec.card) continue;
    const since = rec.connectedAt || rec.startedAt.getTime();
    setStat(rec, 'duration', (now - since) / 1000, duration(now - since));
    if (rec.state === 'connected' || rec.state === 'early-media' || rec.state === 'connecting') refreshStats(rec);
  }
}

// ---- wiring --------------------------------------------------------------------------------

function buildPresets() {
  const list = $('service-presets');
  const chips = $('presets');
  for (const [name, what] of SERVICES) {
    list.append(el('option', { value: name, text: what }));
    chips.append(el('button', { type: 'button', className: 'chip', dataset: { service: name }, title: what, text: name,
      onclick: () => {
        $('dial-form').querySelector('input[value="service"]').checked = true;
        updateKind();
        $('target').value = name;
        if (client && !$('call-button').disabled) $('dial-form').requestSubmit();
        else $('target').focus();
      } }));
  }
}

function updateKind() {
  const isClient = new FormData($('dial-form')).get('kind') === 'client';
  $('target-label').textContent = isClient ? 'Client ID' : 'Service name';
  $('target').setAttribute('list', isClient ? '' : 'service-presets');
  $('presets').hidden = isClient;
}

async function loadPackage() {
  try {
    // As any page would: the package's ES module entry (it loads the wasm core itself).
    Package = await import('./js/index.js');
  } catch (e) {
    showError(`The client package did not load: ${errorText(e)}`);
    setClientState('stopped', 'Package not loaded');
    document.body.dataset.client = 'unavailable';
    return;
  }
  if (!Package.AculabCloudClient.isSupported()) {
    showError('This browser lacks WebRTC, WebSocket or WebAssembly: calls cannot work here.');
  }
  pageLog(3, 'client package loaded');
  setClientState('stopped', 'Client stopped');
  document.body.dataset.ready = 'yes';
}

async function learnCloudId(explicit) {
  // The local cloud says which cloud id it is; a page served from elsewhere keeps its setting.
  if (explicit) return;
  try {
    const res = await fetch(new URL('health', location.href), { cache: 'no-store' });
    const h = res.ok ? await res.json() : null;
    if (h && typeof h.cloudId === 'string' && !client) $('cloud-id').value = h.cloudId;
  } catch {
    // not served by a local cloud
  }
}

function init() {
  const { settings, explicitCloudId, query } = initialSettings();
  writeSettings(settings);
  if (query.has('processing')) $('processing').checked = !/^(0|false|off|no)$/i.test(query.get('processing'));
  buildPresets();
  buildKeypad();
  updateKind();
  if (!canChooseSpeaker) {
    $('speaker-select').disabled = true;
    $('speaker-help').hidden = false;
  }
  $('settings').addEventListener('submit', startClient);
  $('stop-button').addEventListener('click', stopClient);
  $('enable-button').addEventListener('click', enableIncoming);
  $('disable-button').addEventListener('click', disableIncoming);
  $('dial-form').addEventListener('submit', dial);
  for (const r of $('dial-form').querySelectorAll('input[name="kind"]')) r.addEventListener('change', updateKind);
  $('audio-unlock-button').addEventListener('click', unlockAudio);
  $('devices-button').addEventListener('click', refreshDevices);
  $('speaker-select').addEventListener('change', () => {
    for (const a of document.querySelectorAll('#players audio')) applySink(a);
    applySinkToContext();
  });
  $('max-concurrent').addEventListener('change', updateCallButton);
  navigator.mediaDevices?.addEventListener?.('devicechange', refreshDevices);
  // Any click may be the gesture the browser wants before sound can start.
  document.addEventListener('click', () => {
    if (audioCtx && audioCtx.state === 'suspended') audioCtx.resume().catch(() => {}).finally(checkUnlock);
  });
  window.addEventListener('pagehide', () => {
    if (client) client.close();
  });
  setInterval(tick, STATS_MS);
  setClientState('stopped', 'Loading the client…');
  setIncomingState('off', 'Off');
  updateCount();
  refreshDevices();
  return learnCloudId(explicitCloudId);
}

await init();
await loadPackage();
