// The prompts services play: NAME.ogg (Ogg Opus) or NAME.wav from the prompts folder, else tones made at start.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// Generated with the media module's tone generator, so a test can recognise them: the DTMF
// pairs decode back to their digits, ringback is the UK 400+450 Hz cadence.
export const GENERATED = {
  playback: { plan: { tone: 'dtmf', digits: '123A456B', onMs: 300, offMs: 75, levelDbfs: -10 }, ms: 3000 },
  ivr: { plan: { tone: 'dtmf', digits: '*#', onMs: 250, offMs: 100, levelDbfs: -10 }, ms: 700 },
  'early-media': { plan: { tone: 'ringback', country: 'uk', levelDbfs: -10 }, ms: 2000 },
  beep: { plan: { tone: 'dtmf', digits: 'D', onMs: 300, offMs: 0, levelDbfs: -10 }, ms: 300 },
};
export const DIGITS = '0123456789*#ABCD';

const cache = new Map();

/** Map name -> {packets: [Opus 20 ms], source}; digit tones are 'digit-X'. Made once per folder and module. */
export function buildPrompts(audio, folder, log) {
  const key = `${audio.dir}\0${folder}`;
  if (!cache.has(key)) cache.set(key, makePrompts(audio, folder, log));
  return cache.get(key);
}

function makePrompts(audio, folder, log) {
  const prompts = new Map();
  for (const [name, { plan, ms }] of Object.entries(GENERATED)) {
    const ogg = join(folder, `${name}.ogg`);
    const wav = join(folder, `${name}.wav`);
    try {
      if (existsSync(ogg)) {
        const file = audio.readOgg(readFileSync(ogg));
        prompts.set(name, { packets: file.packets, source: ogg });
        continue;
      }
      if (existsSync(wav)) {
        const file = audio.readWav(readFileSync(wav));
        prompts.set(name, { packets: audio.encodePcm(audio.resample(file.samples, file.sampleRate, file.channels)), source: wav });
        continue;
      }
    } catch (e) {
      log.warn('prompts', `${name}: ${e.message}; using the generated tone`);
    }
    prompts.set(name, { packets: audio.encodePcm(audio.tone(plan, ms), 'lowdelay'), source: 'generated' });
  }
  // The ivr plays each key back as its DTMF pair.
  for (const d of DIGITS) {
    const pcm = audio.tone({ tone: 'dtmf', digits: d, onMs: 200, offMs: 0, levelDbfs: -10 }, 200);
    prompts.set(`digit-${d}`, { packets: audio.encodePcm(pcm, 'lowdelay'), source: 'generated' });
  }
  return prompts;
}
