// number(handle, what, a, b) -> number (ACW_NUMBER_QUERIES, bindings/boundary.hpp).
// One module of constants, imported as a namespace (import * as NumberQuery from ...): a bundler
// inlines each use as its number, so no table ships (js/boundary.js says more).
export const nextDeadline = 0;
export const lastCall = 1;
export const frameBuffer = 2;
export const startRecording = 3;
export const benchParse = 4;
export const destroy = 5;
export const maxFrameSize = 6;
