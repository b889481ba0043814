// Calls through the package: dial a service or a client, take an incoming call, answer, reject, mute, hang up, and follow each call's callbacks.
import { attachAudio, callOptions, detachAudio, ensureAudioContext, fillCallDevices, playOn, refreshDevices, switchMicrophone, updateTones } from './audio.js';
import { addLogRow, removeIncoming, renderCard, renderIncoming, showCallError, showCallState, showHold, showMute, showQualityWarning, showReconnect, showVideo, updateCount } from './call-cards.js';
import { $, el, errorText } from './dom.js';
import { moveKeypadFrom, selectCall, updateKeypad } from './keypad.js';
import { pageLog, showError } from './log.js';
import { activeCalls, calls, maxConcurrent, page } from './state.js';
import { fetchToken } from './tokens.js';

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

// How long an ended call's card stays, showing its cause, before only the call log has it.
const ENDED_CARD_MS = 6000;

let nextCallId = 1;

/** The page's record of one AculabCloudCall: what the card, the tones, the keypad and the call log show. */
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
    this.localStream = null;
    this.micMuted = false;
    this.speakerMuted = false;
    this.cameraMuted = false;
    this.card = null;
    this.panel = null;
    this.digits = '';
    this.lastStats = null;
    this.qualityHistory = []; // call.getQuality() by second, for the card's sparkline
  }
}

// ---- the call's callbacks -----------------------------------------------------------------

function wireCall(rec) {
  const { call } = rec;
  call.onRinging = () => {
    if (rec.state === 'calling') setCallState(rec, 'ringing');
    pageLog(4, `call ${rec.id} ringing`);
  };
  call.onMedia = ({ stream }) => {
    rec.stream = stream;
    attachAudio(rec);
    showVideo(rec);
    // A video track that arrives after the stream was given (audio first) shows too.
    stream.addEventListener('addtrack', () => showVideo(rec));
    if (rec.state === 'calling' || rec.state === 'ringing') setCallState(rec, 'early-media');
    else updateTones();
    pageLog(4, `call ${rec.id}: remote media`);
  };
  call.onMediaRemove = () => {
    rec.stream = null;
    detachAudio(rec);
    showVideo(rec);
    updateTones();
  };
  call.onLocalMedia = ({ stream }) => {
    rec.localStream = stream;
    showVideo(rec);
    refreshDevices();
  };
  // Camera off sends black frames; the far side's video stops when it holds or stops sending.
  call.onLocalVideoMute = () => pageLog(4, `call ${rec.id}: camera off`);
  call.onLocalVideoUnmute = () => pageLog(4, `call ${rec.id}: camera on`);
  call.onRemoteVideoMute = () => {
    if (rec.card) rec.card.dataset.remoteVideo = 'muted';
    pageLog(4, `call ${rec.id}: remote video stopped`);
  };
  call.onRemoteVideoUnmute = () => {
    if (rec.card) rec.card.dataset.remoteVideo = 'live';
    pageLog(4, `call ${rec.id}: remote video flowing`);
  };
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
  // The call riding through a lost socket or media path (issue 19); a package without these
  // callbacks never calls them, and the page works the same.
  for (const [name, state] of [['onReconnecting', 'reconnecting'], ['onReconnected', 'reconnected']]) {
    call[name] = (obj) => {
      const reason = String(obj?.reason ?? '');
      pageLog(3, `call ${rec.id} ${state}${reason ? ' (' + reason + ')' : ''}`);
      showReconnect(rec, state, reason);
    };
  }
  // Hold (ours, and the other side's).
  call.onHold = ({ held }) => {
    pageLog(3, `call ${rec.id} ${held ? 'on hold' : 'off hold'}`);
    rec.held = held;
    showHold(rec);
  };
  call.onRemoteHold = ({ held }) => {
    pageLog(3, `call ${rec.id} ${held ? 'held' : 'no longer held'} by the other side`);
    rec.remoteHeld = held;
    showHold(rec);
  };
  // Quality warnings (docs/QUALITY.md): set before the call connects, so its quality is sampled.
  call.onQualityWarning = ({ name, value, threshold }) => {
    pageLog(2, `call ${rec.id} quality warning: ${name} (${value}, threshold ${threshold})`);
    showQualityWarning(rec, name, true, value, threshold);
  };
  call.onQualityWarningCleared = ({ name }) => {
    pageLog(3, `call ${rec.id} quality warning cleared: ${name}`);
    showQualityWarning(rec, name, false);
  };
  call.onError = ({ error }) => {
    const text = errorText(error);
    pageLog(1, `call ${rec.id} error: ${text}`);
    showCallError(rec, text);
  };
}

function setCallState(rec, state) {
  rec.state = state;
  showCallState(rec);
  updateTones();
  updateKeypad();
  updateCallButton();
  updateCount();
}

/** The call has ended (its cause from onDisconnect, or the page's): the card says so, then goes; the call log keeps it. */
export function finishCall(rec, cause) {
  if (rec.state === 'ended') return;
  rec.cause = cause;
  rec.endedAt = Date.now();
  setCallState(rec, 'ended');
  if (rec.card) rec.card.dataset.cause = cause;
  detachAudio(rec);
  removeIncoming(rec);
  addLogRow(rec);
  moveKeypadFrom(rec);
  const card = rec.card;
  setTimeout(() => {
    card?.remove();
    calls.delete(rec.id);
    updateCount();
  }, ENDED_CARD_MS);
}

function showCard(rec) {
  if (rec.card) return;
  renderCard(rec, { selectCall, toggleMute, toggleHold, hangUp, switchMicrophone, playOn });
  showVideo(rec);
  fillCallDevices(rec);
  setCallState(rec, rec.state);
}

// ---- outgoing ------------------------------------------------------------------------------

/** The dial form's submit: callService, or callClient with a token that allows that client. */
export async function dial(ev) {
  ev.preventDefault();
  const { client } = page;
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
  let call;
  try {
    if (kind === 'service') {
      // The guide passes the service name URI-escaped.
      call = client.callService(encodeURIComponent(target), callOptions());
    } else {
      const t = await fetchToken({ client_id: page.clientSettings.clientId, call_client: target, enable_incoming: false });
      if (page.client !== client) return;
      call = client.callClient(target, t.token, callOptions());
    }
  } catch (e) {
    showError(`Call not made: ${errorText(e)}`);
    return;
  }
  const rec = new CallRecord({ call, direction: 'out', peer: target, type: kind });
  calls.set(rec.id, rec);
  wireCall(rec);
  showCard(rec);
  selectCall(rec.id);
  pageLog(3, `call ${rec.id} to ${kind} ${target}`);
  updateCallButton();
}

/** Call is possible with a running client and fewer than maxConcurrent calls up. */
export function updateCallButton() {
  const full = activeCalls().length >= maxConcurrent();
  $('call-button').disabled = !page.client || full;
  $('call-button').title = !page.client ? 'Start the client first' : full ? `maxConcurrent (${maxConcurrent()}) calls are up` : '';
}

/** The service presets: a datalist for the target field and a chip per service that dials it. */
export function buildPresets() {
  const list = $('service-presets');
  const chips = $('presets');
  for (const [name, what] of SERVICES) {
    list.append(el('option', { value: name, text: what }));
    chips.append(el('button', { type: 'button', className: 'chip', dataset: { service: name }, title: what, text: name,
      onclick: () => {
        $('dial-form').querySelector('input[value="service"]').checked = true;
        updateKind();
        $('target').value = name;
        if (page.client && !$('call-button').disabled) $('dial-form').requestSubmit();
        else $('target').focus();
      } }));
  }
}

/** The dial form follows its Service / Client choice. */
export function updateKind() {
  const isClient = new FormData($('dial-form')).get('kind') === 'client';
  $('target-label').textContent = isClient ? 'Client ID' : 'Service name';
  $('target').setAttribute('list', isClient ? '' : 'service-presets');
  $('presets').hidden = isClient;
}

// ---- incoming ------------------------------------------------------------------------------

/** client.onIncoming: shows the offered call and tells the caller it rings. */
export function onIncoming(obj) {
  const rec = new CallRecord({ call: obj.call, direction: 'in', peer: String(obj.from ?? ''), type: String(obj.type ?? 'other') });
  rec.offer = { audio: !!obj.offeringAudio, video: !!obj.offeringVideo };
  calls.set(rec.id, rec);
  wireCall(rec);
  renderIncoming(rec, { answer, reject });
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
  showCard(rec);
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

// ---- in a call -----------------------------------------------------------------------------

function toggleMute(rec, which) {
  if (which === 'mic') rec.micMuted = !rec.micMuted;
  else if (which === 'camera') rec.cameraMuted = !rec.cameraMuted;
  else rec.speakerMuted = !rec.speakerMuted;
  try {
    rec.call.mute(rec.micMuted, rec.speakerMuted, rec.cameraMuted, rec.speakerMuted);
  } catch (e) {
    pageLog(1, `mute: ${errorText(e)}`);
  }
  showMute(rec, which);
}

// Hold or resume: the button waits for onHold to say how it settled.
function toggleHold(rec) {
  try {
    if (rec.held) rec.call.unhold();
    else rec.call.hold();
  } catch (e) {
    pageLog(1, `hold: ${errorText(e)}`);
  }
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
