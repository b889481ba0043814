// Call events: a bounded in-memory list for GET /events and a JSON-lines log file, rotated at a size cap.
import { createWriteStream, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/** A copy of `value` whose strings are at most `max` characters (a peer's text can be anything). */
export function clipFields(value, max, depth = 0) {
  if (typeof value === 'string') return value.length > max ? `${value.slice(0, max)}...(${value.length} chars)` : value;
  if (!value || typeof value !== 'object' || depth > 4) return value;
  if (Array.isArray(value)) return value.slice(0, 100).map((v) => clipFields(v, max, depth + 1));
  const out = {};
  for (const [k, v] of Object.entries(value)) out[k] = clipFields(v, max, depth + 1);
  return out;
}

export class EventLog {
  /**
   * file: JSON-lines path ('' for none); keep: how many recent events GET /events can see;
   * maxBytes: the file's size before it is rotated to FILE.1 (FILE.1 to FILE.2 ... up to `files`
   * kept; 0: never rotated); maxField: longest string kept in an event.
   */
  constructor({ file = '', keep = 2000, clock = Date.now, maxBytes = 0, files = 3, maxField = 1024, log } = {}) {
    this.keep = keep;
    this.clock = clock;
    this.file = file;
    this.maxBytes = maxBytes;
    this.files = files;
    this.maxField = maxField;
    this.log = log;
    this.events = [];
    this.seq = 0;
    this.listeners = new Set();
    this.stream = null;
    this.ending = new Set();
    if (file) {
      mkdirSync(dirname(file), { recursive: true });
      this.open();
    }
  }

  open() {
    try {
      this.size = statSync(this.file).size;
    } catch {
      this.size = 0;
    }
    const stream = createWriteStream(this.file, { flags: 'a' });
    // A full disk or a removed folder must not stop the calls: drop the log instead, and say so.
    stream.on('error', (e) => {
      if (this.stream !== stream) return;
      this.stream = null;
      this.failed = e.message;
      this.log?.error('events', `events log ${this.file}: ${e.message}: no more events written to it`);
      this.add('events.log-failed', { file: this.file, error: e.message });
    });
    this.stream = stream;
  }

  /** FILE -> FILE.1 -> FILE.2 ...; the oldest beyond `files` goes. */
  rotate() {
    const old = this.stream;
    this.stream = null;
    const ended = new Promise((resolvePromise) => old.end(resolvePromise));
    this.ending.add(ended);
    ended.then(() => this.ending.delete(ended));
    try {
      rmSync(`${this.file}.${this.files}`, { force: true });
      for (let i = this.files - 1; i >= 1; i--) {
        try {
          renameSync(`${this.file}.${i}`, `${this.file}.${i + 1}`);
        } catch {
          // that generation does not exist yet
        }
      }
      if (this.files > 0) renameSync(this.file, `${this.file}.1`);
      else rmSync(this.file, { force: true });
    } catch (e) {
      this.log?.error('events', `rotating ${this.file}: ${e.message}`);
    }
    this.open();
  }

  /** Records {seq, time, type, ...data} and returns it. */
  add(type, data = {}) {
    const t = this.clock();
    const event = { seq: ++this.seq, time: new Date(t).toISOString(), t, type, ...clipFields(data, this.maxField) };
    this.events.push(event);
    if (this.events.length > this.keep) this.events.splice(0, this.events.length - this.keep);
    if (this.stream) {
      const line = JSON.stringify(event) + '\n';
      this.stream.write(line);
      this.size += Buffer.byteLength(line);
      if (this.maxBytes && this.size >= this.maxBytes) this.rotate();
    }
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // a listener's fault is its own
      }
    }
    return event;
  }

  /** Recent events, oldest first: after seq `since`, of `type` (prefix match), for `call`. */
  list({ since = 0, type, call, limit = this.keep } = {}) {
    let out = this.events.filter((e) => e.seq > since);
    if (type) out = out.filter((e) => e.type === type || e.type.startsWith(type + '.'));
    if (call) out = out.filter((e) => e.call === call);
    return out.slice(-limit);
  }

  /** Resolves with the first event (already logged or coming) that `predicate` accepts. */
  waitFor(predicate, timeoutMs = 10000) {
    const found = this.events.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolvePromise, reject) => {
      const listener = (e) => {
        if (predicate(e)) {
          clearTimeout(timer);
          this.listeners.delete(listener);
          resolvePromise(e);
        }
      };
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(new Error('timed out waiting for an event'));
      }, timeoutMs);
      this.listeners.add(listener);
    });
  }

  /** Ends the log once every buffered line is written (a rotated file's too). */
  async close() {
    const s = this.stream;
    this.stream = null;
    if (s) await new Promise((resolvePromise) => s.end(resolvePromise));
    await Promise.all([...this.ending]);
  }
}
