// Call-progress tones made with Web Audio (nothing shipped): a cadenced sum of sine waves, looped until stopped.

export class Cadence {
  /**
   * freqs: Hz summed; pattern: on, off, on, off... seconds, repeated; level: peak gain (0..1).
   * context(): the page's AudioContext (made on first use), or null without Web Audio.
   */
  constructor({ freqs, pattern, level }, context) {
    this.freqs = freqs;
    this.pattern = pattern;
    this.level = level;
    this.context = context;
    this.nodes = null;
  }

  get playing() {
    return !!this.nodes;
  }

  start() {
    if (this.nodes) return;
    const ctx = this.context();
    if (!ctx) return;
    const gain = ctx.createGain();
    gain.gain.value = 0;
    gain.connect(ctx.destination);
    const oscs = this.freqs.map((f) => {
      const o = ctx.createOscillator();
      o.frequency.value = f;
      o.connect(gain);
      o.start();
      return o;
    });
    const period = this.pattern.reduce((a, b) => a + b, 0);
    let next = ctx.currentTime + 0.05;
    // Two periods are always scheduled ahead, so a late timer never leaves a gap.
    const schedule = () => {
      if (next < ctx.currentTime) next = ctx.currentTime + 0.05;
      let t = next;
      this.pattern.forEach((d, i) => {
        gain.gain.setTargetAtTime(i % 2 === 0 ? this.level / this.freqs.length : 0, t, 0.005);
        t += d;
      });
      next = t;
    };
    schedule();
    schedule();
    const timer = setInterval(schedule, period * 1000);
    this.nodes = { ctx, gain, oscs, timer };
  }

  stop() {
    if (!this.nodes) return;
    const { ctx, gain, oscs, timer } = this.nodes;
    this.nodes = null;
    clearInterval(timer);
    gain.gain.cancelScheduledValues(ctx.currentTime);
    gain.gain.setTargetAtTime(0, ctx.currentTime, 0.01);
    for (const o of oscs) o.stop(ctx.currentTime + 0.1);
    setTimeout(() => gain.disconnect(), 200);
  }
}

// UK ringback (BT SIN 350: 400+450 Hz, 0.4 on 0.2 off 0.4 on 2 off).
export const RINGBACK = { freqs: [400, 450], pattern: [0.4, 0.2, 0.4, 2.0], level: 0.25 };
// The page's own ringtone for an offered call: brighter, so it is not mistaken for ringback.
export const RINGTONE = { freqs: [660, 880], pattern: [0.3, 0.1, 0.3, 1.3], level: 0.3 };
