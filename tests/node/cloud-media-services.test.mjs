// Services that make or keep audio, heard by a wrtc far peer: playback, early-media, ivr (in-band and RFC 4733 digits), record (Ogg Opus).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { basicAuth, bodyOf, DIST, fetchToken, headerOf, isRequest, isResponse, ScriptedClient, startTestCloud, statusOf } from './cloud-helpers.mjs';
import { AudioPeer, bandShare, endProcess, toneShare } from './cloud-audio-peer.mjs';
import { AudioCall, findMediaModule, loadAudio } from '../../cloud/audio.mjs';

let cloud;
let audio;
before(async () => {
  // A missing media module fails every test here (never skips them).
  assert.ok(findMediaModule(DIST), `${DIST}/acw-media.{mjs,wasm} not built`);
  cloud = await startTestCloud({ recordSeconds: 2 });
  audio = await loadAudio(DIST);
  assert.ok(cloud.audio && audio, 'the media module did not load');
});
after(async () => {
  await cloud?.stop();
  endProcess();
});
const service = (name) => `sip:${name}@sip-1-2-0.aculab.com;transport=tcp`;
const endOf = (callId) => cloud.events.waitFor((e) => e.type === 'call.end' && e.sipCallId === callId, 10000);

/** The DTMF digits in PCM, found with the media module's detector. */
function digitsIn(samples, rate) {
  const detector = new audio.m.DtmfDetector({ sampleRate: rate });
  try {
    return detector.process(samples);
  } finally {
    detector.delete();
  }
}

async function answeredCall(client, peer, name) {
  const inv = client.inviteText(service(name), { sdp: await peer.offer() });
  client.peer.send(inv.text);
  const ok = await client.peer.next(isResponse(200, 'INVITE'), 8000);
  client.peer.send(client.ackText(inv, ok));
  await peer.accept(bodyOf(ok));
  await peer.waitForConnected();
  return { inv, ok };
}

test('playback: the prompt (DTMF pairs 123A456B) is heard, then the cloud hangs up', async () => {
  const client = await ScriptedClient.connect(cloud, 'alice');
  const peer = new AudioPeer({ toneHz: 300 });
  const { inv } = await answeredCall(client, peer, 'playback');
  const started = Date.now();
  const bye = await client.peer.next(isRequest('BYE'), 8000);
  const playedMs = Date.now() - started;
  client.peer.send(client.respondTo(bye, 200, 'OK'));
  assert.ok(playedMs > 2500 && playedMs < 5000, `BYE after ${playedMs} ms`);
  const { samples, rate } = peer.heard({ from: started - 500 });
  assert.equal(digitsIn(samples, rate), '123A456B');
  const end = await endOf(inv.callId);
  assert.equal(end.by, 'cloud');
  assert.equal(end.cause, 'NORMAL');
  assert.ok(end.levelDbfs > -20 && end.levelDbfs < -6, `caller level ${end.levelDbfs} dBFS`); // 0.25 of full scale: -15 dBFS
  assert.ok(end.audioMs > 0, `audioMs ${end.audioMs}`); // how much depends on the machine's load; the level above is the check
  peer.close();
  await client.close();
});

test('early-media: 183 with SDP and the UK ringback before the 200; echo after it', async () => {
  const client = await ScriptedClient.connect(cloud, 'alice');
  const peer = new AudioPeer({ toneHz: 0 });
  const inv = client.inviteText(service('early-media'), { sdp: await peer.offer() });
  client.peer.send(inv.text);
  const progress = await client.peer.next(isResponse(183), 5000);
  assert.equal(headerOf(progress, 'Content-Type'), 'application/sdp');
  await peer.accept(bodyOf(progress));
  await peer.waitForConnected();
  const ok = await client.peer.next(isResponse(200, 'INVITE'), 8000);
  assert.equal(bodyOf(ok), bodyOf(progress));
  assert.equal(headerOf(ok, 'To'), headerOf(progress, 'To'));
  client.peer.send(client.ackText(inv, ok));
  const early = peer.heard({ lastMs: 2000 });
  const share = bandShare(early.samples, early.rate, 350, 500);
  assert.ok(peer.level(2000).rms > 300, `ringback level ${peer.level(2000).rms}`);
  assert.ok(share > 0.8, `400+450 Hz share of the early media: ${share}`);
  peer.toneHz = 1000;
  await new Promise((r) => setTimeout(r, 1500));
  const echoed = peer.level(700, 1000);
  assert.ok(echoed.rms > 2000 && echoed.share > 0.8, JSON.stringify(echoed));
  client.peer.send(client.byeText(inv, ok));
  await client.peer.next(isResponse(200, 'BYE'));
  const events = cloud.events.list({ call: (await endOf(inv.callId)).call }).map((e) => e.type);
  assert.ok(events.indexOf('call.prompt') < events.indexOf('call.answered'), events.join(' '));
  peer.close();
  await client.close();
});

test('ivr: in-band digits are recorded in the events and played back as tones; # ends the call', async () => {
  const client = await ScriptedClient.connect(cloud, 'alice');
  const peer = new AudioPeer({ toneHz: 0 });
  const { inv } = await answeredCall(client, peer, 'ivr');
  await new Promise((r) => setTimeout(r, 900)); // the greeting (*#, 0.7 s)
  const from = Date.now();
  await peer.sendDigits('59');
  await new Promise((r) => setTimeout(r, 600));
  const { samples, rate } = peer.heard({ from });
  assert.equal(digitsIn(samples, rate), '59');
  await peer.sendDigits('#');
  const bye = await client.peer.next(isRequest('BYE'), 5000);
  client.peer.send(client.respondTo(bye, 200, 'OK'));
  const end = await endOf(inv.callId);
  assert.equal(end.digits, '59#');
  const dtmf = cloud.events.list({ call: end.call, type: 'call.dtmf' });
  assert.deepEqual(dtmf.map((e) => [e.digit, e.how]), [['5', 'inband'], ['9', 'inband'], ['#', 'inband']]);
  peer.close();
  await client.close();
});

test('RFC 4733 telephone-events reach the digit handler once per key (AudioCall with a scripted session)', async () => {
  const handlers = [];
  const session = {
    payloadTypes: { opus: 111, events: new Set([110]) },
    onRtp: (fn) => handlers.push(fn),
    isOpus: (rtp) => rtp.header.payloadType === 111,
    isEvent: (rtp) => rtp.header.payloadType === 110,
    every20ms: () => () => {},
    sendRtp: () => {},
  };
  const call = new AudioCall(audio, session);
  const heard = [];
  call.onDigit((d, how) => heard.push(`${d}:${how}`), { inband: false });
  let base = 1000;
  for (const digit of '1*#D') {
    const packets = audio.m.encodeDtmfDigits(digit, { clockRate: 48000 });
    assert.ok(packets.length >= 5);
    for (const p of packets) handlers[0]({ header: { payloadType: 110, timestamp: base + p.timestampOffset, marker: p.marker }, payload: p.payload });
    // The end packet is sent three times (RFC 4733 §2.5.1.4): still one digit.
    base += 48000;
  }
  assert.deepEqual(heard, ['1:rfc4733', '*:rfc4733', '#:rfc4733', 'D:rfc4733']);
  call.close();
});

test('record: beep, 2 s of the caller to a valid Ogg Opus file holding its tone, played back, then BYE', async () => {
  const client = await ScriptedClient.connect(cloud, 'alice');
  const peer = new AudioPeer({ toneHz: 700 });
  const { inv } = await answeredCall(client, peer, 'record');
  const saved = await cloud.events.waitFor((e) => e.type === 'call.recording' && e.state === 'saved', 8000);
  const playbackFrom = Date.now();
  const bye = await client.peer.next(isRequest('BYE'), 6000);
  client.peer.send(client.respondTo(bye, 200, 'OK'));
  const back = peer.heard({ from: playbackFrom + 300, to: Date.now() - 300 });
  assert.ok(toneShare(back.samples, back.rate, 700) > 0.7, `700 Hz in the playback: ${toneShare(back.samples, back.rate, 700)}`);
  const end = await endOf(inv.callId);
  assert.equal(end.recording, saved.file);
  assert.ok(end.recordedMs >= 1500 && end.recordedMs <= 2300, `recorded ${end.recordedMs} ms`);
  assert.ok(existsSync(saved.file));
  const file = audio.readOgg(readFileSync(saved.file));
  assert.equal(file.complete, true);
  assert.equal(file.damage, ''); // no damage found
  assert.equal(file.packets.length * 20, end.recordedMs);
  // Decode the file (skipping the first 200 ms) and find the caller's 700 Hz in it.
  const decoder = audio.decoder(48000);
  const pcm = [];
  for (const p of file.packets.slice(10)) pcm.push(...decoder.decode(p));
  decoder.delete();
  assert.ok(toneShare(pcm, 48000, 700) > 0.8, `700 Hz in the file: ${toneShare(pcm, 48000, 700)}`);
  // The file is served to the account (its credentials), not to anyone.
  assert.equal((await fetch(new URL(saved.url.slice(1), cloud.url))).status, 401);
  const res = await fetch(new URL(saved.url.slice(1), cloud.url), { headers: { Authorization: basicAuth(cloud) } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'audio/ogg');
  peer.close();
  await client.close();
});

test('outbound-call API with action playback: the answered client hears the prompt, then BYE', async () => {
  const client = await ScriptedClient.connect(cloud, 'sam');
  assert.equal(statusOf(await client.register(await fetchToken(cloud, { client_id: 'sam' }))), 200);
  const res = await fetch(new URL('outbound_call', cloud.url), {
    method: 'POST',
    headers: { Authorization: basicAuth(cloud), 'Content-Type': 'application/x-www-form-urlencoded' },
    body: 'destination=webrtc:sam&call_from=441234567890&action=playback',
  });
  const { call } = await res.json();
  const invite = await client.peer.next(isRequest('INVITE'), 5000);
  const peer = new AudioPeer({ toneHz: 0 });
  client.peer.send(client.respondTo(invite, 200, 'OK', { body: await peer.answer(bodyOf(invite)) }));
  await client.peer.next(isRequest('ACK'));
  const started = Date.now();
  const bye = await client.peer.next(isRequest('BYE'), 8000);
  client.peer.send(client.respondTo(bye, 200, 'OK'));
  const { samples, rate } = peer.heard({ from: started - 500 });
  assert.equal(digitsIn(samples, rate), '123A456B');
  const end = await cloud.events.waitFor((e) => e.type === 'call.end' && e.call === call);
  assert.equal(end.by, 'cloud');
  assert.equal(end.action, 'playback');
  peer.close();
  await client.close();
});

test('AudioCall: echo repacketizes into one continuous RTP stream; garbage payloads are refused, never thrown', async () => {
  const handlers = [];
  const sent = [];
  const session = {
    payloadTypes: { opus: 111, events: new Set([110]) },
    onRtp: (fn) => handlers.push(fn),
    isOpus: (rtp) => rtp.header.payloadType === 111,
    isEvent: (rtp) => rtp.header.payloadType === 110,
    every20ms: () => () => {},
    sendRtp: (bytes) => sent.push(bytes),
  };
  const call = new AudioCall(audio, session);
  call.echo(true);
  const packets = audio.encodePcm(audio.tone({ tone: 'dtmf', digits: '7', onMs: 400, offMs: 0 }, 400));
  let seed = 7;
  const junk = () => Uint8Array.from({ length: (seed = (seed * 48271) % 2147483647) % 300 }, () => (seed = (seed * 48271) % 2147483647) & 255);
  for (let i = 0; i < packets.length; i++) {
    handlers[0]({ header: { payloadType: 111, timestamp: 5000 + i * 960, sequenceNumber: 9 + i }, payload: packets[i] });
    handlers[0]({ header: { payloadType: i % 2 ? 111 : 110, timestamp: 77, sequenceNumber: 1 }, payload: junk() });
  }
  handlers[0]({ header: { payloadType: 111, timestamp: 1 }, payload: new Uint8Array(0) });
  assert.ok(sent.length >= packets.length, `${sent.length} sent`);
  const out = sent.map((b) => audio.m.parseRtp(b));
  // Junk that happens to be valid Opus is echoed too: the stream stays continuous whatever came.
  for (let i = 1; i < out.length; i++) {
    assert.equal(out[i].payloadType, 111);
    assert.equal(out[i].sequenceNumber, (out[0].sequenceNumber + i) & 0xffff);
    assert.equal(out[i].timestamp, (out[i - 1].timestamp + audio.packetSamples(out[i - 1].payload)) >>> 0);
    assert.equal(out[i].ssrc, out[0].ssrc);
    assert.equal(out[i].marker, false);
  }
  assert.equal(out[0].marker, true);
  const echoed = out.filter((p) => packets.some((q) => q.length === p.payload.length && q.every((x, k) => x === p.payload[k])));
  assert.equal(echoed.length, packets.length);
  const summary = call.summary();
  assert.ok(summary.audioMs >= 400, JSON.stringify(summary));
  assert.ok(summary.levelDbfs < -8 && summary.levelDbfs > -20, JSON.stringify(summary));
  call.close();
});
