// The DTMF keypad: which call it sends to, its sixteen keys, and the same keys from the keyboard.
import { $, el, errorText } from './dom.js';
import { pageLog } from './log.js';
import { activeCalls, calls } from './state.js';

const DTMF_KEYS = ['1', '2', '3', 'A', '4', '5', '6', 'B', '7', '8', '9', 'C', '*', '0', '#', 'D'];
const DTMF_RE = /^[0-9*#A-Da-d]$/;

let selectedId = 0; // the page id of the call the keypad sends to; 0 for none

function showSelected() {
  for (const r of calls.values()) if (r.card) r.card.querySelector('.select-call').setAttribute('aria-pressed', String(r.id === selectedId));
}

/** The keypad sends to call `id` (0: none). */
export function selectCall(id) {
  selectedId = id;
  showSelected();
  updateKeypad();
}

function selectedCall() {
  const rec = calls.get(selectedId);
  return rec && (rec.state === 'connected' || rec.state === 'early-media') ? rec : null;
}

/** The call the keypad (and the network panel) acts on: the selected one, or else the first connected one. */
export function currentCall() {
  return selectedCall() || activeCalls().find((r) => r.state === 'connected') || null;
}

/** Shows the keypad for the current call; hides it with none. */
export function updateKeypad() {
  const rec = currentCall();
  if (rec && rec.id !== selectedId) {
    selectedId = rec.id;
    showSelected();
  }
  $('keypad-box').hidden = !rec;
  $('keypad-target').textContent = rec ? rec.peer : '—';
  $('dtmf-sent').textContent = rec ? rec.digits : '';
}

/** When the keypad's call ends it moves to another connected call, or to none. */
export function moveKeypadFrom(rec) {
  if (selectedId !== rec.id) return;
  const next = activeCalls().find((r) => r.state === 'connected');
  selectCall(next ? next.id : 0);
}

/** Sends one DTMF digit on the keypad's call; false when there is none or the call refused it. */
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

export function buildKeypad() {
  const pad = $('keypad');
  for (const k of DTMF_KEYS) {
    pad.append(el('button', { type: 'button', className: /[A-D]/.test(k) ? 'key letter' : 'key', dataset: { key: k }, 'aria-label': `Send ${k === '*' ? 'star' : k === '#' ? 'hash' : k}`, text: k, onclick: () => sendDigit(k) }));
  }
}

/** A keydown anywhere but in a form field: 0-9 * # A-D go to the keypad's call. */
export function sendKeyboardDigit(e) {
  if (e.ctrlKey || e.metaKey || e.altKey || e.repeat) return;
  const t = e.target;
  if (t instanceof HTMLElement && (t.isContentEditable || /^(INPUT|SELECT|TEXTAREA)$/.test(t.tagName))) return;
  if (!DTMF_RE.test(e.key)) return;
  if (sendDigit(e.key)) e.preventDefault();
}
