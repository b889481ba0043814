// Ringback and ringtone made with WebAudio oscillators (no sound files), imported by the client
// only when it was given options.sounds, so that pages without them never load it.

// National ringing tones: the frequencies (Hz, summed) and the cadence (s: on, off, on, off ...).
// ITU-T E.180 Supplement 2 ("Various tones used in national networks") lists each country's
// ringing tone; the national specifications agree:
// - uk: BT SIN 350 (UK ringing tone): 400+450 Hz, 0.4 on, 0.2 off, 0.4 on, 2.0 off.
// - us: ANSI T1.401 and Telcordia GR-506-CORE (audible ringing): 440+480 Hz, 2 on, 4 off.
// - eu: ETSI ES 201 970 (the CEPT ringing tone; Germany's 1 TR 110, Italy, Spain ...): 425 Hz,
//   1 on, 4 off.
// - fr: France (E.180 Suppl. 2): 440 Hz, 1.5 on, 3.5 off.
// The ringtone of an incoming call uses the same country's ringing cadence and tone.
export const TONES = {
  uk: [[400, 450], [0.4, 0.2, 0.4, 2]],
  us: [[440, 480], [2, 4]],
  eu: [[425], [1, 4]],
  fr: [[440], [1.5, 3.5]],
};

// Each tone's peak level (of full scale), below the level of a call's speech.
const LEVEL = 0.1;
// Edges ramp with this time constant (s): a sharp step would click.
const EDGE = 0.005;

/** Every sound goes through this gain node of one shared AudioContext (made on first use). */
export let output = null;
/** How many tones are playing. */
export let playing = 0;

/**
 * Starts the named country's tone and returns the function that stops it; an unknown name, or a
 * host without WebAudio (Node), plays nothing.
 */
export function play(name) {
  const tone = Object.hasOwn(TONES, name) ? TONES[name] : null;
  const AudioContext = globalThis.AudioContext || globalThis.webkitAudioContext;
  if (!tone || !AudioContext) return () => {};
  if (!output) {
    const context = new AudioContext();
    output = context.createGain();
    output.connect(context.destination);
  }
  const context = output.context;
  // Suspended until a user gesture where the autoplay policy says so: ask anyway.
  context.resume().catch(() => {});
  const [frequencies, cadence] = tone;
  const gain = context.createGain();
  gain.gain.value = 0;
  gain.connect(output);
  const oscillators = frequencies.map((frequency) => {
    const o = context.createOscillator();
    o.frequency.value = frequency;
    o.connect(gain);
    o.start();
    return o;
  });
  // The cadence is scheduled on the audio clock two cycles ahead, topped up once a cycle.
  const cycle = cadence.reduce((a, b) => a + b, 0);
  let at = context.currentTime;
  const schedule = () => {
    at = Math.max(at, context.currentTime); // behind after a suspension
    while (at < context.currentTime + 2 * cycle) {
      cadence.forEach((seconds, i) => {
        gain.gain.setTargetAtTime(i % 2 ? 0 : LEVEL, at, EDGE);
        at += seconds;
      });
    }
  };
  schedule();
  const timer = setInterval(schedule, cycle * 1000);
  playing++;
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    playing--;
    clearInterval(timer);
    for (const o of oscillators) o.stop();
    gain.disconnect();
  };
}
