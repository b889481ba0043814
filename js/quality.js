// Call quality (docs/QUALITY.md), imported by the client only for a call whose page asks for it:
// samples the call's getStats() once a second into the quality module (acw-quality.wasm,
// bindings/quality_tools.cpp), which decides the figures and the warnings; this file only reports.
import { lazyModule, once } from './loader.js';

const SAMPLE_MS = 1000;

export const loadQuality = once(() => lazyModule(import('../dist/acw-quality.mjs'), 'acw-quality.wasm'));

const audio = (s) => (s.kind || s.mediaType) === 'audio';
const ms = (seconds) => (typeof seconds === 'number' ? seconds * 1000 : null);
const known = (v) => (typeof v === 'number' ? v : null);

/**
 * What the monitor is given from one RTCStatsReport, each figure null when the report lacks it:
 * the audio inbound-rtp (packets, loss, jitter, level in, codec), outbound-rtp (packets sent),
 * media-source (level out) and the selected candidate pair (round trip, candidate types).
 */
export function summarise(report) {
  let inbound = {};
  let outbound = {};
  let source = {};
  let remote = {};
  let pair = null;
  let selected = null;
  report.forEach((s) => {
    if (s.type === 'inbound-rtp' && audio(s)) inbound = s;
    else if (s.type === 'outbound-rtp' && audio(s)) outbound = s;
    else if (s.type === 'media-source' && audio(s)) source = s;
    else if (s.type === 'remote-inbound-rtp' && audio(s)) remote = s;
    else if (s.type === 'transport' && s.selectedCandidatePairId) selected = s.selectedCandidatePairId;
    else if (s.type === 'candidate-pair' && (s.selected || (s.nominated && s.state === 'succeeded'))) pair ||= s;
  });
  if (selected) pair = report.get(selected) || pair;
  pair ||= {};
  const codec = inbound.codecId && report.get(inbound.codecId);
  const candidate = (id) => (id && report.get(id) ? report.get(id).candidateType : null);
  return {
    packetsSent: known(outbound.packetsSent),
    packetsReceived: known(inbound.packetsReceived),
    packetsLost: known(inbound.packetsLost),
    jitter: ms(inbound.jitter),
    rtt: ms(pair.currentRoundTripTime) ?? ms(remote.roundTripTime),
    levelIn: known(inbound.audioLevel),
    levelOut: known(source.audioLevel),
    codec: codec && codec.mimeType ? codec.mimeType.replace(/^audio\//i, '') : null,
    localCandidateType: candidate(pair.localCandidateId),
    remoteCandidateType: candidate(pair.remoteCandidateId),
  };
}

/**
 * Samples `call` until it ends: call._quality is the latest { sample, figures, warnings, summary }
 * (call.getQuality()), and each warning raised or cleared goes to fire(callbackName, payload).
 * Nothing is judged before ICE first connects (the call is still being set up). Resolves once the
 * module has loaded; rejects if it cannot be.
 */
export async function watch(call, fire, log) {
  const q = await loadQuality();
  let handle = 0;
  let connectedOnce = false;
  let busy = false;
  const timer = setInterval(async () => {
    if (busy) return;
    const peer = call._peer;
    if (call._done) {
      clearInterval(timer);
      if (handle) q.destroy(handle);
      handle = 0;
      return;
    }
    const state = peer && peer.pc ? peer.pc.iceConnectionState : '';
    const connected = state === 'connected' || state === 'completed';
    if (!(connectedOnce ||= connected)) return;
    busy = true;
    try {
      const s = summarise(await peer.getStats());
      const at = globalThis.performance ? performance.now() : Date.now();
      handle ||= q.create(s.codec || '');
      const n = (v) => (v === null ? -1 : v);
      const changes = JSON.parse(q.add(handle, at, n(s.packetsReceived), n(s.packetsLost), n(s.jitter), n(s.rtt),
        n(s.levelIn), n(s.levelOut), connected ? 1 : 0));
      call._quality = { sample: { at, connected, ...s }, ...JSON.parse(q.state(handle)) };
      for (const { name, raised, value, threshold } of changes) {
        fire(raised ? 'onQualityWarning' : 'onQualityWarningCleared', raised ? { call, name, value, threshold } : { call, name });
      }
    } catch (e) {
      // A peer closing under the sample: the call ends next. Anything else is worth a line.
      if (!call._done && call._peer === peer) log(`AculabCloudClient: quality sample failed: ${(e && e.stack) || e}`);
    } finally {
      busy = false;
    }
  }, SAMPLE_MS);
}
