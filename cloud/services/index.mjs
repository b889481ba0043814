// The inbound services, chosen by the user part of sip:SERVICE@sip-C.aculab.com (cloud/README.md "Services").
import { busy, failWith, noanswer } from './signalling.mjs';
import { echo, ring } from './echo.mjs';
import { earlyMedia, playback } from './playback.mjs';
import { ivr } from './ivr.mjs';
import { record } from './record.mjs';

const SERVICES = new Map([
  ['echo', echo],
  ['ring', ring],
  ['playback', playback],
  ['early-media', earlyMedia],
  ['ivr', ivr],
  ['record', record],
  ['busy', busy],
  ['noanswer', noanswer],
]);

/** The service for a name, or undefined (the caller then gets 404). fail-NNN: any NNN in 300-699. */
export function findService(name) {
  if (SERVICES.has(name)) return SERVICES.get(name);
  const m = /^fail-([3-6][0-9][0-9])$/.exec(name);
  if (m) return failWith(Number(m[1]));
  return undefined;
}

export function serviceNames() {
  return [...SERVICES.keys(), 'fail-NNN'];
}
