// record: a beep, then the caller's audio to an Ogg Opus file in the recordings folder, then played back, then hang up.
import { mediaService, mediaUp, sleep } from './common.mjs';

export const record = mediaService({
  act: async ({ cloud, session, audio, prompts, record: call, hangUp }) => {
    if (!(await mediaUp(session, call))) return;
    await audio.play(prompts.get('beep').packets);
    if (call.ended) return;
    let stopEarly = null;
    audio.onDigit((digit) => {
      call.addDigit(digit);
      if (digit === '#') stopEarly?.();
    });
    audio.startRecording();
    call.event('call.recording', { state: 'started', seconds: cloud.config.recordSeconds });
    await Promise.race([sleep(cloud.config.recordSeconds * 1000), new Promise((r) => (stopEarly = r))]);
    if (call.ended) return;
    const result = audio.stopRecording();
    const file = `${call.id}.ogg`;
    call.media.recordedMs = result.ms;
    try {
      const path = await cloud.recordings.save(file, result.bytes);
      call.media.recording = path;
      call.media.recordingUrl = `/recordings/${file}`;
      call.event('call.recording', { state: 'saved', file: path, url: `/recordings/${file}`, ms: result.ms, bytes: result.bytes.length });
    } catch (e) {
      // The caller still hears it played back; the file is not there, and /events says why.
      cloud.log.error('record', `${file}: ${e.message}`);
      call.media.recordingError = e.message;
      call.event('call.recording', { state: 'failed', file, error: e.message, ms: result.ms, bytes: result.bytes.length });
    }
    if (call.ended) return;
    if (await audio.play(result.packets)) hangUp();
  },
});
