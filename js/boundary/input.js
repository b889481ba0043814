// input(handle, kind, ...): the engine's InputKind (ACW_INPUT_KINDS, cpp/call/input.hpp).
// One module of constants, imported as a namespace (import * as Input from ...): a bundler
// inlines each use as its number, so no table ships (js/boundary.js says more).
export const socketOpened = 0;
export const socketClosed = 1;
export const frame = 2;
export const timeout = 3;
export const enableIncoming = 4;
export const disableIncoming = 5;
export const callService = 6;
export const callClient = 7;
export const answer = 8;
export const ringing = 9;
export const reject = 10;
export const disconnect = 11;
export const sendDtmf = 12;
export const maxConcurrent = 13;
export const incomingHandler = 14;
export const peerConnectionConfiguration = 15;
export const close = 16;
export const sdpCreated = 17;
export const localDescriptionReady = 18;
export const mediaFailed = 19;
export const network = 20;
export const iceState = 21;
export const hold = 22;
export const reinvite = 23;
export const mediaHeard = 24;
