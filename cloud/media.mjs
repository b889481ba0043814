// The cloud's media endpoint: werift peer connections (ICE/DTLS/SRTP) carrying Opus and RFC 4733, paced at 20 ms.
//
// werift has no codec, no pacing and no jitter buffer (DESIGN.md): it hands us RTP packets and
// sends the ones we give it. Audio coding is the media wasm module's (cloud/audio.mjs).

import { applyWeriftFixes } from './werift-fixes.mjs';

export const FRAME_MS = 20;

/**
 * One timer for every session: each tick runs every subscriber once per 20 ms of wall-clock time
 * elapsed, so that a late tick catches up rather than drifting (packets then leave in a burst,
 * which the far end's jitter buffer absorbs).
 */
export class Pacer {
  constructor(periodMs = FRAME_MS) {
    this.period = periodMs;
    this.subscribers = new Set();
    this.timer = null;
  }

  /** fn(tickIndex) every period until the returned function is called. */
  add(fn) {
    const entry = { fn, next: performance.now() };
    this.subscribers.add(entry);
    if (!this.timer) this.start();
    return () => {
      this.subscribers.delete(entry);
      if (this.subscribers.size === 0) this.stop();
    };
  }

  start() {
    const tick = () => {
      const now = performance.now();
      for (const s of [...this.subscribers]) {
        // At most 5 frames of catch-up: after a long stall, skip rather than flood.
        if (now - s.next > 5 * this.period) s.next = now - this.period;
        while (s.next <= now && this.subscribers.has(s)) {
          s.next += this.period;
          try {
            s.fn();
          } catch {
            this.subscribers.delete(s);
          }
        }
      }
    };
    this.timer = setInterval(tick, this.period / 4);
    this.timer.unref?.();
  }

  stop() {
    clearInterval(this.timer);
    this.timer = null;
  }
}

let werift = null;

async function loadWerift() {
  werift ??= applyWeriftFixes(await import('werift'));
  return werift;
}

export class MediaEngine {
  constructor(cloud) {
    this.cloud = cloud;
    this.log = cloud.log;
    this.sessions = new Set();
    this.pacer = new Pacer();
    this.available = false;
  }

  async load() {
    try {
      await loadWerift();
      this.available = true;
    } catch (e) {
      this.log.error('media', `werift is not available: ${e.message}`);
    }
    return this;
  }

  peerConfig() {
    const { RTCRtpCodecParameters } = werift;
    return {
      // DESIGN.md: no STUN/TURN for the local cloud; loopback is added as a host address.
      iceServers: [],
      iceAdditionalHostAddresses: ['127.0.0.1'],
      codecs: {
        audio: [
          new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48000, channels: 2, payloadType: 111, parameters: 'minptime=10;useinbandfec=1' }),
          new RTCRtpCodecParameters({ mimeType: 'audio/telephone-event', clockRate: 48000, channels: 1, payloadType: 110 }),
          new RTCRtpCodecParameters({ mimeType: 'audio/telephone-event', clockRate: 8000, channels: 1, payloadType: 126 }),
        ],
      },
    };
  }

  /** A session answering `offerSdp`; resolves once the answer (with candidates) is ready. */
  async answer(offerSdp) {
    const session = new MediaSession(this);
    try {
      await session.answer(offerSdp);
    } catch (e) {
      session.close();
      throw e;
    }
    return session;
  }

  /** A session that offers (calls from the cloud); complete it with session.accept(answerSdp). */
  async offer() {
    const session = new MediaSession(this);
    try {
      await session.offer();
    } catch (e) {
      session.close();
      throw e;
    }
    return session;
  }

  async close() {
    await Promise.all([...this.sessions].map((s) => s.close()));
    this.pacer.stop();
  }
}

const GATHER_LIMIT_MS = 3000;

/**
 * werift's ICE agent asks stun.l.google.com for a server-reflexive candidate whenever no STUN
 * server is configured (ice Connection: `stunServer ?? ["stun.l.google.com", 19302]`), and an
 * empty iceServers list cannot say "none". The local cloud has no STUN server by design: that
 * query only costs a DNS lookup and up to 5 s of gathering per call (libuv's four DNS threads
 * queue under load: 100 calls at once took 10 s to answer), and reaches out to Google. This turns
 * it off on each of the connection's ICE agents; call it before gathering starts.
 */
export function withoutDefaultStun(pc, iceServers = []) {
  const hasStun = iceServers.some((s) => [].concat(s.urls).some((u) => /^stuns?:/i.test(String(u))));
  if (hasStun) return pc;
  for (const transceiver of pc.getTransceivers()) {
    const connection = transceiver.dtlsTransport?.iceTransport?.connection;
    if (connection && 'stunServer' in connection) connection.stunServer = undefined;
  }
  return pc;
}

export class MediaSession {
  constructor(engine) {
    this.engine = engine;
    const { RTCPeerConnection, MediaStreamTrack } = werift;
    this.pc = new RTCPeerConnection(engine.peerConfig());
    this.track = new MediaStreamTrack({ kind: 'audio' });
    this.transceiver = this.pc.addTransceiver(this.track, { direction: 'sendrecv' });
    withoutDefaultStun(this.pc);
    // faults.mjs drops or delays this session's RTP/RTCP where werift hands it to ICE.
    this.faults = engine.cloud.faults;
    this.faults?.attachMedia(this, this.transceiver.dtlsTransport?.iceTransport?.connection);
    this.peer = null; // {connection, clientId, callId}: the client whose SDP this session took
    this.state = 'new';
    this.closed = false;
    this.held = false; // the caller holds the call: nothing is sent (services/common.mjs)
    this.rtpHandlers = new Set();
    this.stateHandlers = new Set();
    this.stats = { packetsIn: 0, opusIn: 0, eventsIn: 0, packetsOut: 0, firstInAt: 0, lastInAt: 0 };
    this.payloadTypes = { opus: 111, events: new Set([110, 126]) };
    engine.sessions.add(this);
    this.connected = new Promise((resolvePromise, reject) => {
      this.pc.connectionStateChange.subscribe((state) => {
        this.state = state;
        for (const fn of this.stateHandlers) fn(state);
        if (state === 'connected') {
          // In case werift gave the transceiver another transport while negotiating (BUNDLE).
          this.faults?.attachMedia(this, this.transceiver.dtlsTransport?.iceTransport?.connection);
          // The pair the media goes on (again after an ICE restart: werift-fixes.mjs).
          const pair = this.transceiver.dtlsTransport?.iceTransport?.connection?.nominated;
          if (pair) engine.log.debug('media', `selected pair ${pair.localCandidate.host}:${pair.localCandidate.port} -> ${pair.remoteAddr.join(':')}`);
          resolvePromise();
        }
        if (state === 'failed' || state === 'closed') reject(new Error(`media ${state}`));
      });
    });
    this.connected.catch(() => {});
    this.transceiver.onTrack.subscribe((remote) => {
      remote.onReceiveRtp.subscribe((rtp) => this.receive(rtp));
    });
  }

  receive(rtp) {
    // After an ICE restart werift does not report 'connected' again (its connect() skips a live
    // DTLS transport): audio arriving is the sign that media is back (services/common.mjs).
    if (this.state === 'failed' || this.state === 'disconnected') {
      this.state = 'connected';
      for (const fn of this.stateHandlers) fn('connected');
    }
    const now = Date.now();
    this.stats.packetsIn++;
    this.stats.firstInAt ||= now;
    this.stats.lastInAt = now;
    const pt = rtp.header.payloadType;
    if (pt === this.payloadTypes.opus) this.stats.opusIn++;
    else if (this.payloadTypes.events.has(pt)) this.stats.eventsIn++;
    for (const fn of this.rtpHandlers) fn(rtp);
  }

  /** fn(rtp) for each RTP packet received (werift RtpPacket: header, payload, serialize()). */
  onRtp(fn) {
    this.rtpHandlers.add(fn);
    return () => this.rtpHandlers.delete(fn);
  }

  onState(fn) {
    this.stateHandlers.add(fn);
  }

  isOpus(rtp) {
    return rtp.header.payloadType === this.payloadTypes.opus;
  }

  isEvent(rtp) {
    return this.payloadTypes.events.has(rtp.header.payloadType);
  }

  /** Sends an RTP packet (werift RtpPacket or its bytes); werift sets SSRC and payload type. */
  sendRtp(rtp) {
    if (this.closed || this.state !== 'connected' || this.held) return; // held: RFC 3264 §8.4
    this.stats.packetsOut++;
    this.track.writeRtp(rtp);
  }

  // The payload types the far end chose for Opus and telephone-event (RFC 4733 §7.1.1).
  learnPayloadTypes() {
    const codecs = this.transceiver.codecs ?? [];
    const opus = codecs.find((c) => /opus/i.test(c.mimeType));
    if (opus) this.payloadTypes.opus = opus.payloadType;
    const events = codecs.filter((c) => /telephone-event/i.test(c.mimeType)).map((c) => c.payloadType);
    if (events.length) this.payloadTypes.events = new Set(events);
    this.hasOpus = Boolean(opus);
  }

  async gathered() {
    if (this.pc.iceGatheringState === 'complete') return;
    await new Promise((resolvePromise) => {
      const timer = setTimeout(resolvePromise, GATHER_LIMIT_MS);
      this.pc.iceGatheringStateChange.subscribe((s) => {
        if (s === 'complete') {
          clearTimeout(timer);
          resolvePromise();
        }
      });
    });
  }

  async answer(offerSdp) {
    this.faults?.claimBody(this, offerSdp);
    this.remoteSdp = offerSdp;
    await this.pc.setRemoteDescription({ type: 'offer', sdp: offerSdp });
    this.learnPayloadTypes();
    if (!this.hasOpus) throw Object.assign(new Error('the offer has no Opus'), { status: 488 });
    await this.pc.setLocalDescription(await this.pc.createAnswer());
    await this.gathered();
    this.localSdp = this.pc.localDescription.sdp;
    return this.localSdp;
  }

  async offer() {
    await this.pc.setLocalDescription(await this.pc.createOffer());
    await this.gathered();
    this.localSdp = this.pc.localDescription.sdp;
    return this.localSdp;
  }

  async accept(answerSdp) {
    this.faults?.claimBody(this, answerSdp);
    this.remoteSdp = answerSdp;
    await this.pc.setRemoteDescription({ type: 'answer', sdp: answerSdp });
    this.learnPayloadTypes();
  }

  /** Runs fn every 20 ms (paced) until the session closes or the returned stop() is called. */
  every20ms(fn) {
    const stop = this.engine.pacer.add(fn);
    (this.pacing ??= new Set()).add(stop);
    return stop;
  }

  async close() {
    if (this.closed) return;
    this.closed = true;
    for (const stop of this.pacing ?? []) stop();
    this.rtpHandlers.clear();
    this.engine.sessions.delete(this);
    try {
      await this.pc.close();
    } catch {
      // already closed
    }
  }
}
