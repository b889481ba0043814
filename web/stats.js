// Call statistics for the live call panel: one RTCStatsReport (from call.getStats()) reduced to the figures a person reads.

const isAudio = (s) => (s.kind ?? s.mediaType) === 'audio';
const finite = (x) => (Number.isFinite(x) ? x : NaN);

/**
 * The figures of one report: codec, round-trip time, jitter, packet loss and audio levels (0..1)
 * in and out. `previous` is what the last call returned for the same call (for the energy-based
 * level when the browser gives no audioLevel). Figures the report lacks are NaN (codec: null).
 */
export function summariseStats(report, previous = null) {
  const all = new Map();
  report.forEach((s) => all.set(s.id, s));
  let inbound, outbound, source, remoteIn, pair, transport;
  for (const s of all.values()) {
    if (s.type === 'inbound-rtp' && isAudio(s)) inbound = s;
    else if (s.type === 'outbound-rtp' && isAudio(s)) outbound = s;
    else if (s.type === 'media-source' && isAudio(s)) source = s;
    else if (s.type === 'remote-inbound-rtp' && isAudio(s)) remoteIn = s;
    else if (s.type === 'transport') transport = s;
    else if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded') pair = s;
  }
  if (transport && transport.selectedCandidatePairId) pair = all.get(transport.selectedCandidatePairId) || pair;

  const out = { codec: null, rttMs: NaN, jitterMs: NaN, lossPct: NaN, packetsIn: NaN, levelIn: NaN, levelOut: NaN, energy: null };
  const codec = all.get((inbound && inbound.codecId) || (outbound && outbound.codecId));
  if (codec && codec.mimeType) {
    const name = String(codec.mimeType).split('/')[1] || String(codec.mimeType);
    out.codec = {
      text: codec.clockRate ? `${name}/${codec.clockRate / 1000}k` : name,
      detail: [codec.mimeType, codec.clockRate, codec.channels, codec.sdpFmtpLine].filter(Boolean).join(' '),
    };
  }
  // RTCP's view (remote-inbound-rtp) first; before the first receiver report, STUN's.
  const rtt = remoteIn ? finite(remoteIn.roundTripTime) : NaN;
  out.rttMs = 1000 * (Number.isFinite(rtt) ? rtt : pair ? finite(pair.currentRoundTripTime) : NaN);
  if (inbound) {
    out.jitterMs = 1000 * finite(inbound.jitter);
    const lost = Math.max(0, inbound.packetsLost || 0);
    const got = inbound.packetsReceived || 0;
    out.packetsIn = got;
    if (lost + got > 0) out.lossPct = (100 * lost) / (lost + got);
    out.levelIn = finite(inbound.audioLevel);
    if (Number.isFinite(inbound.totalAudioEnergy) && Number.isFinite(inbound.totalSamplesDuration)) {
      out.energy = [inbound.totalAudioEnergy, inbound.totalSamplesDuration];
      const prev = previous && previous.energy;
      if (!Number.isFinite(out.levelIn) && prev && inbound.totalSamplesDuration > prev[1]) {
        // webrtc-stats: totalAudioEnergy sums audioLevel² × duration, so this is the RMS level since last time.
        out.levelIn = Math.sqrt((inbound.totalAudioEnergy - prev[0]) / (inbound.totalSamplesDuration - prev[1]));
      }
    }
  }
  if (source) out.levelOut = finite(source.audioLevel);
  return out;
}
