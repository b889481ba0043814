// AculabCloudClient: the page's object. It owns one engine handle in the wasm core and carries out
// the engine's outputs (WebSocket, the one timer, peer connections, callbacks); it decides nothing.
import { AculabCloudCall, AculabCloudIncomingCall, AculabCloudOutgoingCall } from './call.js';
import { PeerSession } from './peer.js';

// OutputKind in cpp/call/output.hpp, in order.
const OPEN_SOCKET = 0, CLOSE_SOCKET = 1, SEND_FRAME = 2, CREATE_PEER = 3, CREATE_OFFER = 4,
  CREATE_ANSWER = 5, SET_LOCAL = 6, SET_REMOTE = 7, CLOSE_PEER = 8, SEND_DTMF = 9, CALLBACK = 10, LOG = 11;

const g = globalThis;
let core = null;
let defaultEnv = null;

export function setCore(module) { core = module; }

// Where the browser APIs come from: the page's globals, or what a Node host passes in
// (for example @roamhq/wrtc) through AculabCloudClient.setEnvironment.
function browserEnv() {
  const md = g.navigator && g.navigator.mediaDevices;
  return {
    WebSocket: g.WebSocket,
    RTCPeerConnection: g.RTCPeerConnection,
    MediaStream: g.MediaStream,
    RTCRtpSender: g.RTCRtpSender,
    getUserMedia: md ? (c) => md.getUserMedia(c) : () => Promise.reject(new Error('no mediaDevices')),
  };
}

function randomBytes(n) {
  const b = new Uint8Array(n);
  g.crypto.getRandomValues(b);
  return b;
}

const now = () => (g.performance ? g.performance.now() : Date.now());

export class AculabCloudClient {
  /**
   * @param {string} cloudId
   * @param {string} webRtcAccessKey
   * @param {string} clientId
   * @param {number} logLevel 0 (silent) .. 6 (with SIP traces)
   * @param {object} [options] { url, environment, logger } — url points at another cloud
   *   (e.g. the local cloud's ws://127.0.0.1:8080/sipproxy)
   */
  constructor(cloudId, webRtcAccessKey, clientId, logLevel, options = {}) {
    if (!core) throw 'AculabCloudClient: the wasm core is not loaded';
    this._logLevel = Math.max(0, Math.min(6, Number(logLevel) || 0));
    this._env = options.environment || defaultEnv || browserEnv();
    this._logger = options.logger || null;
    this._random = randomBytes;
    const seed = new Uint32Array(randomBytes(8).buffer);
    this._engine = new core.Engine(String(cloudId), String(webRtcAccessKey), String(clientId),
      options.url ? String(options.url) : '', seed[0], seed[1], this._logLevel);
    const err = this._engine.configError();
    if (err) {
      this._engine.delete();
      this._engine = null;
      throw err;
    }
    this._calls = new Map();
    this._ws = null;
    this._timer = null;
    this._deadline = -1;
    this._draining = false;
    this._maxConcurrent = 1;
    this._onIncoming = null;
    this._iceServers = null;
    this._pcConfig = { iceServers: null, iceTransportPolicy: 'all' };
    this.onIncomingState = null;
  }

  static isSupported() {
    const e = defaultEnv || browserEnv();
    return !!(e.WebSocket && e.RTCPeerConnection && g.WebAssembly);
  }

  // RTCRtpCodecCapability objects the browser can send, for AculabCloudCallOptions.codecs.
  static getCodecList(mediaType) {
    const e = defaultEnv || browserEnv();
    if (mediaType !== 'audio' && mediaType !== 'video') return [];
    const caps = e.RTCRtpSender && e.RTCRtpSender.getCapabilities && e.RTCRtpSender.getCapabilities(mediaType);
    return caps && caps.codecs ? caps.codecs.slice() : [];
  }

  // For hosts without browser globals (Node tests): { WebSocket, RTCPeerConnection, MediaStream, getUserMedia }.
  static setEnvironment(env) { defaultEnv = env; }

  get maxConcurrent() { return this._maxConcurrent; }
  set maxConcurrent(n) {
    this._command('setMaxConcurrent', Number.isInteger(n) ? n : 0);
    this._maxConcurrent = n;
  }

  get onIncoming() { return this._onIncoming; }
  set onIncoming(fn) {
    this._onIncoming = typeof fn === 'function' ? fn : null;
    this._command('setHasIncomingHandler', !!this._onIncoming);
  }

  // Deprecated in favour of setPeerConnectionConfiguration, still honoured.
  get iceServers() { return this._iceServers; }
  set iceServers(servers) {
    this.setPeerConnectionConfiguration({ iceServers: servers, iceTransportPolicy: this._pcConfig.iceTransportPolicy });
  }

  setPeerConnectionConfiguration(config = {}) {
    const servers = config.iceServers;
    if (servers != null && !Array.isArray(servers)) throw 'iceServers must be null or an array';
    const policy = config.iceTransportPolicy || 'all';
    this._command('setPeerConnectionConfiguration', servers == null ? '' : JSON.stringify(servers), policy);
    this._iceServers = servers == null ? null : servers;
    this._pcConfig = { iceServers: this._iceServers, iceTransportPolicy: policy };
  }

  enableIncoming(token) { this._command('enableIncoming', typeof token === 'string' ? token : ''); }
  disableIncoming() { this._command('disableIncoming'); }

  callService(serviceName, options) {
    const opts = options || {};
    const r = this._input('callService', typeof serviceName === 'string' ? serviceName : '', this._coreOptions(opts));
    return this._newCall(r, AculabCloudOutgoingCall, opts);
  }

  makeOutgoing(serviceName, options) { return this.callService(serviceName, options); }

  callClient(clientId, token, options) {
    if (typeof clientId !== 'string') throw 'clientId is not a string';
    const opts = options || {};
    const r = this._input('callClient', clientId, typeof token === 'string' ? token : '', this._coreOptions(opts));
    return this._newCall(r, AculabCloudOutgoingCall, opts);
  }

  // Ends every call, removes the registration, closes the socket and frees the engine.
  // (Not in the original interface: a page that is done with a client calls it.)
  close() {
    if (!this._engine) return;
    this._input('close');
    this._clearTimer();
    for (const call of this._calls.values()) if (call._peer) call._peer.close();
    this._calls.clear();
    if (this._ws) this._dropSocket();
    this._engine.delete();
    this._engine = null;
  }

  // ---- inside

  _newCall(result, Kind, opts) {
    if (result.error) throw result.error;
    const call = new Kind(this, result.call, opts);
    this._calls.set(result.call, call);
    return call;
  }

  _coreOptions(o) {
    const list = (xs) => {
      const l = new core.StringList();
      for (const x of xs || []) l.push_back(String(x));
      return l;
    };
    const codecNames = (xs) => (Array.isArray(xs) ? xs : []).map((c) => (typeof c === 'string' ? c : c && c.mimeType) || '');
    const headers = Array.isArray(o.extraSipHeaders) ? o.extraSipHeaders.map(String) : [];
    const tri = (v) => (v === undefined || v === null ? -1 : v ? 1 : 0);
    const bitrate = o.maxBitrateAudio === undefined || o.maxBitrateAudio === Infinity ? -1 : Number(o.maxBitrateAudio);
    return {
      audioCodecs: list(codecNames(o.codecs && o.codecs.audio)),
      videoCodecs: list(codecNames(o.codecs && o.codecs.video)),
      maxBitrateAudio: Number.isFinite(bitrate) ? bitrate : -1,
      receiveAudio: tri(o.receiveAudio),
      receiveVideo: tri(o.receiveVideo),
      extraSipHeaders: list(headers),
    };
  }

  // A command whose error (the documented string) is thrown to the page.
  _command(name, ...args) {
    const err = this._input(name, ...args);
    if (typeof err === 'string' && err) throw err;
    return err;
  }

  // Every input goes to the engine with `now`, then the outputs are carried out.
  _input(name, ...args) {
    if (!this._engine) throw 'AculabCloudClient has been closed';
    let r;
    try {
      r = this._engine[name](now(), ...args);
    } finally {
      for (const a of args) if (a && typeof a === 'object') for (const v of Object.values(a)) if (v && v.delete) v.delete();
    }
    this._drain();
    return r;
  }

  _engineCall(name, ...args) {
    if (!this._engine) return name === 'sipHeaders' ? [] : '';
    const r = this._engine[name](...args);
    if (r && typeof r.size === 'function') {
      const out = [];
      for (let i = 0; i < r.size(); i++) out.push(r.get(i));
      r.delete();
      return out;
    }
    return r;
  }

  _drain() {
    if (this._draining || !this._engine) return;
    this._draining = true;
    try {
      for (;;) {
        const o = this._engine.poll();
        if (o.kind < 0) break;
        try {
          this._carryOut(o);
        } catch (e) {
          this._log(1, `AculabCloudClient: ${o.kind} failed: ${e && e.stack || e}`);
        }
        if (!this._engine) return;
      }
    } finally {
      this._draining = false;
    }
    this._armTimer();
  }

  _armTimer() {
    const d = this._engine.nextDeadline();
    if (d === this._deadline) return;
    this._clearTimer();
    this._deadline = d;
    if (d < 0) return;
    this._timer = setTimeout(() => {
      this._timer = null;
      this._deadline = -1;
      if (this._engine) this._input('timeout');
    }, Math.max(0, d - now()));
  }

  _clearTimer() {
    if (this._timer) clearTimeout(this._timer);
    this._timer = null;
    this._deadline = -1;
  }

  _log(level, text) {
    if (level > this._logLevel) return;
    if (this._logger) return this._logger(level, text);
    (level <= 1 ? console.error : console.log)(text);
  }

  _carryOut(o) {
    switch (o.kind) {
      case OPEN_SOCKET: return this._openSocket(o.text);
      case CLOSE_SOCKET: return this._dropSocket();
      case SEND_FRAME:
        if (this._ws && this._ws.readyState === 1) this._ws.send(o.text);
        else this._log(2, 'AculabCloudClient: frame dropped, socket not open');
        return;
      case CREATE_PEER: return this._createPeer(o);
      case CREATE_OFFER: return this._media(o.call, async (p) => this._input('sdpCreated', o.call, await p.createOffer()));
      case CREATE_ANSWER: return this._media(o.call, async (p) => this._input('sdpCreated', o.call, await p.createAnswer()));
      case SET_LOCAL: return this._media(o.call, async (p) => this._input('localDescriptionReady', o.call, await p.setLocal(o.name, o.text)));
      case SET_REMOTE: return this._media(o.call, (p) => p.setRemote(o.name, o.text));
      case CLOSE_PEER: {
        const call = this._calls.get(o.call);
        if (call && call._peer) { call._peer.close(); call._peer = null; }
        return;
      }
      case SEND_DTMF: {
        const call = this._calls.get(o.call);
        if (!call || !call._peer || !call._peer.sendDtmf(o.text)) this._log(1, 'AculabCloudClient: DTMF not sent: no audio sender');
        return;
      }
      case CALLBACK: return this._callback(o.call, o.name, o.json ? JSON.parse(o.json) : {});
      case LOG: return this._log(o.level, o.text);
      default: this._log(1, `AculabCloudClient: unknown output ${o.kind}`);
    }
  }

  _openSocket(url) {
    if (this._ws) this._dropSocket();
    let ws;
    try {
      ws = new this._env.WebSocket(url, 'sip');
    } catch (e) {
      this._log(1, `AculabCloudClient: cannot open ${url}: ${e}`);
      queueMicrotask(() => this._engine && this._input('socketClosed'));
      return;
    }
    this._ws = ws;
    let closed = false;
    const lost = () => {
      if (closed || this._ws !== ws) return;
      closed = true;
      this._ws = null;
      if (this._engine) this._input('socketClosed');
    };
    ws.onopen = () => { if (this._ws === ws && this._engine) this._input('socketOpened'); };
    ws.onmessage = (ev) => {
      if (this._ws !== ws || !this._engine) return;
      if (typeof ev.data === 'string') this._input('frameReceived', ev.data);
      else this._log(2, 'AculabCloudClient: binary frame ignored');
    };
    ws.onclose = lost;
    ws.onerror = lost;
  }

  _dropSocket() {
    const ws = this._ws;
    this._ws = null;
    if (!ws) return;
    ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
    try { ws.close(); } catch { /* already closing */ }
  }

  _createPeer(o) {
    const call = this._calls.get(o.call);
    if (!call) return;
    const extra = o.json ? JSON.parse(o.json) : {};
    let iceServers = [];
    try { iceServers = o.text ? JSON.parse(o.text) : []; } catch (e) { this._log(1, `AculabCloudClient: bad iceServers: ${e}`); }
    const peer = new PeerSession(this._env, { iceServers, iceTransportPolicy: extra.iceTransportPolicy || 'all' },
      { ...call._options, receiveAudio: extra.receiveAudio ?? call._options.receiveAudio,
        receiveVideo: extra.receiveVideo ?? call._options.receiveVideo }, {
        track: (stream) => this._fire(call, 'onMedia', { call, stream }),
        localStream: (stream) => {
          this._fire(call, 'onLocalMedia', { call, stream });
          this._fire(call, 'onConnecting', { call, stream });
        },
        iceState: (state) => {
          if (state === 'failed' && this._engine) this._input('mediaFailed', o.call, 'ERROR', 'ICE failed');
        },
        log: (level, text) => this._log(level, text),
      });
    call._peer = peer;
    call._chain = peer.open().then(() => { if (call._muted) peer.mute(...call._muted); });
    call._chain.catch((cause) => this._mediaFailed(o.call, cause));
  }

  // Media steps of one call run in order, each after the previous one finished.
  _media(handle, step) {
    const call = this._calls.get(handle);
    if (!call || !call._peer) return;
    const peer = call._peer;
    call._chain = (call._chain || Promise.resolve()).then(() => {
      if (call._peer !== peer || peer.closed) return undefined;
      return step(peer);
    });
    call._chain.catch((cause) => this._mediaFailed(handle, cause));
  }

  _mediaFailed(handle, cause) {
    if (!this._engine || !this._calls.has(handle)) return;
    const c = this._calls.get(handle);
    if (c._failed) return;
    c._failed = true;
    const known = cause === 'DEVICE_ERROR' ? 'DEVICE_ERROR' : 'ERROR';
    this._input('mediaFailed', handle, known, String(cause && cause.message || cause));
  }

  _callback(handle, name, payload) {
    if (name === 'onIncoming') return this._incoming(handle, payload);
    if (handle === 0) return this._fire(this, name, payload);
    const call = this._calls.get(handle);
    if (!call) return;
    if (name === 'onDisconnect') {
      call._done = true;
      if (call._peer) { call._peer.close(); call._peer = null; }
      this._calls.delete(handle);
    }
    this._fire(call, name, { ...payload, call });
  }

  _incoming(handle, payload) {
    const call = new AculabCloudIncomingCall(this, handle, {});
    this._calls.set(handle, call);
    const { call: _ignored, callId: _id, ...fields } = payload;
    let ok = true;
    try {
      if (this._onIncoming) this._onIncoming({ call, ...fields });
      else ok = false;
    } catch (e) {
      ok = false;
      this._log(1, `AculabCloudClient: onIncoming threw: ${e && e.stack || e}`);
    }
    // interface.md: if onIncoming is missing or throws, the incoming call is rejected.
    if (!ok && !call._done && this._engine) this._input('reject', handle, 0);
  }

  // Page callbacks never break the client: an exception is caught and logged.
  _fire(target, name, arg) {
    const fn = target[name];
    if (typeof fn !== 'function') return;
    try {
      fn.call(target, arg);
    } catch (e) {
      this._log(1, `AculabCloudClient: ${name} callback threw: ${e && e.stack || e}`);
    }
  }
}

export { AculabCloudCall, AculabCloudIncomingCall, AculabCloudOutgoingCall };
