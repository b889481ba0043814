// What the dialler's modules share: the loaded package, the running client with its settings, and the calls on the page.
import { $ } from './dom.js';

/**
 * Package: the package's exports once loaded; client: the running AculabCloudClient;
 * clientSettings: the settings it was made with. Each is null when there is none.
 */
export const page = { Package: null, client: null, clientSettings: null };

/** Every call the page shows, by the page's own call id: CallRecords (calls.js). */
export const calls = new Map();

/** The calls not yet ended: the ones maxConcurrent counts. */
export function activeCalls() {
  return [...calls.values()].filter((r) => r.state !== 'ended');
}

/** maxConcurrent of the running client, or of the settings form when none runs. */
export function maxConcurrent() {
  const n = Number.parseInt(page.clientSettings ? page.clientSettings.maxConcurrent : $('max-concurrent').value, 10);
  return Number.isInteger(n) && n > 0 ? n : 1;
}
