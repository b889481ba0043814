// One call's media: getUserMedia, an RTCPeerConnection, ICE gathering, DTMF and mute.
// No SDP text is read or written here: descriptions pass between the browser and the engine.

const ICE_GATHER_CAP_MS = 5000;
// Once every transport has the candidates it needs, how long the wait still listens for more
// (see setLocal): a step's candidates, one per network interface, come within a millisecond.
const ICE_SETTLE_MS = 10;
// How often the page asks whether the far side is still heard (#listen): the core restarts ICE
// after a silent sample and iceRestart.wait more.
const HEARD_SAMPLE_MS = 1000;

export class PeerSession {
  // (# members are this file's own; pc, localStream, streams, held, events, closed, gathered and env
  // are read from outside: ./renegotiation.js changes what the call sends; pendingDtmf and
  // dtmfTimer are ./dtmf.js's)
  #config;
  #options;
  #remoteStream = null;
  #audioSender = null;
  #gatherTimer = null;
  #receive;
  #listener;

  /**
   * @param {object} env  { RTCPeerConnection, getUserMedia, MediaStream } (the page's, or @roamhq/wrtc's)
   * @param {object} config  RTCConfiguration (iceServers, iceTransportPolicy)
   * @param {object} options  the page's AculabCloudCallOptions (receiveAudio/receiveVideo as the engine decided)
   * @param {object} events  { track(stream, track), localStream(stream), localStreamRemoved(stream),
   *   iceState(state), heard(1 or 0), log(level, text) }
   */
  constructor(env, config, options, events) {
    this.env = env;
    this.streams = new Map(); // what the call sends: the page's stream -> the call's own clone of it
    this.held = null; // on hold: each transceiver's direction and track before it (./renegotiation.js)
    this.heldBefore = false; // held before the offer in the browser
    this.#config = config;
    this.#options = options || {};
    this.events = events;
    this.pc = null;
    this.localStream = null;
    this.closed = false;
  }

  // Gets local media and makes the peer connection. Rejects with 'DEVICE_ERROR' when the
  // microphone or camera cannot be had.
  async open() {
    const o = this.#options;
    const given = o.localStreams && o.localStreams.length ? o.localStreams : o.localStream && [o.localStream];
    if (given) {
      // interface.md: cloned, so that muting or ending the call never touches the page's tracks
      // (README.multistream: each of localStreams likewise).
      for (const s of given) this.streams.set(s, s.clone());
    } else {
      const constraints = o.constraints || { audio: true, video: false };
      try {
        const s = await this.env.getUserMedia(constraints);
        this.streams.set(s, s);
      } catch (e) {
        this.events.log(1, `getUserMedia failed: ${e && (e.name || e.message || e)}`);
        throw 'DEVICE_ERROR';
      }
    }
    // The first stream is the one DTMF, setMicrophone and the mute callbacks go by.
    this.localStream = this.streams.values().next().value;
    if (this.closed) {
      this.#stopOwnTracks();
      return;
    }
    const pc = new this.env.RTCPeerConnection({ bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require', ...this.#config });
    this.pc = pc;
    pc.ontrack = (ev) => {
      const stream = (ev.streams && ev.streams[0]) || this.#remoteStream || new this.env.MediaStream();
      if (!ev.streams || !ev.streams[0]) stream.addTrack(ev.track);
      this.events.track(stream, ev.track);
      this.#remoteStream = stream;
    };
    pc.oniceconnectionstatechange = () => this.events.iceState(pc.iceConnectionState);
    this.#listen(pc);
    // addTrack, not addTransceiver: only a transceiver made by addTrack takes the m= section of
    // a remote offer (JSEP §5.10), so the same code sends audio whether we offer or answer.
    this.#receive = {};
    const streams = [...this.streams.values()];
    for (const kind of ['audio', 'video']) {
      const tracks = streams.flatMap((s) => s.getTracks().filter((t) => t.kind === kind).map((t) => [t, s]));
      // receiveAudio/receiveVideo: undefined means "receive if we send" (interface.md).
      const want = kind === 'audio' ? o.receiveAudio : o.receiveVideo;
      const receive = want === undefined || want === null ? tracks.length > 0 : !!want;
      this.#receive[kind] = receive;
      for (const [t, s] of tracks) {
        const sender = pc.addTrack(t, s);
        if (kind === 'audio' && !this.#audioSender) this.#audioSender = sender;
        if (!receive) this.#setDirection(t, 'sendonly');
      }
      if (!tracks.length && receive) pc.addTransceiver(kind, { direction: 'recvonly' });
    }
    for (const s of streams) this.events.localStream(s);
  }

  // Whether anything comes from the far side (RTP, RTCP, ICE checks and their answers, on any
  // candidate pair), each HEARD_SAMPLE_MS; the core hears each change and decides
  // (ice_restart.cpp). A silent sample counts only when it cuts off RTP that was coming, as a lost
  // path does: a far side that stops sending (its prompt over) still sends RTCP and ICE checks, but
  // seconds apart.
  #listen(pc) {
    let count = 0;
    let rtp = 0;
    let flowing = false;
    let heard = 1;
    this.#listener = setInterval(() => {
      pc.getStats().then((stats) => {
        let n = 0;
        let r = 0;
        for (const s of stats.values()) {
          if (s.type === 'candidate-pair') n += (s.bytesReceived || 0) + (s.requestsReceived || 0) + (s.responsesReceived || 0);
          if (s.type === 'inbound-rtp') r += s.packetsReceived || 0;
        }
        const got = n > count || (heard && !flowing) ? 1 : 0;
        flowing = r > rtp;
        count = n;
        rtp = r;
        if (got !== heard) this.events.heard((heard = got)); // after close too: the core knows the call is gone
      }, () => {});
    }, HEARD_SAMPLE_MS);
  }

  // README.multistream: the page's stream (or the clone onLocalMedia gave) that the call sends.
  key(stream) {
    for (const [page, own] of this.streams) if (stream === page || stream === own) return page;
    return undefined;
  }

  has(stream) {
    return this.key(stream) !== undefined;
  }

  // option: the RTCOfferOptions member the core names for a re-offer, set to true ('iceRestart':
  // new ICE credentials, so that ICE looks for a path again); '' for a first offer. hold: the
  // offer holds the call (RFC 3264 §8.4), or no longer does.
  async createOffer(option, hold) {
    this.heldBefore = !!this.held;
    if (!!hold !== this.heldBefore) await (await import('./renegotiation.js')).hold(this, hold);
    return (await this.pc.createOffer({ [option]: true })).sdp;
  }

  async createAnswer() {
    return (await this.pc.createAnswer()).sdp;
  }

  // Sets the (engine-edited) local description and waits for ICE gathering (no trickle),
  // capped so that a stuck STUN/TURN server cannot hold a call.
  //
  // The wait ends early, ICE_SETTLE_MS after the last candidate, once every transport (one with
  // max-bundle) has what the configuration lets it get that matters (see #readyNeeds):
  // - no STUN or TURN server: a UDP host candidate. What a browser still gathers after its UDP host
  //   candidates is TCP host candidates: Chromium (and libwebrtc in general) gathers in steps 50 ms
  //   apart (UDP, relay, TCP), so its "complete" comes about 115 ms after the last UDP host
  //   candidate, only for candidates of tcptype active (port 9), which can pair only with a
  //   passive TCP candidate of the far end. The trade-off: those are not offered, so a far end
  //   reachable only over ICE-TCP without TURN is lost.
  // - a TURN server: a relay candidate too (and with iceTransportPolicy 'relay', only that). The
  //   relay candidate is what connects when nothing else does; waiting for complete costs a
  //   round trip to every other server and URL (TURN over TCP or TLS, a second STUN server), and
  //   the 5 s cap when one of them does not answer. The trade-off: the relay of a slower URL
  //   (turn:...?transport=tcp beside a UDP one) is not offered, which matters only where UDP to
  //   the TURN server is blocked, and there the UDP relay never comes, so the wait runs on.
  // - STUN servers only: a server-reflexive candidate too (behind no NAT the browser drops it as a
  //   duplicate of a host candidate, and the wait runs to complete, as before).
  // A candidate of another kind (TCP host, server-reflexive) that comes within the settle time
  // goes too. The call option iceGathering: 'complete' keeps the full wait; so does a browser that
  // does not say which transport a candidate belongs to (no RTCRtpSender.transport, no candidate
  // type or protocol).
  async setLocal(type, sdp) {
    const pc = this.pc;
    // A refused offer: the hold it changed goes back too.
    if (type === 'rollback' && this.heldBefore !== !!this.held) await (await import('./renegotiation.js')).hold(this, this.heldBefore);
    const needs = this.#readyNeeds();
    const early = needs ? this.#candidateWatch(pc, needs) : null;
    try {
      await pc.setLocalDescription({ type, sdp });
      if (pc.iceGatheringState !== 'complete' && !this.closed) {
        await new Promise((resolve) => {
          let settleTimer = null;
          const done = () => {
            clearTimeout(this.#gatherTimer);
            clearTimeout(settleTimer);
            this.#gatherTimer = null;
            pc.removeEventListener('icegatheringstatechange', check);
            pc.removeEventListener('icecandidate', candidate);
            this.gathered = null;
            resolve();
          };
          const check = () => {
            if (pc.iceGatheringState === 'complete') done();
          };
          const settle = () => {
            clearTimeout(settleTimer);
            settleTimer = setTimeout(done, ICE_SETTLE_MS);
          };
          const candidate = (ev) => {
            if (!ev.candidate) done();
            else if (early && early.ready()) settle();
          };
          this.#gatherTimer = setTimeout(done, ICE_GATHER_CAP_MS);
          this.gathered = done;
          pc.addEventListener('icegatheringstatechange', check);
          pc.addEventListener('icecandidate', candidate);
          // Candidates that came while setLocalDescription was resolving count too.
          if (early && early.ready()) settle();
        });
      }
    } finally {
      if (early) early.stop();
    }
    if (this.closed) throw 'ERROR';
    return pc.localDescription.sdp;
  }

  // What every transport needs before the description may go early: a list of [type, protocol]
  // (protocol null: any), or null for the full wait.
  #readyNeeds() {
    if (this.#options.iceGathering === 'complete') return null;
    const urls = [];
    for (const s of Array.isArray(this.#config.iceServers) ? this.#config.iceServers : []) {
      for (const u of [].concat(s && s.urls)) if (typeof u === 'string') urls.push(u.toLowerCase());
    }
    const turn = urls.some((u) => u.startsWith('turn:') || u.startsWith('turns:'));
    const stun = urls.some((u) => u.startsWith('stun:') || u.startsWith('stuns:'));
    const policy = this.#config.iceTransportPolicy || 'all';
    if (policy === 'relay') return turn ? [['relay', null]] : null;
    if (policy !== 'all') return null;
    if (turn) return [['host', 'udp'], ['relay', null]];
    if (stun) return [['host', 'udp'], ['srflx', null]];
    return urls.length ? null : [['host', 'udp']];
  }

  // Watches the candidates from before setLocalDescription: ready() is true once every transport
  // of the transceivers in use has a candidate of each kind in needs; false whenever that cannot
  // be told.
  #candidateWatch(pc, needs) {
    const have = needs.map(() => new Set()); // per need, the mids that have it
    let unknown = false;
    const seen = (ev) => {
      const c = ev.candidate;
      if (!c) return;
      if (c.type === undefined || c.protocol === undefined || c.sdpMid === undefined) unknown = true;
      else if (c.sdpMid !== null) {
        needs.forEach(([type, protocol], i) => {
          if (c.type === type && (protocol === null || c.protocol === protocol)) have[i].add(c.sdpMid);
        });
      }
    };
    pc.addEventListener('icecandidate', seen);
    return {
      stop: () => pc.removeEventListener('icecandidate', seen),
      ready: () => {
        if (unknown || have.some((mids) => !mids.size)) return false;
        // Transports, each with the mids it carries (a bundle's candidates name its first mid).
        const transports = new Map();
        for (const tr of pc.getTransceivers()) {
          if (tr.stopped || tr.mid === null || tr.mid === undefined) continue;
          const t = tr.sender && tr.sender.transport;
          if (t === undefined) return false; // no RTCDtlsTransport in this browser
          if (t === null) continue; // an m-line without a transport (rejected)
          if (!transports.has(t)) transports.set(t, []);
          transports.get(t).push(tr.mid);
        }
        if (!transports.size) return false;
        for (const list of transports.values()) {
          if (!have.every((mids) => list.some((mid) => mids.has(mid)))) return false;
        }
        return true;
      },
    };
  }

  async setRemote(type, sdp) {
    await this.pc.setRemoteDescription({ type, sdp });
    if (type !== 'offer') return;
    // The offer made transceivers for what it sends: refuse to receive what the options refuse.
    for (const tr of this.pc.getTransceivers()) {
      const kind = tr.receiver && tr.receiver.track && tr.receiver.track.kind;
      if (!kind || this.#receive[kind] !== false || tr.stopped) continue;
      tr.direction = tr.sender && tr.sender.track ? 'sendonly' : 'inactive';
    }
  }

  #setDirection(track, direction) {
    for (const tr of this.pc.getTransceivers()) {
      if (tr.sender && tr.sender.track && tr.sender.track.id === track.id) tr.direction = direction;
    }
  }

  // RFC 4733 (./dtmf.js, imported on the call's first digits): resolves false when the call has
  // no audio sender that sends DTMF.
  async sendDtmf(digits) {
    const dtmf = this.#audioSender && this.#audioSender.dtmf;
    if (!dtmf) return false;
    (await import('./dtmf.js')).send(this, dtmf, digits);
    return true;
  }

  // Muting sends silence (track.enabled = false), it does not renegotiate; returns the local
  // video tracks whose state changed.
  mute(mic, outputAudio, camera, outputVideo) {
    if (this.pc) {
      for (const r of this.pc.getReceivers()) {
        if (r.track) r.track.enabled = r.track.kind === 'audio' ? !outputAudio : !outputVideo;
      }
    }
    return this.muteLocal(mic, camera);
  }

  // Every stream the call sends, or only `stream` (the page's or its clone).
  muteLocal(mic, camera, stream) {
    const changed = [];
    const page = stream && this.key(stream);
    for (const [key, own] of this.streams) {
      if (stream && key !== page) continue;
      for (const t of own.getTracks()) {
        const off = t.kind === 'audio' ? mic : camera;
        if (t.kind === 'video' && t.enabled === off) changed.push(t);
        t.enabled = !off;
      }
    }
    return changed;
  }

  getStats() {
    return this.pc ? this.pc.getStats() : Promise.resolve(new Map());
  }

  #stopOwnTracks() {
    for (const s of this.streams.values()) for (const t of s.getTracks()) t.stop();
  }

  close() {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.dtmfTimer);
    clearInterval(this.#listener);
    if (this.gathered) this.gathered();
    if (this.pc) {
      this.pc.ontrack = null;
      this.pc.oniceconnectionstatechange = null;
      try {
        this.pc.close();
      } catch {
        // already closed
      }
    }
    this.#stopOwnTracks();
  }
}
