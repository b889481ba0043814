// The record service's files: written whole or not at all (a temporary name, then renamed), and kept within an age and a total size.
import { randomBytes } from 'node:crypto';
import { readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const PRUNE_EVERY_MS = 10 * 60 * 1000;

export class Recordings {
  constructor(cloud) {
    this.cloud = cloud;
    this.pending = new Set();
    this.timer = null;
  }

  get dir() {
    return this.cloud.config.recordings;
  }

  start() {
    this.timer = setInterval(() => this.prune(), PRUNE_EVERY_MS);
    this.timer.unref();
    return this.prune();
  }

  /**
   * Writes `bytes` as NAME in the folder: to a hidden temporary name first, renamed once whole, so
   * that a crash or a full disk never leaves a truncated recording under its real name. Rejects
   * with the write's error (the temporary file removed).
   */
  save(name, bytes) {
    const path = join(this.dir, name);
    const temp = join(this.dir, `.${name}.${randomBytes(4).toString('hex')}.tmp`);
    const work = (async () => {
      try {
        await writeFile(temp, bytes);
        await rename(temp, path);
      } catch (e) {
        await rm(temp, { force: true }).catch(() => {});
        throw e;
      }
      this.prune().catch(() => {});
      return path;
    })();
    this.pending.add(work);
    const forget = () => this.pending.delete(work);
    work.then(forget, forget);
    return work;
  }

  /** Removes recordings older than recordingsMaxAge, then the oldest until the total fits recordingsMaxBytes. */
  async prune(now = Date.now()) {
    const { recordingsMaxAge: maxAge, recordingsMaxBytes: maxBytes } = this.cloud.config;
    if (!maxAge && !maxBytes) return [];
    let names;
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const files = [];
    for (const name of names) {
      if (!name.endsWith('.ogg') || name.startsWith('.')) continue;
      try {
        const st = await stat(join(this.dir, name));
        if (st.isFile()) files.push({ name, size: st.size, mtime: st.mtimeMs });
      } catch {
        // gone meanwhile
      }
    }
    files.sort((a, b) => a.mtime - b.mtime);
    let total = files.reduce((a, f) => a + f.size, 0);
    const removed = [];
    for (const f of files) {
      const old = maxAge && now - f.mtime > maxAge * 1000;
      if (!old && !(maxBytes && total > maxBytes)) continue;
      try {
        await rm(join(this.dir, f.name), { force: true });
        total -= f.size;
        removed.push(f.name);
      } catch (e) {
        this.cloud.log.warn('record', `cannot remove ${f.name}: ${e.message}`);
      }
    }
    if (removed.length) this.cloud.events.add('recordings.pruned', { files: removed, reason: 'retention' });
    return removed;
  }

  /** Waits for every write under way (a clean stop loses no finished recording). */
  async close() {
    clearInterval(this.timer);
    await Promise.allSettled([...this.pending]);
  }
}
