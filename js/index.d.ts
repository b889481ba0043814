// Types for aculab-webrtc-wasm: the AculabCloudClient interface of the Aculab Cloud WebRTC guide
// (interface.md of the public aculab-webrtc project), plus this package's additions (marked).

/** onIncomingState causes. */
export type IncomingStateCause = 'NORMAL' | 'INVALIDTOKEN' | 'FAILED' | 'DISCONNECTED';
/** onDisconnect causes. */
export type DisconnectCause =
  | 'NORMAL' | 'BUSY' | 'UNOBTAINABLE' | 'MOVED' | 'REJECTED' | 'NOANSWER' | 'FAILED' | 'ERROR' | 'DEVICE_ERROR';

export interface OnIncomingStateObj {
  /** Whether this client is waiting for incoming calls. */
  ready: boolean;
  cause: IncomingStateCause;
  /** Whether the client will retry the registration by itself. */
  retry: boolean;
}

export interface OnIncomingObj {
  call: AculabCloudIncomingCall;
  /** The caller ID passed by the remote party (the From URI's user part). */
  from: string;
  type: 'client' | 'service' | 'other';
  offeringAudio: boolean;
  canReceiveAudio: boolean;
  offeringVideo: boolean;
  canReceiveVideo: boolean;
}

export interface CallObj<C extends AculabCloudCall = AculabCloudCall> {
  call: C;
}
export interface DisconnectObj<C extends AculabCloudCall = AculabCloudCall> extends CallObj<C> {
  cause: DisconnectCause;
}
export interface ErrorObj<C extends AculabCloudCall = AculabCloudCall> extends CallObj<C> {
  /** The cause onDisconnect will report next ('DEVICE_ERROR' or 'ERROR'). */
  cause: DisconnectCause;
  /** What failed, for a person to read (for example 'NotAllowedError' or 'ICE failed'). */
  error: string;
}
export interface MediaObj<C extends AculabCloudCall = AculabCloudCall> extends CallObj<C> {
  stream: MediaStream;
}
export interface MuteObj<C extends AculabCloudCall = AculabCloudCall> extends MediaObj<C> {
  track: MediaStreamTrack;
}

/** An RTCRtpCodecCapability (lib.dom's name for it changed across TypeScript versions). */
export interface CodecCapability {
  mimeType: string;
  clockRate: number;
  channels?: number;
  sdpFmtpLine?: string;
}

export interface AculabCloudCallOptions {
  /** getUserMedia constraints; default { audio: true, video: false }. Unused with localStream. */
  constraints?: MediaStreamConstraints;
  /** The media to send; when undefined it comes from getUserMedia(constraints). Cloned
   * (interface.md): onLocalMedia gives the clone, and muting or ending the call never disables or
   * stops the page's own tracks. */
  localStream?: MediaStream;
  /** (4.0.8's README.multistream) Several streams to send, each cloned as localStream is (onLocalMedia
   * for each clone); when given and not empty, localStream is unused. reinvite(options) sends what
   * it lists then. */
  localStreams?: MediaStream[];
  /** true, false, or undefined: receive audio when the local stream has an audio track. */
  receiveAudio?: boolean;
  /** true, false, or undefined: receive video when the local stream has a video track. */
  receiveVideo?: boolean;
  /** Preferred codecs, as from AculabCloudClient.getCodecList() (reordered); empty: browser defaults. */
  codecs?: { audio?: (CodecCapability | string)[]; video?: (CodecCapability | string)[] };
  /** Bits per second; Infinity: no limit; undefined: the browser default. */
  maxBitrateAudio?: number;
  /** Bits per second, as b=AS/b=TIAS on the video section of the SDP this client sends; Infinity, 0
   * or undefined: no limit. */
  maxBitrateVideo?: number;
  /** "X-Name: value" headers added to the INVITE (callClient) or the 200 (answer). Only X- headers. */
  extraSipHeaders?: string[];
  /** The public client's name for extraSipHeaders. */
  extraHeaders?: string[];
  /**
   * (This package) When the SDP goes. 'ready' (default): as soon as every transport has a UDP host
   * candidate, plus a relay candidate when a TURN server is configured (a server-reflexive one with
   * STUN only), and 10 ms passed with no other. 'complete': when ICE gathering is complete, as the
   * public client does. Either way at most 5 s.
   */
  iceGathering?: 'ready' | 'complete';
}

/** (This package) The optional fifth constructor argument. */
export interface ClientOptions {
  /** The cloud's SIP WebSocket URL (ws:// or wss://); default wss://webrtc-CLOUDID.aculabcloud.net/sipproxy. */
  url?: string;
  /** Browser APIs for hosts without them (Node: ws and @roamhq/wrtc). */
  environment?: Environment;
  /** Receives log lines (level 1 errors .. 6 SIP traces) instead of the console. */
  logger?: (level: number, text: string) => void;
  /** A half-dead socket is noticed: after `interval` ms with nothing received an OPTIONS goes out,
   * and with no answer in `timeout` ms the socket counts as lost. Default { interval: 25000,
   * timeout: 5000 }; interval 0: no keep-alive; timeout 0: never judged. Whole ms, 0..3600000. */
  keepAlive?: { interval?: number; timeout?: number };
  /** While connected calls are kept across a lost socket: the wait before each reconnect (the
   * n-th attempt waits delays[n], the last repeats, each cut to a random 50-100%), and how long
   * a call waits for its signalling before it ends with FAILED. Default { delays: [0, 500, 1000,
   * 2000, 4000, 5000], limit: 30000 }; limit 0: a lost socket ends every call (the public
   * client's behaviour). */
  reconnect?: { delays?: number[]; limit?: number };
  /** A connected call's media lost (the media it received stopped and nothing else came from the
   * far side, not even ICE's checks, for a second and then `wait` ms; or ICE `disconnected` for
   * `wait` ms; or `failed`): the client
   * restarts ICE with a re-INVITE (also when the browser comes back online or its connection
   * changes); `limit` ms after the loss a call whose media is not back ends with ERROR. Default
   * { wait: 2000, limit: 30000 }; limit 0: no ICE restart, ICE failure ends the call. */
  iceRestart?: { wait?: number; limit?: number };
  /**
   * Records the session from the client's creation for journal(): true, or options. Replay it
   * with `npx aculab-webrtc-wasm replay FILE`.
   */
  journal?: boolean | JournalOptions;
  /**
   * Ringing tones the client plays itself, made with WebAudio (no sound files); none by default,
   * so that a page that plays its own is not disturbed. The module that makes them is imported
   * only when one is given. Unknown names play nothing.
   */
  sounds?: SoundOptions;
}

/** (This package) A country's ringing tone and cadence (ITU-T E.180 Supplement 2). */
export type RingingCountry = 'uk' | 'us' | 'eu' | 'fr';

/** (This package) ClientOptions.sounds. */
export interface SoundOptions {
  /** While an outgoing call rings (from onRinging) with no early media (until onMedia), until
   * onConnected or onDisconnect. */
  ringback?: RingingCountry;
  /** While an incoming call is offered: from onIncoming until answer(), reject() or onDisconnect. */
  ringtone?: RingingCountry;
}

/** (This package) AculabCloudCall.playRemoteStream's options. */
export interface PlayRemoteStreamOptions {
  /** An output device's deviceId (from enumerateDevices, kind 'audiooutput'), given to the
   * element's setSinkId where the browser has it; elsewhere the default output plays. */
  sinkId?: string;
  /** The browser's autoplay policy blocked the element (the guide's troubleshooting note): ask the
   * person for a click and call element.play() in it. */
  onAutoplayBlocked?: (obj: AutoplayBlockedObj) => void;
}

/** (This package) What onAutoplayBlocked gets. */
export interface AutoplayBlockedObj {
  call: AculabCloudCall;
  element: HTMLMediaElement;
  /** The NotAllowedError that element.play() rejected with. */
  error: DOMException;
}

/** (This package) How the client records its journal. */
export interface JournalOptions {
  /**
   * Default and most 16777216 (16 MiB): the most the recording holds (the core's records of the
   * inputs, a little smaller than the journal's text). An input that would pass it ends the
   * journal with a {"full":maxBytes} line instead: recording stops, and what was recorded still
   * replays.
   */
  maxBytes?: number;
  /**
   * Default false: tokens (the JWT's signature; all of any other token) and the Authorization
   * values of received SIP are written as "redacted". true keeps them, for local debugging only.
   */
  keepSecrets?: boolean;
}

/** (This package) onReconnecting and onReconnected. */
export interface ReconnectObj<C extends AculabCloudCall = AculabCloudCall> extends CallObj<C> {
  /** What is being reconnected: 'signalling' (the WebSocket to the cloud) or 'media' (the
   * peer connection's path: an ICE restart). */
  reason: 'signalling' | 'media';
}

/** (This package) onHold and onRemoteHold. */
export interface HoldObj<C extends AculabCloudCall = AculabCloudCall> extends CallObj<C> {
  /** Whether the call is held now. */
  held: boolean;
}

/** (This package) A call-quality warning's name: docs/QUALITY.md gives each one's rule. */
export type QualityWarningName = 'high-rtt' | 'high-jitter' | 'high-packet-loss' | 'low-mos' | 'no-inbound-audio'
  | 'constant-input-level' | 'ice-disconnected';

/** (This package) onQualityWarning: a warning raised, with the figure that raised it and its threshold
 * (ms for high-rtt and high-jitter, a fraction 0..1 for high-packet-loss, MOS 1..4.5 for low-mos,
 * an audio level 0..1 for no-inbound-audio and the level's change for constant-input-level, 1 for
 * ice-disconnected). */
export interface QualityWarningObj<C extends AculabCloudCall = AculabCloudCall> extends CallObj<C> {
  name: QualityWarningName;
  value: number;
  threshold: number;
}

/** (This package) onQualityWarningCleared: a warning raised before is clear again. */
export interface QualityWarningClearedObj<C extends AculabCloudCall = AculabCloudCall> extends CallObj<C> {
  name: QualityWarningName;
}

/** (This package) call.getQuality(): the latest once-a-second sample of the call's statistics, the
 * figures over the last 5 samples, the warnings raised now and the call so far. null: not known. */
export interface CallQuality {
  sample: {
    /** performance.now() of the sample, ms. */
    at: number;
    /** ICE connected or completed. */
    connected: boolean;
    packetsSent: number | null;
    packetsReceived: number | null;
    /** Cumulative, as RTCInboundRtpStreamStats.packetsLost. */
    packetsLost: number | null;
    /** Inbound jitter, ms. */
    jitter: number | null;
    /** The selected candidate pair's round trip, ms. */
    rtt: number | null;
    /** Audio levels 0..1: what arrives, and the microphone's. */
    levelIn: number | null;
    levelOut: number | null;
    /** The inbound codec's name ('opus', 'PCMU'...). */
    codec: string | null;
    /** 'host', 'srflx', 'prflx' or 'relay'. */
    localCandidateType: string | null;
    remoteCandidateType: string | null;
  };
  /** Over the last 5 samples: mean rtt and jitter (ms), loss (0..1) and the E-model MOS (1..4.5). */
  figures: { rtt: number | null; jitter: number | null; loss: number | null; mos: number | null };
  warnings: QualityWarningName[];
  /** The call so far: MOS mean and minimum, the highest round trip (ms), loss (0..1), and counts. */
  summary: {
    samples: number;
    mosMean: number | null;
    mosMin: number | null;
    rttMax: number | null;
    loss: number | null;
    warningsRaised: number;
  };
}

/** (This package) Where the client finds WebSocket, RTCPeerConnection and getUserMedia. */
export interface Environment {
  WebSocket: unknown;
  RTCPeerConnection?: unknown;
  MediaStream?: unknown;
  RTCRtpSender?: unknown;
  getUserMedia?(constraints: MediaStreamConstraints): Promise<MediaStream>;
}

export class AculabCloudCall {
  readonly client: AculabCloudClient;
  /** The SIP Call-ID (undefined when there is none yet). */
  callId(): string | undefined;
  /** The SIP Call-ID, as a property. */
  readonly theCallId: string | undefined;
  /** A v4 UUID for this call. */
  readonly callUuid: string;
  /** camera and outputVideo default to mic and outputAudio. */
  mute(mic: boolean, outputAudio: boolean, camera?: boolean, outputVideo?: boolean): void;
  /** One stream the call sends (the clone onLocalMedia gave, or the page's stream it was cloned
   * from); camera defaults to mic. */
  muteLocalStream(stream: MediaStream, mic: boolean, camera?: boolean): void;
  /**
   * (4.0.8's README.multistream) Sends another stream (cloned: onLocalMedia gives the clone) in a
   * re-INVITE. A client call's only (incoming, or callClient). Throws 'addStream not available' (a
   * service call), 'Re-invite in progress', 'Not connected error', 'Add stream error' (not a
   * stream, or already sent).
   */
  addStream(stream: MediaStream): void;
  /**
   * Stops sending a stream (the page's or its clone; the clone's tracks end, onLocalMediaRemove)
   * in a re-INVITE. Throws 'removeStream not available', 'Re-invite in progress', 'Not connected
   * error', 'Remove stream error' (not sent, or the last one).
   */
  removeStream(stream: MediaStream): void;
  /**
   * Sends what options.localStreams lists (streams added and removed) in a re-INVITE. Throws
   * 'Reinvite not available', 'Re-invite in progress', 'At least one MediaStream needed in
   * options.localStreams', 'Reinvite error' (not connected).
   */
  reinvite(options: AculabCloudCallOptions): void;
  /** One stream onMedia gave; outputVideo defaults to outputAudio. */
  muteRemoteStream(stream: MediaStream, outputAudio: boolean, outputVideo?: boolean): void;
  /** Digits 0-9 * # A-D (a-d too); throws 'Invalid DTMF string' or 'DTMF send error'. */
  sendDtmf(digits: string): void;
  /**
   * (This package) Puts the connected call on hold (RFC 3264 §8.4, in a re-INVITE): this browser
   * stops receiving and sends nothing, so neither side hears the other; onHold says when it is
   * settled. Throws 'Not connected error' before the call is connected.
   */
  hold(): void;
  /** (This package) Takes the call off hold (a re-INVITE); onHold({held: false}) when settled.
   * Throws 'Not connected error' before the call is connected. */
  unhold(): void;
  /** Ends the call (CANCEL, BYE or a rejection, as the state needs). Can be called at any time. */
  disconnect(): void;
  /** (This package) The values of a header of the INVITE (incoming) or of the answer (outgoing). */
  getSipHeaders(name: string): string[];
  /** (This package) The peer connection's statistics; rejects with 4.0.8's string before media. */
  getStats(): Promise<RTCStatsReport>;
  /** (This package) The latest quality sample and the call's summary; null before the first sample.
   * The first call starts the sampling (once a second while the call is up; docs/QUALITY.md). */
  getQuality(): CallQuality | null;
  /**
   * (This package) Sends another microphone in the live call (RTCRtpSender.replaceTrack: no
   * renegotiation): a deviceId (opened with getUserMedia) or a MediaStream whose first audio track
   * is cloned, as options.localStream is. The mute state carries over; the call's previous track
   * is stopped (it is the call's own: the page's tracks are never stopped). Resolves to the new
   * track (also in the stream onLocalMedia gave). Rejects with 'Invalid microphone', 'No audio
   * track', 'No audio sent' (the call sends none), 4.0.8's getStats string before the call has
   * media, or getUserMedia's error; on any rejection the call keeps its microphone.
   */
  setMicrophone(device: string | MediaStream): Promise<MediaStreamTrack>;
  /**
   * (This package) Plays the call's remote stream (onMedia's) in the page's element, now or when
   * onMedia comes, on options.sinkId where the browser has setSinkId; called again, it moves the
   * sound to another element or device. Resolves to whether the element plays: false while waiting
   * for onMedia or when autoplay was blocked (then options.onAutoplayBlocked is called). Rejects
   * with 'Invalid element', or setSinkId's or play()'s error.
   */
  playRemoteStream(element: HTMLMediaElement, options?: PlayRemoteStreamOptions): Promise<boolean>;
  onDisconnect: ((obj: DisconnectObj<this>) => void) | null;
  onRinging: ((obj: CallObj<this>) => void) | null;
  onMedia: ((obj: MediaObj<this>) => void) | null;
  /** A remote stream given to onMedia has gone: all its tracks were removed by a renegotiation,
   * or the call ended (then before onDisconnect). */
  onMediaRemove: ((obj: MediaObj<this>) => void) | null;
  onLocalMedia: ((obj: MediaObj<this>) => void) | null;
  /** A local stream has left the call (removeStream, or reinvite without it): the clone
   * onLocalMedia gave. */
  onLocalMediaRemove: ((obj: MediaObj<this>) => void) | null;
  /** Called with the local media when onLocalMedia is not set. */
  onConnecting: ((obj: MediaObj<this>) => void) | null;
  onConnected: ((obj: CallObj<this>) => void) | null;
  /** Local media failed (no microphone, peer connection or ICE failure, a description the
   * browser refused): called once, just before onDisconnect with the same cause. */
  onError: ((obj: ErrorObj<this>) => void) | null;
  onLocalVideoMute: ((obj: MuteObj<this>) => void) | null;
  onLocalVideoUnmute: ((obj: MuteObj<this>) => void) | null;
  onRemoteVideoMute: ((obj: MuteObj<this>) => void) | null;
  onRemoteVideoUnmute: ((obj: MuteObj<this>) => void) | null;
  /** (This package) The socket to the cloud was lost (reason 'signalling'): the connected call
   * goes on (its media does not use the socket) while the client reconnects. Then onReconnected,
   * or onDisconnect with FAILED when the signalling is not back within options.reconnect.limit.
   * Or its media path was lost (reason 'media'): the client restarts ICE. Then onReconnected, or
   * onError and onDisconnect with ERROR when the media is not back within options.iceRestart.limit. */
  onReconnecting: ((obj: ReconnectObj<this>) => void) | null;
  /** (This package) The call's signalling is back on a new socket (a target refresh succeeded),
   * or its media is back (ICE connected again). */
  onReconnected: ((obj: ReconnectObj<this>) => void) | null;
  /** (This package) A call-quality warning raised. Set it (or onQualityWarningCleared) before the call
   * connects, or call getQuality(), for the call's quality to be sampled (docs/QUALITY.md). */
  onQualityWarning: ((obj: QualityWarningObj<this>) => void) | null;
  /** (This package) A call-quality warning cleared. */
  onQualityWarningCleared: ((obj: QualityWarningClearedObj<this>) => void) | null;
  /** (This package) hold() or unhold() settled: held says what the call is now (the far side
   * refusing the re-INVITE leaves it as it was). */
  onHold: ((obj: HoldObj<this>) => void) | null;
  /** (This package) The far side put the call on hold (its offer receives nothing: sendonly or
   * inactive), or took it off. */
  onRemoteHold: ((obj: HoldObj<this>) => void) | null;
}

export class AculabCloudOutgoingCall extends AculabCloudCall {}

export class AculabCloudIncomingCall extends AculabCloudCall {
  answer(options?: AculabCloudCallOptions): void;
  /** Sends 180 Ringing. */
  ringing(): void;
  /** A SIP status 400-699; anything else, or nothing, gives 486 Busy Here. */
  reject(cause?: number | string): void;
}

export class AculabCloudClient {
  /**
   * Throws 'Invalid cloudId', 'Invalid webRtcAccessKey', 'Invalid clientId' (or, for
   * options.url, 'Invalid cloud URL').
   * @param logLevel 0 (silent) .. 6 (with SIP traces)
   */
  constructor(cloudId: string, webRtcAccessKey: string, clientId: string, logLevel: number, options?: ClientOptions);
  /**
   * (This package) Resolves once the wasm core has loaded. Nobody has to wait for it: a client made
   * before then queues its commands and carries them out when it has loaded.
   */
  static ready: Promise<void>;
  static isSupported(): boolean;
  static getCodecList(mediaType: 'audio' | 'video'): CodecCapability[];
  /** (This package) The environment for clients made without options.environment. */
  static setEnvironment(env: Environment | null): void;
  /** At least 1 (default 1); else throws 'maxConcurrent must be 1 or greater'. */
  maxConcurrent: number;
  /** @deprecated use setPeerConnectionConfiguration. null: the cloud's servers; []: none. */
  iceServers: RTCIceServer[] | null;
  onIncoming: ((obj: OnIncomingObj) => void) | null;
  onIncomingState: ((obj: OnIncomingStateObj) => void) | null;
  /** (This package) navigator.mediaDevices' devicechange: a microphone or speaker came or went
   * (call enumerateDevices to see which). */
  onDeviceChange: ((obj: Record<string, never>) => void) | null;
  /**
   * (This package) Once per enableIncoming with a JWT that has an "exp": 60 seconds before it
   * (at once when less is left; secondsLeft 0 when already expired), so that the page can call
   * enableIncoming(newToken) in time. Never for other tokens.
   */
  onTokenExpiring?: ((obj: { secondsLeft: number }) => void) | null;
  /**
   * (This package) The journal recorded since creation (options.journal), also once closed: JSON
   * lines; '' when none. A promise: the first call loads the journal module (acw-journal.wasm),
   * which writes the core's compact records as the journal's lines. It holds what was recorded
   * when journal() was called, not what came in while the module loaded.
   */
  journal(): Promise<string>;
  /** Registers for incoming calls (again with a new token); throws 'Invalid token'. */
  enableIncoming(token: string): void;
  disableIncoming(): void;
  /** Throws 'Invalid serviceName' or 'Too many calls'. */
  callService(serviceName: string, options?: AculabCloudCallOptions): AculabCloudOutgoingCall;
  /** @deprecated alias of callService */
  makeOutgoing(serviceName: string, options?: AculabCloudCallOptions): AculabCloudOutgoingCall;
  /** Throws 'clientId is not a string', 'Invalid clientId', 'Too many calls' or 'Invalid token'. */
  callClient(clientId: string, token: string, options?: AculabCloudCallOptions): AculabCloudOutgoingCall;
  setPeerConnectionConfiguration(config: { iceServers?: RTCIceServer[] | null; iceTransportPolicy?: RTCIceTransportPolicy }): void;
  /** (This package) Ends calls, unregisters, closes the socket and frees the wasm engine. */
  close(): void;
}
export default AculabCloudClient;
