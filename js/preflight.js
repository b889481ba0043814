// Preflight (docs/QUALITY.md "Preflight"): a short call to an echo service that measures what this
// browser and network would give a real call, and says in a word how good that is. Its own entry
// point (aculab-webrtc-wasm/preflight): a page that does not import it does not load it.
import { AculabCloudClient } from './index.js';
import { openToneMix } from './tone-round-trip.js';

const g = globalThis;
const now = () => (g.performance ? g.performance.now() : Date.now());
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The verdict from the call's mean MOS: ITU-T G.109's R bands 90, 80 and 70 (its categories best,
// high and medium; G.107 Table B.1's "very satisfied", "satisfied", "some users dissatisfied") as
// MOS through G.107 Annex B.
const BANDS = [[4.34, 'excellent'], [4.03, 'good'], [3.6, 'fair']];
const VERDICTS = ['excellent', 'good', 'fair', 'poor'];
// How long the call may take to connect before the test gives up.
const CONNECT_LIMIT_MS = 20000;
// Call set-up slower than this is worth a reason (and at best "good").
const SLOW_SETUP_MS = 3000;
// How long the echo's audio may take to arrive once the call connected, before no bursts are sent.
const MEDIA_WAIT_MS = 5000;

/**
 * Calls `options.service` (default 'echo'), times `options.bursts` tone bursts (default 6, 0..20)
 * through it, measures the call for `options.seconds` (default 10, 3..60) and resolves with the
 * report; onProgress({ phase, elapsed, quality, burst }) is called as it goes ('connecting',
 * 'round-trip' before and after each burst, 'measuring' once a second, 'done'). Throws what the
 * client's constructor throws for bad arguments; a call that fails resolves with verdict 'poor'
 * and the reason.
 */
export async function preflight(cloudId, webRtcAccessKey, clientId, options = {}) {
  const o = options && typeof options === 'object' ? options : {};
  const service = typeof o.service === 'string' && o.service ? o.service : 'echo';
  const seconds = Math.max(3, Math.min(60, Math.round(Number(o.seconds)) || 10));
  const bursts = o.bursts === undefined ? 6 : Math.max(0, Math.min(20, Math.round(Number(o.bursts)) || 0));
  const onProgress = typeof o.onProgress === 'function' ? o.onProgress : null;
  await AculabCloudClient.ready;
  const start = now();
  const progress = (phase, quality = null, burst = null) => {
    try {
      if (onProgress) onProgress({ phase, elapsed: Math.round(now() - start), quality, ...(burst ? { burst } : {}) });
    } catch {
      // the page's callback cannot break the test
    }
  };

  // The socket's opening, seen through the environment the client is given.
  const env = o.environment || {
    WebSocket: g.WebSocket,
    RTCPeerConnection: g.RTCPeerConnection,
    MediaStream: g.MediaStream,
    RTCRtpSender: g.RTCRtpSender,
    getUserMedia: g.navigator && g.navigator.mediaDevices ? (c) => g.navigator.mediaDevices.getUserMedia(c) : null,
  };
  let opened = null;
  const Socket = env.WebSocket;
  const timed = {
    ...env,
    WebSocket: Socket && class extends Socket {
      constructor(...args) {
        super(...args);
        this.addEventListener('open', () => {
          opened ??= now();
        });
      }
    },
  };
  const client = new AculabCloudClient(cloudId, webRtcAccessKey, clientId, o.logLevel ?? 0,
    { url: o.url, environment: timed, logger: o.logger });
  const report = {
    verdict: 'poor',
    reasons: [],
    failed: false,
    service,
    signallingMs: null,
    setupMs: null,
    candidates: { gathered: [], local: null, remote: null },
    rtt: null,
    jitter: null,
    loss: null,
    mos: null,
    mosMin: null,
    samples: 0,
    warnings: [],
    quality: [],
    audioRoundTripMs: null,
    audioRoundTrip: { sent: 0, heard: 0, burstsMs: [], reason: bursts ? null : 'not asked for (bursts: 0)' },
  };
  let player = null;
  let remote = null;
  let mix = null;
  let ownMic = null;
  try {
    // What the call sends: with bursts to time, a Web Audio mix of the tone and the microphone
    // (tone-round-trip.js); without Web Audio, the microphone as any call sends it.
    let callOptions = o.callOptions;
    if (bursts) ({ mix, ownMic, callOptions } = await toneCall(env, callOptions, report.audioRoundTrip));
    progress('connecting');
    const dialled = now();
    const call = client.callService(service, callOptions);
    // The echo is played, so the person hears the test as an echo test sounds: browsers measure the
    // inbound audio level only where they play it out (Chromium: not muted, not at volume 0), and
    // silence would be no-inbound-audio. (Chromium also feeds Web Audio a remote stream only while
    // a media element plays it.)
    call.onMedia = ({ stream }) => {
      remote = stream;
      if (!g.Audio) return;
      player = new g.Audio();
      player.srcObject = stream;
      player.play().catch(() => {});
    };
    const connected = await new Promise((resolve) => {
      const timer = setTimeout(() => resolve(`not connected within ${CONNECT_LIMIT_MS / 1000} s`), CONNECT_LIMIT_MS);
      call.onConnected = () => {
        clearTimeout(timer);
        resolve('');
      };
      call.onDisconnect = ({ cause }) => {
        clearTimeout(timer);
        resolve(`the call to ${service} ended: ${cause}`);
      };
    });
    if (opened !== null) report.signallingMs = Math.round(opened - start);
    if (connected) {
      report.failed = true;
      report.reasons.push(connected);
      if (mix) report.audioRoundTrip.reason = 'the call did not connect';
      call.disconnect();
      return finish(report, progress);
    }
    report.setupMs = Math.round(now() - dialled);
    let ended = '';
    call.onDisconnect = ({ cause }) => {
      ended = `the call to ${service} ended during the test: ${cause}`;
    };
    // The round trip first, with the microphone out of the mix; the call's quality after, with
    // it in (so that the bursts' silences and the tone are no part of the figures below).
    if (mix) {
      progress('round-trip');
      const stop = () => !!ended;
      const rt = await audioComesBack(call, () => remote, stop)
        ? await mix.measure(remote, { bursts, stop, onBurst: (burst) => progress('round-trip', null, burst) })
        : { ms: null, sent: 0, heard: 0, burstsMs: [], reason: ended ? 'the call ended before a tone burst was sent' : `no audio came back from ${service} within ${MEDIA_WAIT_MS / 1000} s` };
      mix.micOn(true);
      if (ended && rt.ms === null && rt.sent) rt.reason = 'the call ended during the tone bursts';
      report.audioRoundTripMs = rt.ms;
      report.audioRoundTrip = { sent: rt.sent, heard: rt.heard, burstsMs: rt.burstsMs, reason: rt.reason };
    }
    const raised = new Map();
    call.onQualityWarning = ({ name, value, threshold }) => raised.set(name, { name, value, threshold });
    call.getQuality(); // starts the sampling
    let q = null;
    for (let s = 0; s < seconds && !ended; s++) {
      await sleep(1000);
      q = call.getQuality();
      if (q) report.quality.push({ at: Math.round(now() - start), mos: q.figures.mos, rtt: q.figures.rtt, loss: q.figures.loss, jitter: q.figures.jitter });
      progress('measuring', q);
    }
    if (ended) {
      report.failed = true;
      report.reasons.push(ended);
    }
    if (q) {
      report.rtt = q.figures.rtt;
      report.jitter = q.figures.jitter;
      report.loss = q.summary.loss;
      report.mos = q.summary.mosMean;
      report.mosMin = q.summary.mosMin;
      report.samples = q.summary.samples;
      report.candidates.local = q.sample.localCandidateType;
      report.candidates.remote = q.sample.remoteCandidateType;
    }
    const stats = await call.getStats().catch(() => null);
    if (stats) {
      const types = new Set();
      stats.forEach((s) => s.type === 'local-candidate' && s.candidateType && types.add(s.candidateType));
      report.candidates.gathered = [...types].sort();
    }
    report.warnings = [...raised.values()];
    call.disconnect();
    return finish(report, progress);
  } finally {
    if (player) player.srcObject = null;
    client.close();
    mix?.close();
    if (ownMic) for (const t of ownMic.getTracks()) t.stop();
  }
}

// The test call's options with the tone mix as its local stream, the microphone opened here (or the
// page's callOptions.localStream) mixed in. Where that cannot be, `why` gets the reason and the call
// sends the microphone as any call does (and fails as any call would without one).
async function toneCall(env, callOptions, why) {
  const mix = await openToneMix();
  if (mix.reason) {
    why.reason = mix.reason;
    return { mix: null, ownMic: null, callOptions };
  }
  const given = callOptions && callOptions.localStream;
  let ownMic = null;
  if (!given) {
    try {
      if (!env.getUserMedia) throw new Error('no getUserMedia');
      ownMic = await env.getUserMedia((callOptions && callOptions.constraints) || { audio: true, video: false });
    } catch (e) {
      mix.close();
      why.reason = `the microphone could not be opened: ${e && (e.name || e.message || e)}`;
      return { mix: null, ownMic: null, callOptions };
    }
  }
  return { mix, ownMic, callOptions: { ...callOptions, localStream: mix.send(given || ownMic, env.MediaStream) } };
}

// Resolves true once the call has its remote stream (remote()) and its statistics show audio packets
// received; false after MEDIA_WAIT_MS or once `stop()` says the call has ended.
async function audioComesBack(call, remote, stop) {
  const end = now() + MEDIA_WAIT_MS;
  while (now() < end && !stop()) {
    const stats = remote() && remote().getAudioTracks().length ? await call.getStats().catch(() => null) : null;
    let received = 0;
    stats?.forEach((s) => {
      if (s.type === 'inbound-rtp' && (s.kind || s.mediaType) === 'audio') received += s.packetsReceived || 0;
    });
    if (received > 0) return true;
    await sleep(100);
  }
  return false;
}

// The verdict: the MOS band, lowered to "fair" at best by any warning raised during the test and
// to "good" at best by a slow set-up; a call that failed, or no MOS at all, is "poor". The reasons
// say what decided it.
function finish(report, progress) {
  const r = report;
  let rank = 3;
  if (r.mos === null) {
    if (!r.reasons.length) r.reasons.push('no call quality was measured');
  } else {
    rank = BANDS.findIndex(([floor]) => r.mos >= floor);
    if (rank < 0) rank = 3;
    r.reasons.unshift(`MOS ${r.mos.toFixed(2)} (${VERDICTS[rank]})`);
    for (const w of r.warnings) {
      rank = Math.max(rank, 2);
      r.reasons.push(`${w.name} (${w.value} against ${w.threshold})`);
    }
    if (r.setupMs > SLOW_SETUP_MS) {
      rank = Math.max(rank, 1);
      r.reasons.push(`call set-up took ${(r.setupMs / 1000).toFixed(1)} s`);
    }
    if (r.candidates.local === 'relay') r.reasons.push('media went through a TURN relay');
  }
  r.verdict = VERDICTS[r.failed ? 3 : rank];
  progress('done');
  return r;
}
