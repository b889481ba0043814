// The call classes of the public interface: AculabCloudCall and its outgoing and incoming kinds.
// State lives in the engine; a call object is the page's handle on it plus its media.
import * as Input from './boundary/input.js';

const CALLBACKS = ['onDisconnect', 'onRinging', 'onMedia', 'onMediaRemove', 'onLocalMedia', 'onConnecting',
  'onConnected', 'onError', 'onLocalMediaRemove', 'onLocalVideoMute', 'onLocalVideoUnmute', 'onRemoteVideoMute', 'onRemoteVideoUnmute',
  'onReconnecting', 'onReconnected', 'onQualityWarning', 'onQualityWarningCleared', 'onHold', 'onRemoteHold'];

function uuidV4(random) {
  const b = random(16);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export class AculabCloudCall {
  constructor(client, handle, options) {
    this.client = client;
    this._handle = handle;
    this._options = options || {};
    this._peer = null;
    this._done = false;
    this._muted = null;
    this._remoteStreams = new Set(); // given to onMedia and not yet to onMediaRemove
    this._uuid = uuidV4(client._random);
    for (const cb of CALLBACKS) this[cb] = null;
  }

  // The SIP Call-ID (undefined when the engine has none); kept once known, so that it still
  // answers after the client has closed.
  callId() {
    return (this._callId ||= this.client._callId(this._handle)) || undefined;
  }

  get theCallId() {
    return this.callId();
  }

  get callUuid() {
    return this._uuid;
  }

  // interface.md: camera/outputVideo default to mic/outputAudio.
  mute(mic, outputAudio, camera, outputVideo) {
    if (camera === undefined) camera = mic;
    if (outputVideo === undefined) outputVideo = outputAudio;
    this._muted = [!!mic, !!outputAudio, !!camera, !!outputVideo];
    this.client._mute(this);
  }

  // interface.md: the stream onLocalMedia gave (or the page's it was cloned from); camera defaults to mic.
  muteLocalStream(stream, mic, camera) {
    const peer = this._peer;
    if (peer && stream && peer.has(stream)) this.client._videoMuted(this, peer.muteLocal(!!mic, camera === undefined ? !!mic : !!camera, stream));
  }

  // README.multistream (4.0.8): a client call's streams changed by re-INVITE, the checks in 4.0.8's
  // order and words. `unavailable`: what a service call throws (4.0.8 has none of it there).
  _reinviteCheck(unavailable) {
    if (this._service) throw unavailable;
    // Made before the core loaded: its INVITE is still to come.
    if (this._handle < 0) return 'Re-invite in progress';
    return this.client._input(Input.reinvite, this._handle) || (this._peer ? '' : 'Not connected error');
  }

  addStream(stream) {
    const error = this._reinviteCheck('addStream not available');
    if (error) throw error;
    if (!stream || typeof stream.clone !== 'function' || this._peer.has(stream)) throw 'Add stream error';
    this.client._reinvite(this, (m, peer) => m.addStream(peer, stream));
  }

  removeStream(stream) {
    const error = this._reinviteCheck('removeStream not available');
    if (error) throw error;
    if (!this._peer.has(stream) || this._peer.streams.size < 2) throw 'Remove stream error';
    this.client._reinvite(this, (m, peer) => m.removeStream(peer, stream));
  }

  reinvite(options) {
    const error = this._reinviteCheck('Reinvite not available');
    if (error === 'Re-invite in progress') throw error;
    const streams = options && options.localStreams;
    if (!Array.isArray(streams) || !streams.length) throw 'At least one MediaStream needed in options.localStreams';
    if (error || streams.some((s) => !s || typeof s.clone !== 'function')) throw 'Reinvite error';
    this.client._reinvite(this, (m, peer) => m.setStreams(peer, streams));
  }

  // interface.md: a stream onMedia gave; outputVideo defaults to outputAudio.
  muteRemoteStream(stream, outputAudio, outputVideo) {
    if (!this._remoteStreams.has(stream)) return;
    for (const t of stream.getTracks()) t.enabled = !(t.kind === 'audio' || outputVideo === undefined ? outputAudio : outputVideo);
  }

  // Hold (RFC 3264 §8.4) in a re-INVITE: neither side hears the other until unhold(); onHold
  // says when the far side has answered (or refused). Throws 'Not connected error' before the
  // call is connected.
  hold() {
    this.client._command(Input.hold, this._handle, '', '', 1);
  }

  unhold() {
    this.client._command(Input.hold, this._handle, '', '', 0);
  }

  sendDtmf(digits) {
    if (typeof digits !== 'string') throw 'Invalid DTMF string';
    this.client._command(Input.sendDtmf, this._handle, digits);
  }

  // "This can be called at any time": never throws.
  disconnect() {
    if (!this._done) this.client._disconnect(this._handle);
  }

  // The values of a SIP header of the INVITE (incoming) or of the answer (outgoing).
  getSipHeaders(name) {
    return this.client._sipHeaders(this._handle, String(name));
  }

  // Another microphone, and the remote audio in a page's element on an output device:
  // ./devices.js, imported on first use.
  setMicrophone(device) {
    return import('./devices.js').then((m) => m.setMicrophone(this, device));
  }

  playRemoteStream(element, options) {
    return import('./devices.js').then((m) => m.playRemoteStream(this, element, options));
  }

  // Statistics of the peer connection (RTCStatsReport); without one, 4.0.8's rejection.
  getStats() {
    return this._peer ? this._peer.getStats() : Promise.reject('No Session Description Handler or Peer Connection');
  }

  // The latest quality sample and the call's summary (docs/QUALITY.md), null before the first:
  // asking starts the sampling, as onQualityWarning(Cleared) set by the time the call connects does.
  getQuality() {
    this.client._watch(this);
    return this._quality || null;
  }
}

export class AculabCloudOutgoingCall extends AculabCloudCall {}

export class AculabCloudIncomingCall extends AculabCloudCall {
  answer(options) {
    this.client._sound(this);
    this._options = options || {};
    this.client._command(Input.answer, this._handle, '', '', 0, this.client._optionsJson(this._options));
  }

  ringing() {
    this.client._command(Input.ringing, this._handle);
  }

  // A SIP status 400-699 (number or numeric string); anything else, or nothing, gives 486.
  reject(cause) {
    this.client._sound(this);
    const code = typeof cause === 'number' ? cause : Number.parseInt(cause, 10);
    this.client._command(Input.reject, this._handle, '', '', Number.isInteger(code) ? code : 0);
  }
}
