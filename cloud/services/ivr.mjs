// ivr: plays a prompt, collects digits (RFC 4733, or in-band DTMF), plays each back as its tone and records it in the events; '#' ends the call.
import { mediaService, mediaUp, sleep } from './common.mjs';

const MAX_CALL_MS = 5 * 60 * 1000;

export const ivr = mediaService({
  act: async ({ session, audio, prompts, record, hangUp }) => {
    const queue = [];
    let wake = null;
    audio.onDigit((digit, how) => {
      record.addDigit(digit);
      record.event('call.dtmf', { digit, how });
      queue.push(digit);
      wake?.();
    });
    if (!(await mediaUp(session, record))) return;
    await audio.play(prompts.get('ivr').packets);
    const deadline = Date.now() + MAX_CALL_MS;
    while (!record.ended && Date.now() < deadline) {
      if (queue.length === 0) {
        await Promise.race([new Promise((r) => (wake = r)), sleep(1000)]);
        wake = null;
        continue;
      }
      const digit = queue.shift();
      await audio.play(prompts.get(`digit-${digit}`).packets);
      if (digit === '#') {
        hangUp();
        return;
      }
    }
    if (!record.ended) hangUp();
  },
});
