// Script-tag entry (built into dist/aculab-webrtc-wasm.min.js): the classes as page globals, as the
// guide's pages use them; the wasm is fetched from next to the script (toolchain/build-formats.mjs).
import { AculabCloudCall, AculabCloudClient, AculabCloudIncomingCall, AculabCloudOutgoingCall } from './index.js';

Object.assign(globalThis, { AculabCloudClient, AculabCloudCall, AculabCloudIncomingCall, AculabCloudOutgoingCall });
