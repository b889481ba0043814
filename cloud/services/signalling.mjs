// Services that only signal (no media): busy, fail-NNN and noanswer, for exercising every disconnect cause.
const BRIEF_RING_MS = 500;

/** busy: 486 Busy Here straight away (cause BUSY). */
export const busy = {
  run({ leg, record }) {
    record.end({ status: 486, reason: 'busy service' });
    leg.reject(486);
  },
};

/** fail-NNN: rings briefly, then final status NNN (300-699) so that a client sees each cause. */
export function failWith(status) {
  return {
    run({ leg, record }) {
      leg.ringing();
      record.ringing();
      const timer = setTimeout(() => {
        // 3xx should name where to go (§21.3): a Contact that leads nowhere real.
        const headers = status < 400 ? [['Contact', '<sip:moved@invalid.invalid>']] : [];
        record.end({ status, reason: `fail-${status} service` });
        leg.reject(status, '', headers);
      }, BRIEF_RING_MS);
      leg.on('end', () => {
        clearTimeout(timer);
        record.end({ status: 487, by: 'caller', reason: 'cancelled' });
      });
    },
  };
}

/** noanswer: rings until the caller gives up (487), or 480 after the ring timeout. */
export const noanswer = {
  run({ cloud, leg, record }) {
    leg.ringing();
    record.ringing();
    const timer = setTimeout(() => {
      record.end({ status: 480, reason: 'no answer' });
      leg.reject(480);
    }, cloud.config.ringTimeout * 1000);
    leg.on('end', () => {
      clearTimeout(timer);
      record.end({ status: 487, by: 'caller', reason: 'cancelled' });
    });
  },
};
