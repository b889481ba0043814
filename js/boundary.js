// The names of every number that crosses between the shim and the wasm core (bindings/core.cpp):
// each object is one C++ table, name -> value in the table's order. Hand-written, and checked
// against the C++ lists by tests/node/boundary.test.mjs (a renamed, added or moved entry on either
// side fails it). The bundler keeps these few names; the calls read by name.

// input(handle, kind, ...): the engine's InputKind (ACW_INPUT_KINDS, cpp/call/input.hpp).
export const Input = Object.freeze({
  socketOpened: 0,
  socketClosed: 1,
  frame: 2,
  timeout: 3,
  enableIncoming: 4,
  disableIncoming: 5,
  callService: 6,
  callClient: 7,
  answer: 8,
  ringing: 9,
  reject: 10,
  disconnect: 11,
  sendDtmf: 12,
  maxConcurrent: 13,
  incomingHandler: 14,
  peerConnectionConfiguration: 15,
  close: 16,
  sdpCreated: 17,
  localDescriptionReady: 18,
  mediaFailed: 19,
});

// A polled output's kind: the engine's OutputKind (ACW_OUTPUT_KINDS, cpp/call/output.hpp).
export const Output = Object.freeze({
  OpenSocket: 0,
  CloseSocket: 1,
  SendFrame: 2,
  CreatePeer: 3,
  CreateOffer: 4,
  CreateAnswer: 5,
  SetLocalDescription: 6,
  SetRemoteDescription: 7,
  ClosePeer: 8,
  SendDtmf: 9,
  Callback: 10,
  Log: 11,
});

// query(handle, what, call, text) -> string (ACW_QUERIES, bindings/boundary.hpp).
export const Query = Object.freeze({
  configError: 0,
  callId: 1,
  poll: 2,
  sipHeaders: 3,
  journal: 4,
  reasonPhrase: 5,
});

// number(handle, what, a, b) -> number (ACW_NUMBER_QUERIES, bindings/boundary.hpp).
export const NumberQuery = Object.freeze({
  nextDeadline: 0,
  lastCall: 1,
  frameBuffer: 2,
  startRecording: 3,
  benchParse: 4,
  destroy: 5,
  maxFrameSize: 6,
});

/**
 * The engine's next output, from query(handle, Query.poll): { kind, level, call, name, json, text }
 * (kind an Output value), or null when none is left. The fields come in bindings/core.cpp's
 * poll_text order, each after a NUL; text is last and may itself hold NULs.
 */
export function decodeOutput(polled) {
  if (!polled) return null;
  const [kind, level, call, name, json, ...text] = polled.split('\0');
  return { kind: Number(kind), level: Number(level), call: Number(call), name, json, text: text.join('\0') };
}
