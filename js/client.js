// AculabCloudClient: the page's object. It owns one engine handle in the wasm core and carries out
// the engine's outputs (WebSocket, the one timer, peer connections, callbacks); it decides nothing.
import * as Input from './boundary/input.js';
import * as NumberQuery from './boundary/number-query.js';
import * as Output from './boundary/output.js';
import * as Query from './boundary/query.js';
import { decodeOutput } from './boundary.js';
import { AculabCloudCall, AculabCloudIncomingCall, AculabCloudOutgoingCall } from './call.js';
import { FrameWriter } from './frames.js';
import { loadJournalTools, loadSdpTools } from './loader.js';
import { PeerSession } from './peer.js';
import { constructorError } from './arguments.js';


// The engine's text for a command on a client that is done (cpp/call/validation.hpp).
const CLIENT_CLOSED = 'Client closed';
// interface.md: callService and callClient throw it when the browser cannot call the cloud.
const NOT_SUPPORTED = 'WebRTC not supported';
// 4.0.8 throws its extraSipHeaders error as an Error object, every other error as a string.
const fail = (e) => (e.startsWith('extraSipHeader') ? new Error(e) : e);

const g = globalThis;
let core = null;
let defaultEnv = null;
// Clients made before the core loaded: each one's engine is created when it arrives (setCore).
const waiting = [];

export function setCore(module) {
  core = module;
  for (const start of waiting.splice(0)) start();
}

// The core's entry points (bindings/core.cpp): input(engine, kind, now, call, text, text2, number,
// options) and frame(engine, now, length) give a command's error, query(engine, what, call, text)
// a string, number(engine, what, a, b) a number; kinds and whats by their names in ./boundary.js.
const number = (engine, what, a = 0) => core.number(engine, what, a, 0);
const query = (engine, what, call = 0, text = '') => core.query(engine, what, call, text);

// Where the browser APIs come from: the page's globals, or what a Node host passes in
// (for example @roamhq/wrtc) through the constructor's options or AculabCloudClient.setEnvironment.
function browserEnv() {
  const md = g.navigator && g.navigator.mediaDevices;
  return {
    WebSocket: g.WebSocket,
    RTCPeerConnection: g.RTCPeerConnection,
    MediaStream: g.MediaStream,
    RTCRtpSender: g.RTCRtpSender,
    getUserMedia: md && md.getUserMedia ? (c) => md.getUserMedia(c) : null,
  };
}

function randomBytes(n) {
  const b = new Uint8Array(n);
  g.crypto.getRandomValues(b);
  return b;
}

const now = () => (g.performance ? g.performance.now() : Date.now());
const describe = (e) => (e && e.stack) || String(e);

export class AculabCloudClient {
  // # members are the client's own; the _ ones are shared with the call classes (call.js).
  #logLevel;
  #env;
  #logger;
  #frames;
  #calls;
  #ws;
  #timer;
  #deadline;
  #draining;
  #maxConcurrent;
  #onIncoming;
  #iceServers;
  #iceTransportPolicy;
  #engine; // the engine's handle in the core (bindings/core.cpp), null once closed
  #queue = null; // before the core has loaded: the commands to replay once the engine exists
  #early = new Map(); // calls made before the core loaded, by their provisional (negative) handles
  #journal; // options.journal; then, once closed, the core's records
  #onNetwork; // the window's online/offline listener, null where there is no window (Node)
  #onConnection; // navigator.connection's change listener
  #sounds; // options.sounds: { ringback, ringtone } country names, for ./sounds.js
  #onDevices; // the devicechange listener

  /**
   * @param {string} cloudId
   * @param {string} webRtcAccessKey
   * @param {string} clientId
   * @param {number} logLevel 0 (silent) .. 6 (with SIP traces)
   * @param {object} [options] { url, environment, logger, keepAlive, reconnect, journal }: url
   *   points at another cloud (for example the local cloud's ws://127.0.0.1:8080/sipproxy);
   *   keepAlive { interval, timeout } and reconnect { delays, limit } (ms) go to the core as they
   *   are; journal (true or { maxBytes, keepSecrets }) records the session for journal();
   *   sounds { ringback, ringtone } plays national ringing tones (./sounds.js)
   */
  constructor(cloudId, webRtcAccessKey, clientId, logLevel, options) {
    const opts = options && typeof options === 'object' ? options : {};
    this.#journal = opts.journal;
    this.#sounds = opts.sounds;
    this.#logLevel = Math.max(0, Math.min(6, Math.floor(Number(logLevel)) || 0));
    this.#env = opts.environment || defaultEnv || browserEnv();
    this.#logger = typeof opts.logger === 'function' ? opts.logger : null;
    this._random = randomBytes;
    const args = [String(cloudId), String(webRtcAccessKey), typeof clientId === 'string' ? clientId : '', opts.url ? String(opts.url) : ''];
    // keepAlive, reconnect and iceRestart: the core reads and checks them (cpp/call/client_options.hpp).
    const { keepAlive, reconnect, iceRestart } = opts;
    const clientOptions = JSON.stringify({ keepAlive, reconnect, iceRestart });
    if (core) {
      this.#create(args, clientOptions);
    } else {
      // Made before the wasm has loaded: the arguments are checked now, the engine is created (and
      // the commands given meanwhile replayed) when the core arrives.
      const err = constructorError(...args);
      if (err) throw err;
      this.#queue = [];
      waiting.push(() => this.#start(args, clientOptions));
    }
    this.#calls = new Map();
    this.#ws = null;
    this.#timer = null;
    this.#deadline = -1;
    this.#draining = false;
    this.#maxConcurrent = 1;
    this.#onIncoming = null;
    this.#iceServers = null;
    this.#iceTransportPolicy = 'all';
    this.onIncomingState = null;
    this.onDeviceChange = null;
    const md = g.navigator && g.navigator.mediaDevices;
    if (md && md.addEventListener) md.addEventListener('devicechange', (this.#onDevices = () => this.#fire(this, 'onDeviceChange', {})));
    // The browser's word on the network: offline, reconnects wait for online; online again or a
    // changed connection (navigator.connection's change), calls restart ICE (decided in the core).
    this.#onNetwork = null;
    if (g.window === g && typeof g.addEventListener === 'function') {
      this.#onNetwork = (e) => (this.#engine || this.#queue) && this._input(Input.network, 0, '', '', e.type === 'offline' ? 0 : e.type === 'online' ? 1 : 2);
      g.addEventListener('online', this.#onNetwork);
      g.addEventListener('offline', this.#onNetwork);
      // navigator.connection's change also fires for new bandwidth and round-trip estimates: only
      // a change of the connection's type (where the browser says it) is a new network.
      const c = g.navigator?.connection;
      let type = c?.type;
      this.#onConnection = () => {
        if (c.type === type) return;
        type = c.type;
        this.#onNetwork({ type: 'change' });
      };
      c?.addEventListener?.('change', this.#onConnection);
      if (g.navigator && g.navigator.onLine === false) this.#onNetwork({ type: 'offline' });
    }
  }

  #create(args, clientOptions) {
    const seed = new Uint32Array(randomBytes(8).buffer);
    this.#engine = core.create(...args, seed[0], seed[1], this.#logLevel, clientOptions);
    const err = query(this.#engine, Query.configError);
    if (err) {
      number(this.#engine, NumberQuery.destroy);
      this.#engine = null;
      throw err;
    }
    const j = this.#journal;
    if (j) core.number(this.#engine, NumberQuery.startRecording, j.keepSecrets ? 1 : 0, Number(j.maxBytes) || 0);
    this.#frames = new FrameWriter(core, this.#engine);
  }

  // The core has loaded: the engine, then what the page asked for meanwhile, in order. A command's
  // error can no longer be thrown to the page: it is logged (a call's creation fails its call).
  #start(args, clientOptions) {
    const queue = this.#queue;
    this.#queue = null;
    try {
      this.#create(args, clientOptions); // the four arguments passed js/arguments.js: the engine agrees
    } catch (e) {
      return this.#log(1, `AculabCloudClient: ${e}`);
    }
    for (const step of queue) {
      try {
        step();
      } catch (e) {
        this.#log(1, `AculabCloudClient: command given before the core loaded failed: ${describe(e)}`);
      }
    }
  }

  static isSupported() {
    const e = defaultEnv || browserEnv();
    return !!(e.WebSocket && e.RTCPeerConnection && e.getUserMedia && g.WebAssembly);
  }

  // RTCRtpCodecCapability objects the browser can send, for AculabCloudCallOptions.codecs.
  static getCodecList(mediaType) {
    const e = defaultEnv || browserEnv();
    if (mediaType !== 'audio' && mediaType !== 'video') return [];
    const caps = e.RTCRtpSender && e.RTCRtpSender.getCapabilities && e.RTCRtpSender.getCapabilities(mediaType);
    return caps && caps.codecs ? caps.codecs.slice() : [];
  }

  // For hosts without browser globals (Node): { WebSocket, RTCPeerConnection, MediaStream, getUserMedia }.
  static setEnvironment(env) {
    defaultEnv = env || null;
  }

  get maxConcurrent() {
    return this.#maxConcurrent;
  }

  set maxConcurrent(n) {
    const v = Number(n);
    this._command(Input.maxConcurrent, 0, '', '', v >= 1 ? Math.min(Math.floor(v), 0x7fffffff) : 0);
    this.#maxConcurrent = n;
  }

  get onIncoming() {
    return this.#onIncoming;
  }

  set onIncoming(fn) {
    this.#onIncoming = typeof fn === 'function' ? fn : null;
    if (this.#engine || this.#queue) this._input(Input.incomingHandler, 0, '', '', this.#onIncoming ? 1 : 0);
  }

  // Deprecated in favour of setPeerConnectionConfiguration, still honoured.
  get iceServers() {
    return this.#iceServers;
  }

  set iceServers(servers) {
    this.setPeerConnectionConfiguration({ iceServers: servers, iceTransportPolicy: this.#iceTransportPolicy });
  }

  setPeerConnectionConfiguration(config) {
    const c = config || {};
    const servers = c.iceServers === undefined ? null : c.iceServers;
    if (servers !== null && !Array.isArray(servers)) throw 'iceServers must be null or an array';
    const policy = c.iceTransportPolicy === undefined ? 'all' : String(c.iceTransportPolicy);
    this._command(Input.peerConnectionConfiguration, 0, servers === null ? '' : JSON.stringify(servers), policy);
    this.#iceServers = servers;
    this.#iceTransportPolicy = policy;
  }

  // The wall clock goes with the token: the core places a JWT's exp on its own clock with it.
  enableIncoming(token) {
    this._command(Input.enableIncoming, 0, typeof token === 'string' ? token : '', String(Date.now()));
  }

  // The session's journal (options.journal), also once closed; '' when not recorded. The core
  // keeps compact records; the journal module (loaded now) writes them as the journal's lines.
  async journal() {
    const records = this.#engine ? query(this.#engine, Query.journalRecords) : typeof this.#journal == 'string' ? this.#journal : '';
    if (!records) return '';
    const { text, error } = (await loadJournalTools())(records);
    if (error) this.#log(1, `AculabCloudClient: journal: ${error}`);
    return text;
  }

  disableIncoming() {
    this._command(Input.disableIncoming);
  }

  callService(serviceName, options) {
    this.#supported();
    const opts = options || {};
    const name = typeof serviceName === 'string' ? serviceName : '';
    const call = this.#newCall(opts, Input.callService, name);
    call._service = true; // 4.0.8: no addStream, removeStream or reinvite
    return call;
  }

  // Deprecated alias of callService.
  makeOutgoing(serviceName, options) {
    return this.callService(serviceName, options);
  }

  callClient(clientId, token, options) {
    this.#supported();
    if (typeof clientId !== 'string') throw 'clientId is not a string';
    const opts = options || {};
    const jwt = typeof token === 'string' ? token : '';
    return this.#newCall(opts, Input.callClient, clientId, jwt);
  }

  // Ends every call, removes the registration, closes the socket and frees the engine.
  // (Not in the original interface: a page that is done with a client calls it.)
  close() {
    if (this.#queue) return void this.#queue.push(() => this.close());
    if (!this.#engine) return;
    core.input(this.#engine, Input.close, now(), 0, '', '', 0, '');
    // Carried out here even when close() is called from inside a callback (the loop that was
    // draining stops once the engine is gone): the BYEs and the unREGISTER still go out.
    for (let o = this.#poll(); o; o = this.#poll()) {
      try {
        this.#carryOut(o);
      } catch (e) {
        this.#log(1, `AculabCloudClient: output ${o.kind} failed: ${describe(e)}`);
      }
    }
    this.#clearTimer();
    if (this.#onNetwork) {
      g.removeEventListener('online', this.#onNetwork);
      g.removeEventListener('offline', this.#onNetwork);
      g.navigator?.connection?.removeEventListener?.('change', this.#onConnection);
      this.#onNetwork = null;
    }
    if (this.#onDevices) g.navigator.mediaDevices.removeEventListener('devicechange', this.#onDevices);
    for (const call of this.#calls.values()) {
      call._done = true;
      this._sound(call);
      if (call._peer) call._peer.close();
      call._peer = null;
    }
    this.#calls.clear();
    this.#dropSocket();
    this.#journal = query(this.#engine, Query.journalRecords);
    number(this.#engine, NumberQuery.destroy);
    this.#engine = null;
  }

  // ---- inside

  #supported() {
    if (!this.#env.WebSocket || !this.#env.RTCPeerConnection) throw NOT_SUPPORTED;
  }

  // The call object exists before the engine's first outputs for it are carried out (with the
  // socket open and the ICE servers known, the engine asks for its peer connection at once).
  #newCall(opts, kind, text, text2 = '', early = null) {
    if (this.#queue) return this.#earlyCall(opts, kind, text, text2);
    const options = this._optionsJson(opts);
    if (!this.#engine) throw CLIENT_CLOSED;
    const error = core.input(this.#engine, kind, now(), 0, text, text2, 0, options);
    let call = early;
    if (!error) {
      const handle = number(this.#engine, NumberQuery.lastCall);
      if (call) call._handle = handle;
      else call = new AculabCloudOutgoingCall(this, handle, opts);
      this.#calls.set(handle, call);
    }
    this.#drain();
    if (error) throw fail(error);
    return call;
  }

  // A call made before the core loaded: its object now, with a provisional handle; the engine's
  // call when the core arrives. If the engine refuses it then, the call ends with cause 'ERROR'.
  #earlyCall(opts, kind, text, text2) {
    const call = new AculabCloudOutgoingCall(this, -(this.#early.size + 1), opts);
    this.#early.set(call._handle, call);
    this.#queue.push(() => {
      try {
        this.#newCall(opts, kind, text, text2, call);
      } catch (error) {
        call._done = true;
        this.#fire(call, 'onError', { call, cause: 'ERROR', error: String(error) });
        this.#fire(call, 'onDisconnect', { call, cause: 'ERROR' });
        throw error;
      }
    });
    return call;
  }

  // AculabCloudCallOptions reduced to what the core reads, as one JSON text in the shape of a
  // journal's "options" (cpp/call/call_options.hpp); JSON.stringify leaves out the undefined ones.
  _optionsJson(o) {
    const codecNames = (xs) => (Array.isArray(xs) ? xs : []).map((c) => String((typeof c === 'string' ? c : c && c.mimeType) || ''));
    // extraSipHeaders (this interface); extraHeaders is what the public client's options call them.
    const raw = o.extraSipHeaders !== undefined ? o.extraSipHeaders : o.extraHeaders;
    const headers = raw === undefined || raw === null ? [] : Array.isArray(raw) ? raw : [raw];
    const given = (v) => (v === undefined || v === null ? undefined : !!v);
    // Bits/s; Infinity (no cap), undefined and nonsense are left out.
    const bitrate = (v) => (v !== undefined && Number.isFinite(+v) && v >= 0 ? Math.floor(Math.min(v, 4e9)) : undefined);
    return JSON.stringify({
      audioCodecs: codecNames(o.codecs && o.codecs.audio),
      videoCodecs: codecNames(o.codecs && o.codecs.video),
      maxBitrateAudio: bitrate(o.maxBitrateAudio),
      maxBitrateVideo: bitrate(o.maxBitrateVideo),
      receiveAudio: given(o.receiveAudio),
      receiveVideo: given(o.receiveVideo),
      extraSipHeaders: headers.map(String),
    });
  }

  // A command whose error (the documented string) is thrown to the page.
  _command(kind, call, text, text2, n, options) {
    const err = this._input(kind, call, text, text2, n, options);
    if (err) throw fail(err);
  }

  // Every input goes to the engine with `now`, then the outputs are carried out.
  _input(kind, call = 0, text = '', text2 = '', n = 0, options = '') {
    if (this.#queue) {
      // A provisional handle is read when replayed: by then the call has the engine's.
      this.#queue.push(() => {
        const handle = call < 0 ? this.#early.get(call)._handle : call;
        if (handle >= 0) this._command(kind, handle, text, text2, n, options); // else its creation failed
      });
      return '';
    }
    if (!this.#engine) throw CLIENT_CLOSED;
    const r = core.input(this.#engine, kind, now(), call, text, text2, n, options);
    this.#drain();
    return r;
  }

  // disconnect(): "can be called at any time", so nothing once the client is closed.
  _disconnect(call) {
    if (this.#engine || this.#queue) this._input(Input.disconnect, call);
  }

  // The SIP Call-ID of a call, or the values of a SIP header of its INVITE or answer.
  _callId(call) {
    return this.#engine ? query(this.#engine, Query.callId, call) : '';
  }

  _sipHeaders(call, name) {
    return this.#engine ? JSON.parse(query(this.#engine, Query.sipHeaders, call, name)) : [];
  }

  // The engine's next output as { kind, level, call, name, json, text }, or null when none is left.
  #poll() {
    return decodeOutput(query(this.#engine, Query.poll));
  }

  // Drains the engine's outputs; inputs fed from inside (a callback calling the API) are drained
  // by this same loop, in order.
  #drain() {
    if (this.#draining || !this.#engine) return;
    this.#draining = true;
    try {
      for (;;) {
        const o = this.#poll();
        if (!o) break;
        try {
          this.#carryOut(o);
        } catch (e) {
          this.#log(1, `AculabCloudClient: output ${o.kind} failed: ${describe(e)}`);
        }
        if (!this.#engine) return;
      }
    } finally {
      this.#draining = false;
    }
    this.#armTimer();
  }

  #armTimer() {
    const d = number(this.#engine, NumberQuery.nextDeadline);
    if (d === this.#deadline && (this.#timer || d < 0)) return;
    this.#clearTimer();
    this.#deadline = d;
    if (d < 0) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#deadline = -1;
      if (this.#engine) this._input(Input.timeout);
    }, Math.max(0, Math.ceil(d - now())));
  }

  #clearTimer() {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#deadline = -1;
  }

  #log(level, text) {
    if (level > this.#logLevel) return;
    if (this.#logger) {
      try {
        this.#logger(level, text);
      } catch {
        // a page's logger cannot break the client either
      }
      return;
    }
    (level <= 1 ? console.error : console.log)(text);
  }

  #carryOut(o) {
    switch (o.kind) {
      case Output.OpenSocket: return this.#openSocket(o.text);
      case Output.CloseSocket: return this.#dropSocket();
      case Output.SendFrame:
        if (this.#ws && this.#ws.readyState === 1) this.#ws.send(o.text);
        else this.#log(2, 'AculabCloudClient: frame dropped, socket not open');
        return undefined;
      case Output.CreatePeer: return this.#createPeer(o);
      case Output.CreateOffer: return this.#media(o.call, async (p) => this._input(Input.sdpCreated, o.call, await this.#munged(o.call, p.createOffer(o.name, o.text === 'hold'))));
      case Output.CreateAnswer: return this.#media(o.call, async (p) => this._input(Input.sdpCreated, o.call, await this.#munged(o.call, p.createAnswer())));
      case Output.SetLocalDescription: return this.#media(o.call, async (p) => this._input(Input.localDescriptionReady, o.call, await this.#munged(o.call, p.setLocal(o.name, o.text))));
      // The far side's SDP gets the same edits: its b=AS and Opus maxaveragebitrate cap what this
      // browser sends, as the public client's sender limits do.
      case Output.SetRemoteDescription: return this.#media(o.call, async (p) => {
        await p.setRemote(o.name, await this.#munged(o.call, o.text));
        this.#emptiedStreams(o.call);
      });
      case Output.ClosePeer: {
        const call = this.#calls.get(o.call);
        if (call && call._peer) {
          call._peer.close();
          call._peer = null;
        }
        return undefined;
      }
      case Output.SendDtmf: {
        const call = this.#calls.get(o.call);
        const notSent = (why) => this.#log(1, `AculabCloudClient: DTMF not sent: ${why}`);
        if (!call || !call._peer) notSent('no call');
        else call._peer.sendDtmf(o.text).then((sent) => sent || notSent('no RTCDTMFSender'), (e) => notSent(describe(e)));
        return undefined;
      }
      case Output.Callback: return this.#callback(o.call, o.name, o.json ? JSON.parse(o.json) : {});
      case Output.Log: return this.#log(o.level, o.text);
      default: return this.#log(1, `AculabCloudClient: unknown output ${o.kind}`);
    }
  }

  #openSocket(url) {
    this.#dropSocket();
    let ws;
    try {
      ws = new this.#env.WebSocket(url, 'sip');
    } catch (e) {
      this.#log(1, `AculabCloudClient: cannot open ${url}: ${e}`);
      queueMicrotask(() => this.#engine && this._input(Input.socketClosed));
      return;
    }
    this.#ws = ws;
    const lost = () => {
      if (this.#ws !== ws) return;
      this.#ws = null;
      ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
      if (this.#engine) this._input(Input.socketClosed);
    };
    ws.onopen = () => {
      if (this.#ws === ws && this.#engine) this._input(Input.socketOpened);
    };
    ws.onmessage = (ev) => {
      if (this.#ws !== ws || !this.#engine) return;
      if (typeof ev.data === 'string') this.#received(ev.data);
      else this.#log(2, 'AculabCloudClient: binary frame ignored');
    };
    ws.onclose = lost;
    ws.onerror = lost;
  }

  // A text frame from the socket, into the core through the frame buffer (./frames.js); a frame
  // is an event, not a command: it has no error to throw.
  #received(data) {
    const length = this.#frames.write(data);
    if (length < 0) return this.#log(1, `AculabCloudClient: frame of ${data.length} characters refused (over ${this.#frames.max} bytes)`);
    core.frame(this.#engine, now(), length);
    this.#drain();
  }

  #dropSocket() {
    const ws = this.#ws;
    this.#ws = null;
    if (!ws) return;
    ws.onopen = ws.onmessage = ws.onclose = null;
    // Closing a socket that is still connecting reports an error; nobody needs it (and Node's ws
    // would throw it with no listener).
    ws.onerror = () => {};
    try {
      ws.close();
    } catch {
      // already closing
    }
  }

  #createPeer(o) {
    const call = this.#calls.get(o.call);
    if (!call) return;
    const extra = o.json ? JSON.parse(o.json) : {};
    let iceServers = [];
    try {
      iceServers = o.text ? JSON.parse(o.text) : [];
    } catch (e) {
      this.#log(1, `AculabCloudClient: bad iceServers: ${e}`);
    }
    const options = {
      ...call._options,
      receiveAudio: extra.receiveAudio ?? call._options.receiveAudio,
      receiveVideo: extra.receiveVideo ?? call._options.receiveVideo,
    };
    const notified = call._remoteStreams;
    const peer = new PeerSession(this.#env, { iceServers, iceTransportPolicy: extra.iceTransportPolicy || 'all' }, options, {
      track: (stream, track) => {
        if (track && track.kind === 'video') this.#watchRemoteVideo(call, stream, track);
        if (notified.has(stream)) return;
        notified.add(stream);
        if (typeof stream.addEventListener === 'function') stream.addEventListener('removetrack', () => this.#emptiedStreams(o.call));
        // Early media replaces the ringback.
        this._sound(call);
        if (call._output) call.playRemoteStream(...call._output).catch((e) => this.#log(1, `AculabCloudClient: playRemoteStream: ${describe(e)}`));
        // The stream again as a second argument: the guide's sample gotMedia(call, stream) then
        // plays it (the documented single object comes first, as the interface says).
        this.#fire(call, 'onMedia', { call, stream }, stream);
      },
      // The public client calls onLocalMedia, or else the older onConnecting. A page's localStream
      // is cloned at once, inside callService/callClient, before the page has set the outgoing
      // call's callbacks: those hear it a microtask later (4.0.8's come later too). An incoming
      // call's were set in onIncoming, and hear it inside answer(), as 4.0.8's do.
      localStream: (stream) => {
        const fire = () => call._done || this.#fire(call, typeof call.onLocalMedia === 'function' ? 'onLocalMedia' : 'onConnecting', { call, stream });
        if (call instanceof AculabCloudIncomingCall) fire();
        else queueMicrotask(fire);
      },
      localStreamRemoved: (stream) => this.#fire(call, 'onLocalMediaRemove', { call, stream }),
      // The core decides: a restart after `disconnected` or `failed`, or the end of the call.
      iceState: (state) => this.#engine && this._input(Input.iceState, o.call, state),
      heard: (n) => this.#engine && this._input(Input.mediaHeard, o.call, '', '', n),
      log: (level, text) => this.#log(level, text),
    });
    call._peer = peer;
    // The core asks for codec order or a bitrate cap: the SDP module loads meanwhile (#munged).
    call._sdpOptions = extra.sdpOptions ? JSON.stringify(extra.sdpOptions) : null;
    if (call._sdpOptions) loadSdpTools().catch(() => {});
    call._chain = peer.open().then(() => {
      if (call._muted) this._mute(call);
    });
    call._chain.catch((cause) => this.#mediaFailed(o.call, cause));
  }

  // A local SDP from the browser, or the far side's, with the edits the core asked for at CreatePeer
  // made by the SDP module (bindings/sdp_tools.cpp); the call fails if that module cannot load.
  async #munged(handle, sdpPromise) {
    const sdp = await sdpPromise;
    const call = this.#calls.get(handle);
    if (!call || !call._sdpOptions) return sdp;
    let munge;
    try {
      munge = await loadSdpTools();
    } catch (e) {
      this.#log(1, `AculabCloudClient: the SDP module (acw-sdp.wasm) did not load: ${describe(e)}`);
      throw new Error(`SDP module not loaded: ${(e && e.message) || e}`, { cause: e });
    }
    const out = munge(sdp, call._sdpOptions);
    if (out.error) this.#log(1, `AculabCloudClient: ${out.error}`);
    return out.sdp;
  }

  // A renegotiation that takes away every track of a stream onMedia gave removes that stream.
  // Browsers fire removetrack; @roamhq/wrtc does not, so this also runs after each remote description.
  #emptiedStreams(handle) {
    const call = this.#calls.get(handle);
    if (!call) return;
    for (const stream of [...call._remoteStreams]) {
      if (stream.getTracks().length) continue;
      call._remoteStreams.delete(stream);
      this.#fire(call, 'onMediaRemove', { call, stream }, stream);
    }
  }

  #watchRemoteVideo(call, stream, track) {
    track.onmute = () => this.#fire(call, 'onRemoteVideoMute', { call, stream, track });
    track.onunmute = () => this.#fire(call, 'onRemoteVideoUnmute', { call, stream, track });
  }

  _mute(call) {
    if (call._peer) this._videoMuted(call, call._peer.mute(...call._muted));
  }

  // onLocalVideoMute/Unmute for each local video track a mute changed.
  _videoMuted(call, changed) {
    for (const track of changed) {
      this.#fire(call, track.enabled ? 'onLocalVideoUnmute' : 'onLocalVideoMute', { call, stream: call._peer.localStream, track });
    }
  }

  // addStream, removeStream, reinvite: the change to what the call sends (./renegotiation.js,
  // imported on first use) is the call's next media step, so the browser's offer, asked for by
  // the re-INVITE, is made after it.
  _reinvite(call, change) {
    this.#media(call._handle, async (peer) => change(await import('./renegotiation.js'), peer));
    this._command(Input.reinvite, call._handle, '', '', 1);
  }

  // Media steps of one call run in order, each after the previous one finished.
  #media(handle, step) {
    const call = this.#calls.get(handle);
    if (!call || !call._peer) return;
    const peer = call._peer;
    call._chain = (call._chain || Promise.resolve()).then(() => {
      if (call._peer !== peer || peer.closed) return undefined;
      return step(peer);
    });
    call._chain.catch((cause) => this.#mediaFailed(handle, cause));
  }

  #mediaFailed(handle, cause, detail) {
    const call = this.#calls.get(handle);
    if (!this.#engine || !call || call._failed || (call._peer && call._peer.closed)) return;
    call._failed = true;
    const known = cause === 'DEVICE_ERROR' ? 'DEVICE_ERROR' : 'ERROR';
    this._input(Input.mediaFailed, handle, known, String(detail || (cause && cause.message) || cause));
  }

  #callback(handle, name, payload) {
    if (name === 'onIncoming') return this.#incoming(handle, payload);
    if (handle === 0) return this.#fire(this, name, payload);
    const call = this.#calls.get(handle);
    if (!call) return undefined;
    // Ringback while ringing without early media; anything else the call hears ends it.
    if (name !== 'onRinging') this._sound(call);
    else if (!call._sound && !call._remoteStreams.size) this._sound(call, 'ringback');
    if (name === 'onDisconnect') {
      call._done = true;
      if (call._peer) {
        call._peer.close();
        call._peer = null;
      }
      this.#calls.delete(handle);
      // Every stream onMedia gave is gone with the call: onMediaRemove for each, then onDisconnect.
      for (const stream of call._remoteStreams) this.#fire(call, 'onMediaRemove', { call, stream }, stream);
      call._remoteStreams.clear();
    }
    if (name === 'onConnected' && (call.onQualityWarning || call.onQualityWarningCleared)) this._watch(call);
    return this.#fire(call, name, { ...payload, call });
  }

  // Call quality (docs/QUALITY.md): ./quality.js, imported for the first call that asks, samples it.
  _watch(call) {
    call._watching ||= import('./quality.js')
      .then((m) => m.watch(call, (name, payload) => this.#fire(call, name, payload), (text) => this.#log(1, text)))
      .catch((e) => {
        call._watching = null;
        this.#log(1, `AculabCloudClient: call quality not sampled: ${describe(e)}`);
      });
  }

  #incoming(handle, payload) {
    const call = new AculabCloudIncomingCall(this, handle, {});
    this.#calls.set(handle, call);
    this._sound(call, 'ringtone');
    const { callId: _callId, ...fields } = payload;
    try {
      if (!this.#onIncoming) throw new Error('no onIncoming');
      this.#onIncoming({ ...fields, call });
    } catch (e) {
      // interface.md: if onIncoming throws, the incoming call is rejected (the public client
      // uses 500).
      this.#log(1, `AculabCloudClient: onIncoming threw: ${describe(e)}`);
      if (!call._done && this.#engine) this._input(Input.reject, handle, '', '', 500);
    }
  }

  // Stops the call's sound, then starts options.sounds[which] if given: ./sounds.js is imported
  // only now, and a stop asked for while it loads comes once it has.
  _sound(call, which) {
    const sounds = this.#sounds;
    if (call._sound) call._sound.then((stop) => stop());
    call._sound = sounds && sounds[which] ? import('./sounds.js').then((m) => m.play(sounds[which]), (e) => {
      this.#log(1, `AculabCloudClient: sounds: ${describe(e)}`);
      return () => {};
    }) : null;
  }

  // Page callbacks never break the client: an exception is caught and logged.
  #fire(target, name, ...args) {
    const fn = target[name];
    if (typeof fn !== 'function') return;
    try {
      fn.apply(target, args);
    } catch (e) {
      this.#log(1, `AculabCloudClient: ${name} callback threw: ${describe(e)}`);
    }
  }
}

export { AculabCloudCall, AculabCloudIncomingCall, AculabCloudOutgoingCall };
