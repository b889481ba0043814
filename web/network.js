// The network panel: the local cloud's fault injection (/faults) on this client or the current call, so a developer can watch calls ride through a blip.
import { $, el, errorText } from './dom.js';
import { currentCall } from './keypad.js';
import { pageLog, showError } from './log.js';
import { page } from './state.js';
import { basicAuth, tokenServiceUrl } from './tokens.js';

// One-click blips (cloud/README "Faults"): close cuts the socket and refuses reconnects for ms.
const BLIPS = [
  ['close', 3000, 'Cut signalling 3 s', 'Closes this client\u2019s WebSocket and refuses its reconnects for 3 s'],
  ['half-dead', 10000, 'Half-dead socket 10 s', 'The socket stays open but nothing is answered for 10 s'],
  ['blackhole', 5000, 'Media blackhole 5 s', 'Drops all media packets both ways for 5 s'],
];
const MEDIA = new Set(['blackhole', 'loss', 'delay']);

let refreshTimer = null;
const lossDelayIds = new Set(); // the loss and delay faults this page applied, for the form's Clear

/** The /faults endpoint beside the token service, with the same account credentials. */
async function faults(method, params = {}) {
  const s = page.clientSettings;
  if (!s) throw new Error('start the client first');
  const url = new URL('faults', tokenServiceUrl(s));
  const init = { method, headers: { Authorization: basicAuth(`${s.cloudId}/${s.accountUser}`, s.apiKey) }, cache: 'no-store', credentials: 'omit' };
  if (method === 'POST') init.body = new URLSearchParams(params);
  else for (const [k, v] of Object.entries(params)) url.searchParams.set(k, String(v));
  let res;
  try {
    res = await fetch(url, init);
  } catch (e) {
    throw new Error(`unreachable (${errorText(e)})`, { cause: e });
  }
  const body = await res.json().catch(() => null);
  if (!res.ok || !body) throw new Error(`${res.status} ${body && typeof body.error === 'string' ? body.error : res.statusText}`);
  return body;
}

/** Runs a /faults request and answers its body, or null: what goes wrong reaches the banner and the log. */
async function act(what, method, params) {
  let body = null;
  try {
    body = await faults(method, params);
    pageLog(3, `network: ${what}${body.fault ? ' (' + body.fault.id + ')' : ''}`);
  } catch (e) {
    showError(`Network panel: ${what} failed: ${errorText(e)}`);
  }
  // Not awaited: the caller has the fault's id before the list shows it.
  listFaults();
  return body;
}

/** A media fault goes to the current call (by its SIP Call-ID) when asked, else to this client. */
function target(kind) {
  const client = page.clientSettings.clientId;
  if (!MEDIA.has(kind) || $('net-scope').value !== 'call') return { client };
  const id = currentCall()?.call.callId?.();
  if (!id) throw new Error('no call is up: choose "this client" or make a call');
  return { call: id };
}

function apply(kind, params) {
  let t;
  try {
    t = target(kind);
  } catch (e) {
    showError(`Network panel: ${errorText(e)}`);
    return Promise.resolve(null);
  }
  return act(`${kind} ${Object.values(params).join(' ')}`.trim(), 'POST', { fault: kind, ...t, ...params });
}

/** Loss % and delay ms as lasting faults (until Clear), each only when set above 0. */
async function applyLossDelay(ev) {
  ev.preventDefault();
  const percent = Number($('net-loss').value);
  const delay = Number($('net-delay').value);
  for (const [kind, params] of [['loss', percent > 0 && { percent }], ['delay', delay > 0 && { delay }]]) {
    const id = params && (await apply(kind, params))?.fault?.id;
    if (id) lossDelayIds.add(id);
  }
}

/** The form's Clear: this page's loss and delay faults (a 404: already cleared or expired). */
async function clearLossDelay() {
  for (const id of lossDelayIds) {
    try {
      await faults('DELETE', { id });
      pageLog(3, `network: cleared ${id}`);
    } catch (e) {
      if (!/^404 /.test(errorText(e))) showError(`Network panel: clear ${id} failed: ${errorText(e)}`);
    }
  }
  lossDelayIds.clear();
  await listFaults();
}

/**
 * The faults in force (GET /faults), each with a Clear button; expiring ones are shown until they
 * go. A failure asked for (Refresh) shows in the banner; one on a look of the page's own only in
 * the log and the panel.
 */
async function listFaults({ asked = false } = {}) {
  clearTimeout(refreshTimer);
  const list = $('net-faults');
  const none = $('net-none');
  if (!page.clientSettings) {
    list.replaceChildren();
    return;
  }
  let body;
  try {
    body = await faults('GET');
  } catch (e) {
    const text = `Network panel: listing faults failed: ${errorText(e)}`;
    if (asked) showError(text);
    else pageLog(2, text);
    none.textContent = text;
    none.hidden = false;
    return;
  }
  const all = [...(body.faults || []), ...(body.scheduled || [])];
  none.textContent = 'None.';
  list.replaceChildren(...all.map((f) => el('li', { dataset: { fault: String(f.id), kind: String(f.kind) } },
    el('span', { className: 'msg', text: describe(f) }), ' ',
    el('button', { type: 'button', className: 'small', text: 'Clear', onclick: () => act(`clear ${f.id}`, 'DELETE', { id: f.id }) }))));
  none.hidden = all.length > 0;
  // Timed faults end on the cloud by themselves: look again while any is in force.
  if (all.length) refreshTimer = setTimeout(listFaults, 2000);
}

function describe(f) {
  const on = f.call ? `call ${f.call}` : f.connection ? `connection ${f.connection}` : `client ${f.client}`;
  const extra = [f.percent && `${f.percent}%`, f.delay && `+${f.delay} ms`, f.ms && `${f.ms / 1000} s`, f.scheduled && 'scheduled'].filter(Boolean);
  return `${f.id} ${f.kind} on ${on}${extra.length ? ' · ' + extra.join(' · ') : ''}`;
}

/** The panel's buttons; they work while a client runs. */
export function buildNetworkPanel() {
  $('net-blips').append(...BLIPS.map(([kind, ms, text, title]) =>
    el('button', { type: 'button', className: 'small', dataset: { fault: kind }, title, text, onclick: () => apply(kind, { ms }) })));
  $('net-form').addEventListener('submit', applyLossDelay);
  $('net-clear').addEventListener('click', clearLossDelay);
  $('net-clear-all').addEventListener('click', () => act('clear every fault', 'DELETE'));
  $('net-refresh').addEventListener('click', () => listFaults({ asked: true }));
}

/** Enables the panel while a client runs. */
export function updateNetworkPanel() {
  $('net-controls').disabled = !page.client;
  if (page.client) listFaults();
  else $('net-faults').replaceChildren();
}
