// Entry for pages that place the wasm file themselves: `const { AculabCloudClient } = await load({ locateFile })`.
import { loadCore } from './loader.js';
import * as client from './client.js';

export async function load(options = {}) {
  client.setCore(await loadCore(options));
  return client;
}
