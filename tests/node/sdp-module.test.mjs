// The SDP module (dist/acw-sdp.{mjs,wasm}, bindings/sdp_tools.cpp), loaded lazily for the call
// options codecs, maxBitrateAudio and maxBitrateVideo: mungeSdp through the built module, and a call whose module
// cannot load fails with a cause and a log line, then loads it when it can.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { load } from '../../js/manual.js';
import { loadSdpTools } from '../../js/loader.js';

// The page's locateFile places both .wasm files; this one cannot find acw-sdp.wasm until told.
let sdpMissing = true;
const locateFile = (path, dir) => (sdpMissing && path === 'acw-sdp.wasm' ? '/nonexistent/acw-sdp.wasm' : dir + path);
// Before the helpers import the package (whose index.js loads the core with no options).
const { AculabCloudClient } = await load({ locateFile });
const { CLOUD_ID, KEY, CallbackLog, ScriptedCloud, exitWhenDone } = await import('./client-helpers.mjs');
const { makeEnvironment } = await import('./wrtc-env.mjs');

const guard = exitWhenDone(after);

// A browser's offer (Chrome's shape, trimmed), as tests/cpp/call/harness.hpp has it.
const OFFER = [
  'v=0', 'o=- 3346181849427622974 2 IN IP4 127.0.0.1', 's=-', 't=0 0', 'a=group:BUNDLE 0',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111 0 8 126', 'c=IN IP4 0.0.0.0', 'a=mid:0', 'a=sendrecv',
  'a=rtpmap:111 opus/48000/2', 'a=fmtp:111 minptime=10;useinbandfec=1', 'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:8 PCMA/8000', 'a=rtpmap:126 telephone-event/8000', '',
].join('\r\n');

async function setUp(t) {
  const cloud = await ScriptedCloud.start();
  const env = makeEnvironment({ toneHz: 1000 });
  const logs = [];
  const client = new AculabCloudClient(CLOUD_ID, KEY, 'alice', 1, { url: cloud.url, environment: env, logger: (level, text) => logs.push({ level, text }) });
  t.after(async () => {
    client.close();
    env.stop();
    await cloud.close();
  });
  return { cloud, client, logs };
}

function watch(call) {
  const log = new CallbackLog();
  for (const name of ['onError', 'onDisconnect', 'onLocalMedia']) call[name] = log.record(name);
  return log;
}

test('a call with codecs whose SDP module cannot load fails with a cause and a log line', { timeout: 60000 }, guard(async (t) => {
  const { client, logs } = await setUp(t);
  const call = client.callService('codecs', { codecs: { audio: ['audio/PCMU'] } });
  const log = watch(call);
  const error = await log.next('onError');
  assert.equal(error.payload.cause, 'ERROR');
  assert.match(error.payload.error, /^SDP module not loaded: .*nonexistent/);
  assert.equal((await log.next('onDisconnect')).payload.cause, 'ERROR');
  assert.ok(logs.some((l) => l.level === 1 && /acw-sdp\.wasm\) did not load: .*nonexistent/.test(l.text)), JSON.stringify(logs));
}));

test('mungeSdp through the built module: codec order, bitrate cap, and what it does not understand', guard(async () => {
  sdpMissing = false; // a failed load is tried again
  const munge = await loadSdpTools();
  const out = munge(OFFER, '{"audioCodecs":["audio/PCMA","opus"],"maxBitrateAudio":32000}');
  assert.equal(out.error, '');
  assert.match(out.sdp, /^m=audio 9 UDP\/TLS\/RTP\/SAVPF 8 111 0 126\r$/m);
  assert.match(out.sdp, /^b=AS:32\r\nb=TIAS:32000\r$/m);
  assert.match(out.sdp, /^a=fmtp:111 minptime=10;useinbandfec=1;maxaveragebitrate=32000\r$/m);
  assert.deepEqual(munge(OFFER, '{}'), { sdp: OFFER, error: '' });
  const odd = 'v=0\r\nnot sdp at all\r\n';
  const bad = munge(odd, '{"audioCodecs":["opus"]}');
  assert.equal(bad.sdp, odd);
  assert.match(bad.error, /^local SDP not understood, used as it is: ./);
  assert.match(munge(OFFER, '{"maxBitrateAudio":-1}').error, /^Invalid call options: maxBitrateAudio /);
  assert.equal(await loadSdpTools(), munge, 'loaded once');
  const video = munge(`${OFFER}m=video 9 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\na=mid:1\r\na=rtpmap:96 VP8/90000\r\n`, '{"maxBitrateVideo":250000}');
  assert.equal(video.error, '');
  assert.match(video.sdp, /\r\nm=video 9 UDP\/TLS\/RTP\/SAVPF 96\r\nc=IN IP4 0\.0\.0\.0\r\nb=AS:250\r\nb=TIAS:250000\r\n/);
  assert.doesNotMatch(video.sdp.split('m=video')[0], /b=AS/, 'the audio section keeps no cap');
}));

test('a call with maxBitrateVideo alone loads the module and caps the offer\'s video section', { timeout: 60000 }, guard(async (t) => {
  sdpMissing = false;
  const { cloud, client } = await setUp(t);
  // No camera here: receiveVideo asks for a video section all the same.
  const call = client.callService('video', { receiveVideo: true, maxBitrateVideo: 300000, maxBitrateAudio: Infinity });
  const log = watch(call);
  const invite = await cloud.next('INVITE');
  const [audio, video] = invite.body.split(/\r\n(?=m=video )/);
  assert.match(video, /^m=video /);
  assert.match(video, /\r\nb=AS:300\r\nb=TIAS:300000\r\n/);
  assert.doesNotMatch(audio, /b=AS|b=TIAS|maxaveragebitrate/, 'Infinity is no cap');
  cloud.reply(invite, 486, { toTag: 'c' });
  assert.equal((await log.next('onDisconnect')).payload.cause, 'BUSY');
}));

test('once it loads, a call with codecs and maxBitrateAudio sends the munged offer', { timeout: 60000 }, guard(async (t) => {
  sdpMissing = false;
  const { cloud, client } = await setUp(t);
  const call = client.callService('codecs', { codecs: { audio: ['audio/PCMA'] }, maxBitrateAudio: 16000 });
  const log = watch(call);
  const invite = await cloud.next('INVITE');
  const formats = /^m=audio \d+ \S+ (.*)$/m.exec(invite.body)[1].split(' ');
  assert.equal(formats[0], '8', 'PCMA first');
  assert.match(invite.body, /^b=AS:16\r$/m);
  assert.match(invite.body, /^a=candidate:/m, 'the gathered description, munged');
  cloud.reply(invite, 486, { toTag: 'c' });
  assert.equal((await log.next('onDisconnect')).payload.cause, 'BUSY');
}));
