// Package entry: loads the wasm core (top-level await), then exposes the documented classes.
import { loadCore } from './loader.js';
import { setCore } from './client.js';

setCore(await loadCore());

export { AculabCloudClient, AculabCloudCall, AculabCloudIncomingCall, AculabCloudOutgoingCall } from './client.js';
