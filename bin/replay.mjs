// Replaying a call journal (AculabCloudClient's journal(), JSON lines) in Node through the same wasm
// core the page ran: what the page saw, in order, with times. Used by the package's command
// (bin/aculab-webrtc-wasm.mjs) and the tests; never loaded by a page.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Input, Output, Query, NumberQuery, decodeOutput } from '../js/boundary.js';

const DIST = fileURLToPath(new URL('../dist/', import.meta.url));

let corePromise = null;
/** The wasm core (dist/acw-core.{mjs,wasm}), loaded once. */
export function loadCore(dist = DIST) {
  corePromise ??= (async () => {
    const { default: factory } = await import(new URL('acw-core.mjs', `file://${dist.endsWith('/') ? dist : `${dist}/`}`).href);
    // Node's fetch() cannot read a file path: the glue gets the bytes.
    return factory({ wasmBinary: readFileSync(`${dist}/acw-core.wasm`) });
  })();
  return corePromise;
}

/** A journal that cannot be replayed; `line` is the 1-based line at fault (0: the whole text). */
export class JournalError extends Error {
  constructor(message, line) {
    super(line ? `line ${line}: ${message}` : message);
    this.line = line;
  }
}

const KINDS = new Set(Object.keys(Input));
const isWhole = (v) => Number.isSafeInteger(v);

function checkInput(j) {
  if (!j || typeof j !== 'object' || Array.isArray(j)) return 'not a JSON object';
  if (!isWhole(j.t)) return '"t" is not a whole number';
  if (!KINDS.has(j.in)) return `unknown input ${JSON.stringify(j.in)}`;
  if (j.call !== undefined && !(isWhole(j.call) && j.call >= 0)) return '"call" is not a handle';
  if (j.number !== undefined && !isWhole(j.number)) return '"number" is not a whole number';
  for (const name of ['text', 'text2', 'iceServers']) {
    if (j[name] !== undefined && typeof j[name] !== 'string') return `"${name}" is not a string`;
    const hex = j[`${name}Hex`];
    if (hex !== undefined && !(typeof hex === 'string' && /^(?:[0-9a-f]{2})*$/.test(hex))) return `"${name}Hex" is not hex`;
  }
  if (j.options !== undefined && (typeof j.options !== 'object' || j.options === null || Array.isArray(j.options))) return '"options" is not an object';
  return '';
}

/**
 * The journal's header and inputs. A last line with no newline that does not read is where the
 * journal was cut: `cut` says so and the inputs stop before it; any other line that does not read
 * throws a JournalError naming it. A "full" line (the size cap was reached) ends the journal.
 */
export function parseJournal(text) {
  const lines = text.split('\n');
  const endsWithNewline = lines.at(-1) === '';
  if (endsWithNewline) lines.pop();
  let header = null;
  const inputs = [];
  let cut = null;
  let full = null;
  for (let i = 0; i < lines.length; i++) {
    const number = i + 1;
    const line = lines[i];
    if (line === '') continue;
    let j;
    let why = '';
    try {
      j = JSON.parse(line);
    } catch (e) {
      why = `bad JSON (${e.message})`;
    }
    if (!why && !header) {
      if (!j || j.journal !== 1 || typeof j.seed !== 'string' || !/^\d+$/.test(j.seed)) why = 'not a journal header ({"journal":1,...})';
      else header = j;
      if (!why) continue;
    }
    if (!why && j && typeof j === 'object' && 'full' in j) {
      full = { line: number, t: j.t, maxBytes: j.full };
      break;
    }
    if (!why) why = checkInput(j);
    if (why) {
      const last = i === lines.length - 1 && !endsWithNewline;
      if (last && header) {
        cut = { line: number, why };
        break;
      }
      throw new JournalError(why, number);
    }
    inputs.push({ ...j, line: number });
  }
  if (!header) throw new JournalError('empty journal: no header line', 0);
  return { header, inputs, cut, full };
}

const text = (j, name) => (j[`${name}Hex`] !== undefined ? Buffer.from(j[`${name}Hex`], 'hex') : j[name] ?? '');
const OUTPUT_NAMES = Object.fromEntries(Object.entries(Output).map(([k, v]) => [v, k]));

/**
 * Replays a parsed journal into a fresh engine and returns its events, in order:
 *   { t, type: 'received' | 'sent' | 'callback' | 'timer' | 'input' | 'media' | 'log' | 'error', ... }
 * `t` is the journal's clock (ms). `until` (ms after the first input) stops before later inputs.
 */
export async function replayJournal(journal, { until = Infinity, dist } = {}) {
  const core = await loadCore(dist);
  const { header } = journal;
  const seed = BigInt(header.seed);
  const h = core.create(header.cloudId, header.webRtcAccessKey, header.clientId, header.url,
    Number((seed >> 32n) & 0xffffffffn), Number(seed & 0xffffffffn), header.logLevel ?? 0, header.options ?? '');
  const events = [];
  const start = journal.inputs.length ? journal.inputs[0].t : 0;
  let deadline = -1;
  let stopped = null;
  try {
    const configError = core.query(h, Query.configError, 0, '');
    if (configError) throw new JournalError(`the header's config is refused: ${configError}`, 1);
    for (const j of journal.inputs) {
      if (j.t - start > until) {
        stopped = j;
        break;
      }
      const kind = Input[j.in];
      let error;
      if (j.in === 'frame') {
        const bytes = Buffer.from(text(j, 'text'));
        events.push({ t: j.t, type: 'received', text: bytes.toString() });
        const address = core.number(h, NumberQuery.frameBuffer, bytes.length, 0);
        core.HEAPU8.set(bytes, address);
        error = core.frame(h, j.t, bytes.length);
      } else {
        if (j.in === 'timeout') events.push({ t: j.t, type: 'timer', what: 'fired' });
        else events.push({ t: j.t, type: 'input', name: j.in, call: j.call ?? 0, text: String(text(j, 'text')), text2: String(text(j, 'text2')), number: j.number ?? 0 });
        const first = j.in === 'peerConnectionConfiguration' ? String(text(j, 'iceServers')) : String(text(j, 'text'));
        error = core.input(h, kind, j.t, j.call ?? 0, first, String(text(j, 'text2')), j.number ?? 0, j.options ? JSON.stringify(j.options) : '');
      }
      if (error) events.push({ t: j.t, type: 'error', text: error });
      for (let o = decodeOutput(core.query(h, Query.poll, 0, '')); o; o = decodeOutput(core.query(h, Query.poll, 0, ''))) {
        if (o.kind === Output.SendFrame) events.push({ t: j.t, type: 'sent', text: o.text });
        else if (o.kind === Output.Callback) events.push({ t: j.t, type: 'callback', name: o.name, call: o.call, json: o.json });
        else if (o.kind === Output.Log) events.push({ t: j.t, type: 'log', level: o.level, text: o.text });
        else events.push({ t: j.t, type: 'media', name: OUTPUT_NAMES[o.kind], call: o.call, detail: o.name || (o.kind === Output.OpenSocket ? o.text : '') });
      }
      const next = core.number(h, NumberQuery.nextDeadline, 0, 0);
      if (next !== deadline) {
        events.push({ t: j.t, type: 'timer', what: next < 0 ? 'cleared' : 'armed', at: next });
        deadline = next;
      }
    }
  } finally {
    core.number(h, NumberQuery.destroy, 0, 0);
  }
  return { events, start, stopped };
}

const seconds = (ms) => `${ms < 0 ? '-' : '+'}${(Math.abs(ms) / 1000).toFixed(3)}s`;
const indent = (s) => s.replace(/\r\n/g, '\n').replace(/\n+$/, '').split('\n').map((l) => `      ${l}`).join('\n');

/** One event as the command prints it; `brief` keeps a SIP message to its first line. */
export function formatEvent(e, start, { brief = false } = {}) {
  const at = seconds(e.t - start).padStart(10);
  const sip = (s) => (brief ? ` ${s.split(/\r?\n/)[0]}` : `\n${indent(s)}`);
  switch (e.type) {
    case 'received': return `${at}  SIP received${sip(e.text)}`;
    case 'sent': return `${at}  SIP sent    ${sip(e.text)}`;
    case 'callback': return `${at}  callback     ${e.name}${e.call ? ` call ${e.call}` : ''} ${e.json || '{}'}`;
    case 'timer': return `${at}  timer        ${e.what}${e.what === 'armed' ? ` for ${seconds(e.at - start)}` : ''}`;
    case 'input': {
      const args = [e.call && `call ${e.call}`, e.text && JSON.stringify(e.text.length > 80 ? `${e.text.slice(0, 77)}...` : e.text), e.text2 && JSON.stringify(e.text2), e.number && String(e.number)].filter(Boolean);
      return `${at}  page         ${e.name}(${args.join(', ')})`;
    }
    case 'media': return `${at}  media        ${e.name}${e.call ? ` call ${e.call}` : ''}${e.detail ? ` ${e.detail}` : ''}`;
    case 'log': return `${at}  log ${e.level}        ${e.text}`;
    case 'error': return `${at}  throws       ${JSON.stringify(e.text)}`;
    default: return `${at}  ${e.type}`;
  }
}

/** What --diff compares: an event without its time (two recordings never share a clock). */
export function eventKey(e) {
  switch (e.type) {
    case 'received': case 'sent': return `${e.type} ${e.text}`;
    case 'callback': return `callback ${e.name} ${e.call} ${e.json}`;
    case 'timer': return `timer ${e.what}`;
    case 'input': return `page ${e.name} ${e.call} ${e.text} ${e.text2} ${e.number}`;
    case 'media': return `media ${e.name} ${e.call} ${e.detail}`;
    case 'error': return `throws ${e.text}`;
    default: return `${e.type} ${e.text ?? ''}`;
  }
}
