// A polled output's kind: the engine's OutputKind (ACW_OUTPUT_KINDS, cpp/call/output.hpp).
// One module of constants, imported as a namespace (import * as Output from ...): a bundler
// inlines each use as its number, so no table ships (js/boundary.js says more).
export const OpenSocket = 0;
export const CloseSocket = 1;
export const SendFrame = 2;
export const CreatePeer = 3;
export const CreateOffer = 4;
export const CreateAnswer = 5;
export const SetLocalDescription = 6;
export const SetRemoteDescription = 7;
export const ClosePeer = 8;
export const SendDtmf = 9;
export const Callback = 10;
export const Log = 11;
