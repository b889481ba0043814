// Call events: a bounded in-memory list for GET /events and a JSON-lines log file.
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export class EventLog {
  /** file: JSON-lines path ('' for none); keep: how many recent events GET /events can see. */
  constructor({ file = '', keep = 2000, clock = Date.now } = {}) {
    this.keep = keep;
    this.clock = clock;
    this.events = [];
    this.seq = 0;
    this.listeners = new Set();
    this.stream = null;
    if (file) {
      mkdirSync(dirname(file), { recursive: true });
      this.stream = createWriteStream(file, { flags: 'a' });
      // A full disk or a removed folder must not stop the calls: drop the log instead.
      this.stream.on('error', () => {
        this.stream = null;
      });
    }
  }

  /** Records {seq, time, type, ...data} and returns it. */
  add(type, data = {}) {
    const t = this.clock();
    const event = { seq: ++this.seq, time: new Date(t).toISOString(), t, type, ...data };
    this.events.push(event);
    if (this.events.length > this.keep) this.events.splice(0, this.events.length - this.keep);
    if (this.stream) this.stream.write(JSON.stringify(event) + '\n');
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

  close() {
    return new Promise((resolvePromise) => {
      if (!this.stream) return resolvePromise();
      const s = this.stream;
      this.stream = null;
      s.end(resolvePromise);
    });
  }
}
