// A TypeScript consumer of the packed package: `tsc --strict --noEmit` over code that touches every
// documented member of the shipped js/index.d.ts (and js/manual.d.ts, js/preflight.d.ts); a misuse must fail to compile.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { installPacked, ROOT } from './helpers.mjs';

const CONSUMER = `
import {
  AculabCloudClient, AculabCloudCall, AculabCloudIncomingCall, AculabCloudOutgoingCall,
  type AculabCloudCallOptions, type CallObj, type ClientOptions, type CodecCapability, type DisconnectCause,
  type DisconnectObj, type Environment, type ErrorObj, type IncomingStateCause, type MediaObj, type MuteObj,
  type CallQuality, type HoldObj, type QualityWarningClearedObj, type QualityWarningName, type QualityWarningObj,
  type JournalOptions, type OnIncomingObj, type OnIncomingStateObj, type SoundOptions, type RingingCountry,
  type PlayRemoteStreamOptions, type AutoplayBlockedObj,
} from 'aculab-webrtc-wasm';
import { load, type LoadOptions } from 'aculab-webrtc-wasm/manual';
import { preflight, type PreflightProgress, type PreflightReport } from 'aculab-webrtc-wasm/preflight';
// 4.0.8's default export.
import DefaultClient from 'aculab-webrtc-wasm';

const sameClass: typeof AculabCloudClient = DefaultClient;
const ready: Promise<void> = AculabCloudClient.ready;
const supported: boolean = AculabCloudClient.isSupported();
const codecs: CodecCapability[] = AculabCloudClient.getCodecList('audio');
const c0: CodecCapability = codecs[0];
const codecText: string = c0.mimeType + c0.clockRate + (c0.channels ?? 0) + (c0.sdpFmtpLine ?? '');
const env: Environment = { WebSocket, RTCPeerConnection, MediaStream, RTCRtpSender, getUserMedia: (c) => navigator.mediaDevices.getUserMedia(c) };
AculabCloudClient.setEnvironment(env);
AculabCloudClient.setEnvironment(null);
const logger = (level: number, text: string): void => console.log(level, text);
const clientOptions: ClientOptions = { url: 'ws://127.0.0.1:8080/sipproxy', environment: env, logger, journal: true };
const journalOptions: JournalOptions = { maxBytes: 1 << 20, keepSecrets: false };
const client = new AculabCloudClient('1-2-3', 'key', 'alice', 2, { ...clientOptions, journal: journalOptions });
const journalText: Promise<string> = client.journal();
client.onTokenExpiring = (o: { secondsLeft: number }) => journalText.then((t: string) => client.enableIncoming(t + o.secondsLeft));
client.onTokenExpiring = null;
const sounds: SoundOptions = { ringback: 'uk', ringtone: 'us' };
const country: RingingCountry | undefined = sounds.ringback;
new AculabCloudClient('1-2-3', 'key', 'alice', 0, { sounds: { ringback: country, ringtone: 'eu' } });
client.onDeviceChange = () => console.log('devices changed');
client.onDeviceChange = null;
new AculabCloudClient('1-2-3', 'key', 'alice', 0);
client.maxConcurrent = 2;
const max: number = client.maxConcurrent;
client.iceServers = [{ urls: 'stun:127.0.0.1' }];
client.iceServers = null;
const servers: RTCIceServer[] | null = client.iceServers;
client.setPeerConnectionConfiguration({ iceServers: [], iceTransportPolicy: 'relay' });
client.setPeerConnectionConfiguration({ iceServers: null });
client.onIncomingState = (s: OnIncomingStateObj) => {
  const cause: IncomingStateCause = s.cause;
  console.log(s.ready, s.retry, cause);
};
client.onIncoming = (o: OnIncomingObj) => {
  const call: AculabCloudIncomingCall = o.call;
  console.log(o.from, o.type, o.offeringAudio, o.canReceiveAudio, o.offeringVideo, o.canReceiveVideo);
  call.ringing();
  call.answer({ receiveAudio: true });
  call.answer();
  call.reject(486);
  call.reject('404');
  call.reject();
};
client.onIncoming = null;
client.enableIncoming('token');
client.disableIncoming();
const options: AculabCloudCallOptions = {
  constraints: { audio: true, video: false },
  localStream: new MediaStream(),
  localStreams: [new MediaStream(), new MediaStream()],
  receiveAudio: true,
  receiveVideo: false,
  codecs: { audio: codecs, video: ['video/VP8'] },
  maxBitrateAudio: 32000,
  maxBitrateVideo: Infinity,
  extraSipHeaders: ['X-One: 1'],
  extraHeaders: ['X-Two: 2'],
};
const out: AculabCloudOutgoingCall = client.callService('echo', options);
client.callService('echo');
client.makeOutgoing('echo', options);
const other: AculabCloudOutgoingCall = client.callClient('bob', 'token', options);
client.callClient('bob', 'token');
function watch(call: AculabCloudCall): void {
  const owner: AculabCloudClient = call.client;
  const id: string | undefined = call.callId();
  const id2: string | undefined = call.theCallId;
  const uuid: string = call.callUuid;
  console.log(owner, id, id2, uuid);
  call.mute(true, false);
  call.mute(true, false, true, false);
  call.muteLocalStream(new MediaStream(), true);
  call.muteLocalStream(new MediaStream(), true, false);
  call.muteRemoteStream(new MediaStream(), true);
  call.muteRemoteStream(new MediaStream(), true, false);
  call.sendDtmf('123#');
  call.hold();
  call.unhold();
  call.addStream(new MediaStream());
  call.removeStream(new MediaStream());
  call.reinvite({ localStreams: [new MediaStream()] });
  const headers: string[] = call.getSipHeaders('X-One');
  console.log(headers);
  call.getStats().then((s) => console.log(s));
  call.setMicrophone('deviceId').then((t: MediaStreamTrack) => console.log(t.id));
  call.setMicrophone(new MediaStream());
  const played: PlayRemoteStreamOptions = { sinkId: '', onAutoplayBlocked: (o: AutoplayBlockedObj) => console.log(o.call, o.element, o.error.name) };
  call.playRemoteStream(new Audio(), played).then((playing: boolean) => console.log(playing));
  call.playRemoteStream(new Audio());
  call.onDisconnect = (o: DisconnectObj) => {
    const cause: DisconnectCause = o.cause;
    console.log(o.call, cause);
  };
  call.onRinging = (o: CallObj) => console.log(o.call);
  call.onMedia = (o: MediaObj) => console.log(o.stream.id);
  call.onMediaRemove = (o: MediaObj) => console.log(o.stream.id);
  call.onLocalMedia = (o: MediaObj) => console.log(o.stream.id);
  call.onLocalMediaRemove = (o: MediaObj) => console.log(o.stream.id);
  call.onConnecting = (o: MediaObj) => console.log(o.stream.id);
  call.onConnected = (o: CallObj) => console.log(o.call);
  call.onError = (o: ErrorObj) => console.log(o.cause, o.error);
  call.onLocalVideoMute = (o: MuteObj) => console.log(o.track.kind);
  call.onLocalVideoUnmute = (o: MuteObj) => console.log(o.track.kind);
  call.onRemoteVideoMute = (o: MuteObj) => console.log(o.track.kind);
  call.onRemoteVideoUnmute = (o: MuteObj) => console.log(o.track.kind);
  const quality: CallQuality | null = call.getQuality();
  if (quality) {
    const mos: number | null = quality.figures.mos;
    const names: QualityWarningName[] = quality.warnings;
    const rtt: number | null = quality.sample.rtt;
    const samples: number = quality.summary.samples;
    console.log(mos, names, rtt, samples, quality.sample.codec, quality.sample.connected);
  }
  call.onHold = (o: HoldObj) => console.log(o.call, o.held === true);
  call.onRemoteHold = (o: HoldObj) => console.log(o.call, o.held === false);
  call.onQualityWarning = (o: QualityWarningObj) => console.log(o.call, o.name, o.value, o.threshold);
  call.onQualityWarningCleared = (o: QualityWarningClearedObj) => console.log(o.call, o.name);
  call.onConnected = null;
  call.disconnect();
}
watch(out);
watch(other);
client.close();
const loadOptions: LoadOptions = { locateFile: (path, dir) => dir + path, wasmBinary: new Uint8Array(0) };
load(loadOptions).then((m) => new m.AculabCloudClient('1-2-3', 'key', 'carol', 0));
load();
preflight('1-2-3', 'key', 'dave', {
  service: 'echo', seconds: 5, bursts: 4, url: 'ws://127.0.0.1:8080/sipproxy',
  onProgress: (p: PreflightProgress) => console.log(p.phase, p.elapsed, p.quality && p.quality.figures.mos, p.burst && p.burst.ms),
}).then((r: PreflightReport) => {
  const verdict: 'excellent' | 'good' | 'fair' | 'poor' = r.verdict;
  console.log(verdict, r.reasons.join(), r.mos, r.signallingMs, r.candidates.gathered, r.warnings.map((w) => w.name), r.quality.length);
  const roundTrip: number | null = r.audioRoundTripMs;
  const heard: number = r.audioRoundTrip.heard;
  const each: (number | null)[] = r.audioRoundTrip.burstsMs;
  console.log(roundTrip, heard, r.audioRoundTrip.sent, each, r.audioRoundTrip.reason ?? '');
});
preflight('1-2-3', 'key', 'dave');
export { ready, supported, codecText, max, servers, sameClass };
`;

function tsc(dir, source) {
  writeFileSync(join(dir, 'consumer.ts'), source);
  return spawnSync(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', dir], { encoding: 'utf8' });
}

test('a strict TypeScript consumer compiles against the shipped types; a misuse does not', { timeout: 300000 }, () => {
  const dir = installPacked('acw-types-');
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      strict: true, noEmit: true, target: 'es2022', module: 'esnext', moduleResolution: 'bundler',
      lib: ['es2022', 'dom'], types: [], skipLibCheck: false,
    },
    files: ['consumer.ts'],
  }));
  const good = tsc(dir, CONSUMER);
  assert.equal(good.status, 0, good.stdout + good.stderr);
  // The same consumer with one misuse: a number where a service name goes.
  const bad = tsc(dir, CONSUMER.replace("client.callService('echo');", 'client.callService(42);'));
  assert.notEqual(bad.status, 0, 'the misuse compiled');
  assert.match(bad.stdout, /consumer\.ts\(\d+,\d+\): error TS2345/);
});
