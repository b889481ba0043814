// Package entry: exposes the documented classes at once and starts loading the wasm core; a client
// made before it has loaded queues its commands (client.js), and AculabCloudClient.ready tells when.
import { loadCore } from './loader.js';
import { AculabCloudClient, setCore } from './client.js';

/** Resolves once the wasm core has loaded (rejects if it cannot be); nobody has to wait for it. */
AculabCloudClient.ready = loadCore().then(setCore);
// A page that never looks at `ready` still hears of a failure (and Node does not exit on it).
AculabCloudClient.ready.catch((e) => console.error('aculab-webrtc-wasm: the wasm core did not load:', e));

// 4.0.8 also exports the client as the default: `import AculabCloudClient from '...'` works on both.
export { AculabCloudClient, AculabCloudClient as default };
export { AculabCloudCall, AculabCloudIncomingCall, AculabCloudOutgoingCall } from './client.js';
