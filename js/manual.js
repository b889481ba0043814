// Entry for pages that place the wasm file themselves: `const { AculabCloudClient } = await load({ locateFile })`.
// Clients made before load() queue their commands until it has loaded the core.
import { loadCore } from './loader.js';
import * as client from './client.js';

export async function load(options = {}) {
  client.AculabCloudClient.ready = loadCore(options).then(client.setCore);
  await client.AculabCloudClient.ready;
  return client;
}
