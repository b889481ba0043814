// The call classes of the public interface: AculabCloudCall and its outgoing and incoming kinds.
// State lives in the engine; a call object is the page's handle on it plus its media.

const CALLBACKS = ['onDisconnect', 'onRinging', 'onMedia', 'onMediaRemove', 'onLocalMedia',
  'onConnecting', 'onConnected', 'onError'];

function uuidV4(random) {
  const b = random(16);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export class AculabCloudCall {
  constructor(client, handle, options) {
    this._client = client;
    this._handle = handle;
    this._options = options || {};
    this._peer = null;
    this._done = false;
    this._uuid = uuidV4(client._random);
    for (const cb of CALLBACKS) this[cb] = null;
  }

  // The SIP Call-ID (undefined until the INVITE has been written, for outgoing calls).
  callId() {
    const id = this._client._engineCall('callId', this._handle);
    return id || undefined;
  }
  get theCallId() { return this.callId(); }
  get callUuid() { return this._uuid; }

  mute(mic, outputAudio, camera, outputVideo) {
    this._muted = [!!mic, !!outputAudio, camera, outputVideo];
    if (this._peer) this._peer.mute(!!mic, !!outputAudio, camera, outputVideo);
  }

  sendDtmf(digits) {
    if (typeof digits !== 'string') throw 'Invalid DTMF string';
    this._client._command('sendDtmf', this._handle, digits);
  }

  disconnect() {
    if (this._done) return;
    this._client._command('disconnect', this._handle);
  }

  // The values of a SIP header of the INVITE (incoming) or of the answer (outgoing).
  getSipHeaders(name) {
    return this._client._engineCall('sipHeaders', this._handle, String(name));
  }

  // Statistics from the peer connection (RTCStatsReport), or an empty Map before media.
  getStats() { return this._peer ? this._peer.getStats() : Promise.resolve(new Map()); }
}

export class AculabCloudOutgoingCall extends AculabCloudCall {}

export class AculabCloudIncomingCall extends AculabCloudCall {
  answer(options) {
    this._options = options || {};
    this._client._command('answer', this._handle, this._client._coreOptions(this._options));
  }
  ringing() { this._client._command('ringing', this._handle); }
  reject(cause) {
    const code = typeof cause === 'number' ? cause : Number.parseInt(cause, 10);
    this._client._command('reject', this._handle, Number.isInteger(code) ? code : 0);
  }
}
