// echo (answers and returns what it hears) and ring (rings 3 s, then echo).
import { mediaService, sleep, startEcho } from './common.mjs';

export const RING_MS = 3000;

// Echo measures the caller's level on a sample of packets only: its CPU goes to forwarding.
export const echo = mediaService({
  needsAudio: false,
  meter: 'sample',
  act: ({ session }) => startEcho(session),
});

export const ring = mediaService({
  needsAudio: false,
  meter: 'sample',
  beforeAnswer: async ({ record, leg }) => {
    // Rings for RING_MS from the INVITE's arrival, however long the media answer took.
    const left = RING_MS - (Date.now() - record.startedAt);
    if (left > 0 && !leg.ended) await sleep(left);
  },
  act: ({ session }) => startEcho(session),
});
