// playback (plays a prompt, then hangs up) and early-media (183 with a prompt, then 200 and echo).
import { mediaService, mediaUp, startEcho } from './common.mjs';

export const playback = mediaService({
  act: async ({ session, audio, prompts, record, hangUp }) => {
    if (!(await mediaUp(session, record))) return;
    const prompt = prompts.get('playback');
    record.event('call.prompt', { prompt: 'playback', source: prompt.source, ms: prompt.packets.length * 20 });
    if (await audio.play(prompt.packets)) hangUp();
  },
});

// RFC 3960 early media: the 183 carries the answer, the prompt plays before the call is answered.
export const earlyMedia = mediaService({
  beforeAnswer: async ({ leg, record, session, audio, prompts }) => {
    leg.progress(session.localSdp);
    record.ringing(183);
    if (!(await mediaUp(session, record))) return;
    const prompt = prompts.get('early-media');
    record.event('call.prompt', { prompt: 'early-media', source: prompt.source, ms: prompt.packets.length * 20, early: true });
    await audio.play(prompt.packets);
  },
  act: ({ session }) => startEcho(session),
});
