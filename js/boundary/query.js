// query(handle, what, call, text) -> string (ACW_QUERIES, bindings/boundary.hpp).
// One module of constants, imported as a namespace (import * as Query from ...): a bundler
// inlines each use as its number, so no table ships (js/boundary.js says more).
export const configError = 0;
export const callId = 1;
export const poll = 2;
export const sipHeaders = 3;
export const journalRecords = 4;
