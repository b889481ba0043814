// What calls look like: a card per call with its live statistics, the incoming-call panel, and the call log table.
import { $, clock, duration, el } from './dom.js';
import { activeCalls, calls } from './state.js';
import { addSparkPoint, drawSparkline, renderSparkline } from './sparkline.js';
import { summariseStats } from './stats.js';

const STATE_TEXT = {
  calling: 'Calling…',
  ringing: 'Ringing',
  'early-media': 'Early media',
  incoming: 'Incoming',
  connecting: 'Connecting…',
  connected: 'Connected',
  ended: 'Ended',
};

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

// ---- the call card ------------------------------------------------------------------------

function stat(name, label, value = '—') {
  return el('div', { className: 'stat' }, el('dt', { text: label }), el('dd', { text: value, dataset: { stat: name } }));
}

function meter(rec, name, label) {
  const id = `call-${rec.id}-${name}`;
  return el('div', { className: 'meter' },
    el('label', { htmlFor: id, text: label }),
    el('meter', { id, min: 0, max: 1, low: 0.02, high: 0.8, optimum: 0.3, value: 0, dataset: { stat: name } }));
}

/** A picker on the card: a select whose change calls pick(value). */
function picker(rec, name, label, pick) {
  const id = `call-${rec.id}-${name}`;
  return el('div', { className: 'picker' },
    el('label', { htmlFor: id, text: label }),
    el('select', { id, className: `call-${name}`, onchange: (ev) => pick(ev.target.value) }, el('option', { value: '', text: 'Default' })));
}

/**
 * The call's card at the top of the call list; its buttons call actions.selectCall(id),
 * toggleMute(rec, 'mic'|'speaker'|'camera'), toggleHold(rec) and hangUp(rec), its device pickers
 * actions.switchMicrophone(rec, deviceId) and playOn(rec, sinkId).
 */
export function renderCard(rec, actions) {
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
    el('div', { className: 'meters' }, meter(rec, 'level-in', 'Level in'), meter(rec, 'level-out', 'Level out')),
    el('div', { className: 'call-quality' },
      el('span', { className: 'mos', title: 'E-model MOS over the last 5 s (1 bad .. 4.5 best)', text: 'MOS —', dataset: { stat: 'mos' } }),
      renderSparkline(),
      el('ul', { className: 'call-warnings', 'aria-label': 'Quality warnings', 'aria-live': 'polite' })),
    el('div', { className: 'call-devices' },
      picker(rec, 'mic', 'Microphone', (v) => actions.switchMicrophone(rec, v)),
      picker(rec, 'speaker', 'Speaker', (v) => actions.playOn(rec, v))),
    // The call's video, when it has any: the far side large, this camera small (showVideo).
    el('div', { className: 'videos', hidden: true },
      el('video', { className: 'remote-video', autoplay: true, muted: true, playsInline: true, 'aria-label': 'Video from the other side' }),
      el('video', { className: 'local-video', autoplay: true, muted: true, playsInline: true, 'aria-label': 'Your camera' })),
    el('div', { className: 'call-actions' },
      el('button', { type: 'button', className: 'select-call', 'aria-pressed': 'false', disabled: true, text: 'Keypad', onclick: () => actions.selectCall(rec.id) }),
      el('button', { type: 'button', className: 'mute-mic', 'aria-pressed': 'false', text: 'Mute', onclick: () => actions.toggleMute(rec, 'mic') }),
      el('button', { type: 'button', className: 'mute-speaker', 'aria-pressed': 'false', text: 'Silence', title: 'Stop hearing the other side', onclick: () => actions.toggleMute(rec, 'speaker') }),
      el('button', { type: 'button', className: 'mute-camera', 'aria-pressed': 'false', hidden: true, text: 'Camera off', title: 'Send black frames instead of the camera', onclick: () => actions.toggleMute(rec, 'camera') }),
      el('button', { type: 'button', className: 'hold', 'aria-pressed': 'false', disabled: true, text: 'Hold', title: 'Neither side hears the other until you resume', onclick: () => actions.toggleHold(rec) }),
      el('button', { type: 'button', className: 'hang-up danger', text: 'Hang up', onclick: () => actions.hangUp(rec) })),
    el('p', { className: 'call-net', role: 'status', hidden: true }),
    el('p', { className: 'call-hold', role: 'status', hidden: true }),
    el('p', { className: 'call-error', role: 'alert', hidden: true }));
  rec.card = card;
  $('calls').prepend(card);
}

/** The card follows rec.state (and rec.cause once ended): its text and which buttons work. */
export function showCallState(rec) {
  if (!rec.card) return;
  const { state } = rec;
  rec.card.dataset.state = state;
  rec.card.querySelector('.call-state').textContent =
    state === 'ended' ? `Ended${rec.cause ? ': ' + rec.cause : ''}` : STATE_TEXT[state] || state;
  const live = state === 'connected' || state === 'early-media';
  rec.card.querySelector('.mute-mic').disabled = state === 'ended';
  rec.card.querySelector('.mute-speaker').disabled = state === 'ended';
  rec.card.querySelector('.mute-camera').disabled = state === 'ended';
  rec.card.querySelector('.hang-up').disabled = state === 'ended';
  // The microphone can be switched once the call has its media (setMicrophone rejects before).
  rec.card.querySelector('.call-mic').disabled = !live;
  if (state === 'ended') rec.card.querySelector('.call-speaker').disabled = true;
  rec.card.querySelector('.select-call').disabled = !live;
  rec.card.querySelector('.hold').disabled = state !== 'connected';
}

/** The Hold button and the card's hold line: held by us (rec.held), by the other side (rec.remoteHeld). */
export function showHold(rec) {
  if (!rec.card) return;
  const button = rec.card.querySelector('.hold');
  button.textContent = rec.held ? 'Resume' : 'Hold';
  button.setAttribute('aria-pressed', String(!!rec.held));
  rec.card.dataset.hold = rec.held ? 'held' : rec.remoteHeld ? 'remote' : '';
  const p = rec.card.querySelector('.call-hold');
  p.textContent = rec.held ? 'On hold' : rec.remoteHeld ? 'Held by the other side' : '';
  p.hidden = !(rec.held || rec.remoteHeld);
}

/** The card says the call is reconnecting, or has reconnected, and why (reason 'signalling' or 'media'). */
export function showReconnect(rec, state, reason) {
  if (!rec.card) return;
  rec.card.dataset.reconnect = state;
  const p = rec.card.querySelector('.call-net');
  p.textContent = `${state === 'reconnecting' ? 'Reconnecting\u2026' : `Reconnected ${clock()}`}${reason ? ' (' + reason + ')' : ''}`;
  p.hidden = false;
}

// The package's quality warnings (docs/QUALITY.md) in words.
const WARNING_TEXT = {
  'high-rtt': 'High round trip',
  'high-jitter': 'High jitter',
  'high-packet-loss': 'Packet loss',
  'low-mos': 'Low MOS',
  'no-inbound-audio': 'No audio in',
  'constant-input-level': 'Microphone silent?',
  'ice-disconnected': 'Media path lost',
};

/** A quality warning raised (a chip on the card, with the figure and threshold as its title) or cleared (the chip goes). */
export function showQualityWarning(rec, name, raised, value, threshold) {
  if (!rec.card) return;
  const list = rec.card.querySelector('.call-warnings');
  const chip = list.querySelector(`li[data-warning="${CSS.escape(name)}"]`);
  if (!raised) return void chip?.remove();
  if (chip) return;
  list.append(el('li', { dataset: { warning: name }, title: `${name}: ${value} (threshold ${threshold})`, text: WARNING_TEXT[name] || name }));
}

export function showCallError(rec, text) {
  if (!rec.card) return;
  const p = rec.card.querySelector('.call-error');
  p.textContent = text;
  p.hidden = false;
}

/** The Mute (which: 'mic'), Silence ('speaker') or Camera off ('camera') button shows whether it is on. */
export function showMute(rec, which) {
  const b = rec.card.querySelector(`.mute-${which}`);
  const on = { mic: rec.micMuted, speaker: rec.speakerMuted, camera: rec.cameraMuted }[which];
  b.setAttribute('aria-pressed', String(on));
  b.textContent = { mic: on ? 'Unmute' : 'Mute', speaker: on ? 'Hear' : 'Silence', camera: on ? 'Camera on' : 'Camera off' }[which];
}

/**
 * The card's videos follow the call's streams: the remote one (onMedia) when it has a video track,
 * the local one (onLocalMedia) likewise, with the Camera button; nothing shows for an audio call.
 */
export function showVideo(rec) {
  if (!rec.card) return;
  const box = rec.card.querySelector('.videos');
  const remote = rec.stream && rec.stream.getVideoTracks().length ? rec.stream : null;
  const local = rec.localStream && rec.localStream.getVideoTracks().length ? rec.localStream : null;
  for (const [v, stream] of [[box.querySelector('.remote-video'), remote], [box.querySelector('.local-video'), local]]) {
    if (v.srcObject !== stream) v.srcObject = stream;
    v.hidden = !stream;
    if (stream) v.play().catch(() => {});
  }
  box.hidden = !remote && !local;
  rec.card.querySelector('.mute-camera').hidden = !local;
  rec.card.dataset.video = remote && local ? 'both' : remote ? 'remote' : local ? 'local' : 'none';
}

/** The number of calls with a card, and the hint shown when there is none. */
export function updateCount() {
  const n = activeCalls().filter((r) => r.card).length;
  $('call-count').textContent = String(n);
  $('no-calls').hidden = $('calls').childElementCount > 0;
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
  // The package's own figures (call.getQuality(), sampled once a second since the call connected):
  // the MOS, and a point on the sparkline for each new sample.
  const quality = rec.call.getQuality?.();
  const mos = quality?.figures.mos;
  if (Number.isFinite(mos)) setStat(rec, 'mos', mos, `MOS ${mos.toFixed(2)}`);
  if (addSparkPoint(rec.qualityHistory, quality)) drawSparkline(rec.card.querySelector('.sparkline'), rec.qualityHistory);
  // What is sent while muted is silence, whatever the microphone hears.
  if (Number.isFinite(f.levelOut)) setStat(rec, 'level-out', rec.micMuted ? 0 : f.levelOut);
}

/** Every live card's duration, and its figures from call.getStats() once media may flow. */
export function refreshCards() {
  const now = Date.now();
  for (const rec of calls.values()) {
    if (rec.state === 'ended' || !rec.card) continue;
    const since = rec.connectedAt || rec.startedAt.getTime();
    setStat(rec, 'duration', (now - since) / 1000, duration(now - since));
    if (rec.state === 'connected' || rec.state === 'early-media' || rec.state === 'connecting') refreshStats(rec);
  }
}

// ---- the incoming-call panel --------------------------------------------------------------

/** The panel for an offered call, focused on Answer; its buttons call actions.answer(rec) and reject(rec, status). */
export function renderIncoming(rec, actions) {
  const titleId = `in-${rec.id}-title`;
  const descId = `in-${rec.id}-desc`;
  const selId = `in-${rec.id}-cause`;
  const causeSelect = el('select', { id: selId, className: 'reject-cause' },
    ...REJECT_CAUSES.map(([code, text]) => el('option', { value: String(code), text })));
  const answerButton = el('button', { type: 'button', className: 'answer primary', text: 'Answer', onclick: () => actions.answer(rec) });
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
      el('button', { type: 'button', className: 'reject danger', text: 'Reject', onclick: () => actions.reject(rec, Number(causeSelect.value)) })));
  rec.panel = panel;
  $('incoming-list').append(panel);
  document.body.classList.add('has-incoming');
  answerButton.focus({ preventScroll: false });
}

export function removeIncoming(rec) {
  if (!rec.panel) return;
  rec.panel.remove();
  rec.panel = null;
  if (!$('incoming-list').childElementCount) document.body.classList.remove('has-incoming');
}

// ---- the call log -------------------------------------------------------------------------

/** An ended call's row at the top of the call log: start, direction and type, peer, connected time, cause. */
export function addLogRow(rec) {
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
