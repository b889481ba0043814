// Types for aculab-webrtc-wasm: the AculabCloudClient interface of the Aculab Cloud WebRTC guide.

export type IncomingStateCause = 'NORMAL' | 'INVALIDTOKEN' | 'FAILED' | 'DISCONNECTED';
export type DisconnectCause =
  | 'NORMAL' | 'BUSY' | 'UNOBTAINABLE' | 'MOVED' | 'REJECTED' | 'NOANSWER' | 'FAILED' | 'ERROR'
  | 'DEVICE_ERROR';

export interface OnIncomingStateObj { ready: boolean; cause: IncomingStateCause; retry: boolean; }
export interface OnIncomingObj {
  call: AculabCloudIncomingCall;
  from: string;
  type: 'client' | 'service' | 'other';
  offeringAudio: boolean;
  canReceiveAudio: boolean;
  offeringVideo: boolean;
  canReceiveVideo: boolean;
}
export interface CallObj<C> { call: C; }
export interface DisconnectObj<C> extends CallObj<C> { cause: DisconnectCause; }
export interface MediaObj<C> extends CallObj<C> { stream: MediaStream; }

export interface AculabCloudCallOptions {
  constraints?: MediaStreamConstraints;
  localStream?: MediaStream;
  receiveAudio?: boolean;
  receiveVideo?: boolean;
  codecs?: { audio?: (RTCRtpCodecCapability | string)[]; video?: (RTCRtpCodecCapability | string)[] };
  maxBitrateAudio?: number;
  maxBitrateVideo?: number;
  /** "X-Name: value" strings added to the INVITE (only X- headers). */
  extraSipHeaders?: string[];
}

export interface ClientOptions {
  /** The cloud's SIP WebSocket URL; default wss://webrtc-CLOUDID.aculabcloud.net/sipproxy. */
  url?: string;
  /** Browser APIs for hosts without them (Node): WebSocket, RTCPeerConnection, MediaStream, getUserMedia. */
  environment?: Environment;
  /** Receives log lines instead of the console. */
  logger?: (level: number, text: string) => void;
}

export interface Environment {
  WebSocket: unknown;
  RTCPeerConnection: unknown;
  MediaStream: unknown;
  RTCRtpSender?: unknown;
  getUserMedia(constraints: MediaStreamConstraints): Promise<MediaStream>;
}

export class AculabCloudCall {
  callId(): string | undefined;
  readonly theCallId: string | undefined;
  readonly callUuid: string;
  mute(mic: boolean, outputAudio: boolean, camera?: boolean, outputVideo?: boolean): void;
  sendDtmf(digits: string): void;
  disconnect(): void;
  getSipHeaders(name: string): string[];
  getStats(): Promise<RTCStatsReport | Map<string, unknown>>;
  onDisconnect: ((obj: DisconnectObj<this>) => void) | null;
  onRinging: ((obj: CallObj<this>) => void) | null;
  onMedia: ((obj: MediaObj<this>) => void) | null;
  onMediaRemove: ((obj: MediaObj<this>) => void) | null;
  onLocalMedia: ((obj: MediaObj<this>) => void) | null;
  onConnecting: ((obj: MediaObj<this>) => void) | null;
  onConnected: ((obj: CallObj<this>) => void) | null;
  onError: ((obj: CallObj<this> & { error: string }) => void) | null;
}

export class AculabCloudOutgoingCall extends AculabCloudCall {}

export class AculabCloudIncomingCall extends AculabCloudCall {
  answer(options?: AculabCloudCallOptions): void;
  ringing(): void;
  /** A SIP status 400-699; anything else (or nothing) gives 486 Busy Here. */
  reject(cause?: number): void;
}

export class AculabCloudClient {
  constructor(cloudId: string, webRtcAccessKey: string, clientId: string, logLevel: number, options?: ClientOptions);
  static isSupported(): boolean;
  static getCodecList(mediaType: 'audio' | 'video'): RTCRtpCodecCapability[];
  static setEnvironment(env: Environment): void;
  maxConcurrent: number;
  iceServers: RTCIceServer[] | null;
  onIncoming: ((obj: OnIncomingObj) => void) | null;
  onIncomingState: ((obj: OnIncomingStateObj) => void) | null;
  enableIncoming(token: string): void;
  disableIncoming(): void;
  callService(serviceName: string, options?: AculabCloudCallOptions): AculabCloudOutgoingCall;
  /** @deprecated alias of callService */
  makeOutgoing(serviceName: string, options?: AculabCloudCallOptions): AculabCloudOutgoingCall;
  callClient(clientId: string, token: string, options?: AculabCloudCallOptions): AculabCloudOutgoingCall;
  setPeerConnectionConfiguration(config: { iceServers?: RTCIceServer[] | null; iceTransportPolicy?: RTCIceTransportPolicy }): void;
  /** Ends calls, unregisters, closes the socket and frees the wasm engine. */
  close(): void;
}
