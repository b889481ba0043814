// One call's media: getUserMedia, an RTCPeerConnection, ICE gathering, DTMF and mute.
// No SDP text is read or written here: descriptions pass between the browser and the engine.

const ICE_GATHER_CAP_MS = 5000;

export class PeerSession {
  /**
   * @param {object} env  { RTCPeerConnection, getUserMedia, MediaStream } (the page's, or @roamhq/wrtc's)
   * @param {object} config  RTCConfiguration (iceServers, iceTransportPolicy)
   * @param {object} options  the page's AculabCloudCallOptions
   * @param {object} events  { track(stream), localStream(stream), iceState(state), log(level, text) }
   */
  constructor(env, config, options, events) {
    this.env = env;
    this.config = config;
    this.options = options || {};
    this.events = events;
    this.pc = null;
    this.localStream = null;
    this.ownStream = false;
    this.remoteStream = null;
    this.closed = false;
  }

  // Gets local media and makes the peer connection. Rejects with 'DEVICE_ERROR' when the
  // microphone or camera cannot be had.
  async open() {
    const o = this.options;
    if (o.localStream) {
      this.localStream = o.localStream;
    } else {
      const constraints = o.constraints || { audio: true, video: false };
      try {
        this.localStream = await this.env.getUserMedia(constraints);
        this.ownStream = true;
      } catch (e) {
        this.events.log(1, `getUserMedia failed: ${e && (e.name || e.message || e)}`);
        throw 'DEVICE_ERROR';
      }
    }
    if (this.closed) { this.stopOwnTracks(); throw 'ERROR'; }
    const pc = new this.env.RTCPeerConnection({
      bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require', ...this.config });
    this.pc = pc;
    pc.ontrack = (ev) => {
      const stream = (ev.streams && ev.streams[0]) || this.remoteStream || new this.env.MediaStream();
      if (!ev.streams || !ev.streams[0]) stream.addTrack(ev.track);
      if (this.remoteStream !== stream) {
        this.remoteStream = stream;
        this.events.track(stream);
      }
    };
    pc.oniceconnectionstatechange = () => this.events.iceState(pc.iceConnectionState);
    for (const kind of ['audio', 'video']) {
      const tracks = kind === 'audio' ? this.localStream.getAudioTracks() : this.localStream.getVideoTracks();
      // receiveAudio/receiveVideo: undefined means "receive if we send".
      const want = kind === 'audio' ? o.receiveAudio : o.receiveVideo;
      const receive = want === undefined ? tracks.length > 0 : !!want;
      if (tracks.length) {
        for (const t of tracks) {
          const tr = pc.addTransceiver(t, { direction: receive ? 'sendrecv' : 'sendonly', streams: [this.localStream] });
          if (kind === 'audio' && !this.audioSender) this.audioSender = tr.sender;
        }
      } else if (receive) {
        pc.addTransceiver(kind, { direction: 'recvonly' });
      }
    }
    this.events.localStream(this.localStream);
  }

  async createOffer() { return (await this.pc.createOffer()).sdp; }
  async createAnswer() { return (await this.pc.createAnswer()).sdp; }

  // Sets the (engine-edited) local description and waits for ICE gathering (no trickle),
  // capped so that a stuck STUN/TURN server cannot hold a call.
  async setLocal(type, sdp) {
    const pc = this.pc;
    await pc.setLocalDescription({ type, sdp });
    if (pc.iceGatheringState !== 'complete') {
      await new Promise((resolve) => {
        const timer = setTimeout(done, ICE_GATHER_CAP_MS);
        function done() {
          clearTimeout(timer);
          pc.removeEventListener?.('icegatheringstatechange', check);
          pc.onicecandidate = null;
          resolve();
        }
        function check() { if (pc.iceGatheringState === 'complete') done(); }
        pc.addEventListener?.('icegatheringstatechange', check);
        pc.onicecandidate = (ev) => { if (!ev.candidate) done(); };
      });
    }
    return pc.localDescription.sdp;
  }

  async setRemote(type, sdp) { await this.pc.setRemoteDescription({ type, sdp }); }

  // RFC 4733 through the browser's RTCDTMFSender.
  sendDtmf(digits) {
    const dtmf = this.audioSender && this.audioSender.dtmf;
    if (!dtmf) return false;
    dtmf.insertDTMF(digits, 100, 70);
    return true;
  }

  mute(mic, outputAudio, camera, outputVideo) {
    if (camera === undefined) camera = mic;
    if (outputVideo === undefined) outputVideo = outputAudio;
    if (this.localStream) {
      for (const t of this.localStream.getAudioTracks()) t.enabled = !mic;
      for (const t of this.localStream.getVideoTracks()) t.enabled = !camera;
    }
    if (this.pc) {
      for (const r of this.pc.getReceivers()) {
        if (!r.track) continue;
        r.track.enabled = r.track.kind === 'audio' ? !outputAudio : !outputVideo;
      }
    }
  }

  getStats() { return this.pc ? this.pc.getStats() : Promise.resolve(new Map()); }

  stopOwnTracks() {
    if (this.ownStream && this.localStream) for (const t of this.localStream.getTracks()) t.stop();
  }

  close() {
    if (this.closed) return;
    this.closed = true;
    if (this.pc) {
      this.pc.ontrack = null;
      this.pc.oniceconnectionstatechange = null;
      try { this.pc.close(); } catch { /* already closed */ }
    }
    this.stopOwnTracks();
  }
}
