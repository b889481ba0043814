// Video between two clients in Chromium (its fake camera) through the local cloud's proxy: video both ways (frames decoded and shown), receiveVideo, codecs.video, maxBitrateVideo in the SDP sent and kept by both ends, camera mute sending black frames, and onLocalVideoMute/Unmute and onRemoteVideoMute/Unmute with the documented fields.
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ClientCall } from '../../cloud/proxy.mjs';
import { assertBuilt, cloudToken, endProcessSoon, launchBrowser, sleep, startCloud, toneFile, until } from './helpers.mjs';

test('dist/ is built and Chromium is installed', () => assertBuilt());

// Generous: two peer connections encoding video on a loaded 2-core machine.
const WAIT = 60000;
const AUDIO = { echoCancellation: false, noiseSuppression: false, autoGainControl: false };
const AV = { audio: AUDIO, video: { width: 320, height: 240 } };
// Chromium's fake camera draws a bright picture; a disabled track is sent as black frames.
const BRIGHT = 60;
const DARK = 30;

// A page's harness: one client; every call and every callback recorded with what it was given;
// a call's video played in a <video> and read back through a canvas.
const HARNESS = `
window.h = {
  calls: [],
  answerWith: {},
  async start(cloudId, accessKey, clientId, token) {
    const { AculabCloudClient } = await import('/js/index.js');
    h.AculabCloudClient = AculabCloudClient;
    const client = new AculabCloudClient(cloudId, accessKey, clientId, 0, { url: 'ws://' + location.host + '/sipproxy' });
    h.client = client;
    client.onIncoming = (o) => {
      const rec = h.track(o.call);
      rec.offer = { offeringVideo: o.offeringVideo, canReceiveVideo: o.canReceiveVideo, offeringAudio: o.offeringAudio };
      o.call.answer(h.answerWith);
    };
    await new Promise((resolve, reject) => {
      client.onIncomingState = (s) => (s.ready ? resolve() : reject(new Error('incoming ' + s.cause)));
      client.enableIncoming(token);
    });
  },
  call(target, token, options) {
    return h.calls.indexOf(h.track(h.client.callClient(target, token, options)));
  },
  track(call) {
    const rec = { call, events: [], bad: [] };
    h.calls.push(rec);
    const fields = (name, o, stream) => {
      if (o.call !== call) rec.bad.push(name + ': call');
      if (o.stream !== stream) rec.bad.push(name + ': stream');
      if (!o.track || o.track.kind !== 'video' || !o.stream.getTracks().includes(o.track)) rec.bad.push(name + ': track');
    };
    call.onLocalMedia = (o) => { rec.local = o.stream; rec.events.push('onLocalMedia'); };
    call.onMedia = (o) => {
      rec.remote = o.stream;
      rec.events.push('onMedia');
      if (!rec.video) {
        rec.video = document.createElement('video');
        rec.video.muted = true;
        rec.video.autoplay = true;
        rec.video.playsInline = true;
        document.body.append(rec.video);
      }
      rec.video.srcObject = o.stream;
      rec.video.play().catch(() => {});
    };
    call.onConnected = () => rec.events.push('onConnected');
    call.onDisconnect = (o) => rec.events.push('onDisconnect ' + o.cause);
    call.onLocalVideoMute = (o) => { fields('onLocalVideoMute', o, rec.local); rec.events.push('onLocalVideoMute ' + o.track.enabled); };
    call.onLocalVideoUnmute = (o) => { fields('onLocalVideoUnmute', o, rec.local); rec.events.push('onLocalVideoUnmute ' + o.track.enabled); };
    call.onRemoteVideoMute = (o) => { fields('onRemoteVideoMute', o, rec.remote); rec.events.push('onRemoteVideoMute ' + o.track.muted); };
    call.onRemoteVideoUnmute = (o) => { fields('onRemoteVideoUnmute', o, rec.remote); rec.events.push('onRemoteVideoUnmute ' + o.track.muted); };
    return rec;
  },
  rec(i) { return i < 0 ? h.calls[h.calls.length + i] : h.calls[i]; },
  events(i) { const r = h.rec(i); return r ? r.events : []; },
  // inbound/outbound video (and inbound audio) from getStats; the codec the outbound video uses.
  async stats(i) {
    const r = h.rec(i);
    const out = { in: null, out: null, audioIn: null, codec: null };
    if (!r || !r.call) return out;
    let report;
    try { report = await r.call.getStats(); } catch { return out; }
    let codecId = null;
    report.forEach((s) => {
      if (s.type === 'inbound-rtp' && s.kind === 'video') out.in = { framesDecoded: s.framesDecoded ?? 0, width: s.frameWidth ?? 0, bytes: s.bytesReceived ?? 0 };
      if (s.type === 'inbound-rtp' && s.kind === 'audio') out.audioIn = { bytes: s.bytesReceived ?? 0 };
      if (s.type === 'outbound-rtp' && s.kind === 'video') { out.out = { bytes: s.bytesSent ?? 0, frames: s.framesEncoded ?? 0, t: s.timestamp }; codecId = s.codecId; }
    });
    if (codecId) out.codec = report.get(codecId)?.mimeType ?? null;
    return out;
  },
  // The shown picture: its size, and the mean and brightest luma of a small copy of it.
  picture(i) {
    const v = h.rec(i) && h.rec(i).video;
    if (!v || !v.videoWidth) return { width: 0, mean: -1, max: -1 };
    const c = document.createElement('canvas');
    c.width = 64;
    c.height = 48;
    const g = c.getContext('2d', { willReadFrequently: true });
    g.drawImage(v, 0, 0, 64, 48);
    const d = g.getImageData(0, 0, 64, 48).data;
    let sum = 0, max = 0;
    for (let p = 0; p < d.length; p += 4) {
      const y = 0.299 * d[p] + 0.587 * d[p + 1] + 0.114 * d[p + 2];
      sum += y;
      if (y > max) max = y;
    }
    return { width: v.videoWidth, mean: sum / (d.length / 4), max };
  },
  state(i) {
    const r = h.rec(i);
    const tracks = (s) => (s ? s.getTracks().map((t) => t.kind + ':' + (t.enabled ? 'on' : 'off')) : null);
    return { events: r.events, bad: r.bad, offer: r.offer, local: tracks(r.local), remote: tracks(r.remote) };
  },
  hangUpAll() {
    for (const r of h.calls) r.call.disconnect();
  },
};
`;

describe('video between two clients in Chromium', { timeout: 900000 }, () => {
  let cloud;
  let browser;
  let alice; // the caller's page
  let bob; // the callee's page, registered as 'bob'
  const relayed = []; // the cloud's ClientCall of each client-to-client call: its INVITE, its legs
  const start = ClientCall.prototype.start;

  const token = (clientId, params) => cloudToken(cloud, clientId, params);

  async function openPage(clientId) {
    const page = await (await browser.newContext()).newPage();
    if (process.env.ACW_TEST_LOG) page.on('console', (m) => console.log(`${clientId}:`, m.text()));
    await page.goto(new URL('js/index.js', cloud.url).href);
    await page.evaluate(HARNESS);
    await page.evaluate(([c, k, id, t]) => window.h.start(c, k, id, t), [cloud.config.cloudId, cloud.config.accessKey, clientId, await token(clientId)]);
    return page;
  }

  const stats = (page, i = -1) => page.evaluate((n) => window.h.stats(n), i);
  const picture = (page, i = -1) => page.evaluate((n) => window.h.picture(n), i);
  const state = (page, i = -1) => page.evaluate((n) => window.h.state(n), i);
  const events = (page, i = -1) => page.evaluate((n) => window.h.events(n), i);
  const waitEvent = (page, name, what, i = -1) =>
    until(async () => (await events(page, i)).includes(name), { timeout: WAIT, what: `${what}: ${name}` });

  /** Waits until the page's call decodes video, frames still coming: framesDecoded grows by 10 in one look. */
  async function decoding(page, who) {
    let first = null;
    return until(async () => {
      const s = await stats(page);
      if (!s.in || !s.in.framesDecoded) return false;
      if (first === null) first = s.in.framesDecoded;
      return s.in.framesDecoded >= first + 10 ? s.in : false;
    }, { timeout: WAIT, what: `${who} decoding video` });
  }

  /** Calls bob from alice with `options`; bob answers with `answer`. Both connected, with media. */
  async function callBob(options, answer) {
    await bob.evaluate((a) => { window.h.answerWith = a; }, answer);
    const before = relayed.length;
    await alice.evaluate(([t, o]) => window.h.call('bob', t, o), [await token('alice', { call_client: 'bob' }), options]);
    for (const [page, who] of [[alice, 'alice'], [bob, 'bob']]) {
      await until(async () => (await events(page)).includes('onConnected'), { timeout: WAIT, what: `${who} connected` });
    }
    await until(() => relayed.length > before, { timeout: WAIT, what: 'the cloud relaying the call' });
    return relayed[relayed.length - 1];
  }

  /** The SDP section of `kind` in an SDP text (test-side reading, to check what went on the wire). */
  function section(sdp, kind) {
    const parts = sdp.split(/\r\n(?=m=)/);
    return parts.find((p) => p.startsWith(`m=${kind} `)) ?? '';
  }

  /** The sender's mean video bitrate (bits/s) over `ms`, from its outbound-rtp bytesSent. */
  async function sendRate(page, ms) {
    const a = await stats(page);
    await sleep(ms);
    const b = await stats(page);
    return ((b.out.bytes - a.out.bytes) * 8 * 1000) / (b.out.t - a.out.t);
  }

  before(async () => {
    assertBuilt();
    ClientCall.prototype.start = function recorded(...args) {
      relayed.push(this);
      return start.apply(this, args);
    };
    cloud = await startCloud();
    browser = await launchBrowser({ wav: toneFile('video', { freq: 440, seconds: 2 }) });
    bob = await openPage('bob');
    alice = await openPage('alice');
  });
  afterEach(async () => {
    for (const page of [alice, bob]) await page?.evaluate(() => window.h.hangUpAll()).catch(() => {});
    for (const page of [alice, bob]) {
      await until(async () => !(await page.evaluate(() => window.h.calls.some((r) => !r.events.some((e) => e.startsWith('onDisconnect'))))),
        { timeout: WAIT, what: 'every call ended' }).catch(() => {});
    }
  });
  after(async () => {
    ClientCall.prototype.start = start;
    await browser?.close();
    await cloud?.stop();
    endProcessSoon();
  });

  test('video both ways, camera mute sends black frames, and the four video callbacks fire with call, stream and track', async () => {
    const relay = await callBob({ constraints: AV }, { constraints: AV });
    assert.deepEqual((await state(bob)).offer, { offeringVideo: true, canReceiveVideo: true, offeringAudio: true });
    assert.match(section(relay.invite.body, 'video'), /a=sendrecv/);

    // Both ways: frames decoded and growing, and a picture in each page's <video>.
    for (const [page, who] of [[alice, 'alice'], [bob, 'bob']]) {
      const s = await decoding(page, who);
      assert.ok(s.width > 0, `${who} decodes frames with a width`);
      const p = await until(async () => {
        const q = await picture(page);
        return q.width > 0 && q.max > BRIGHT ? q : false;
      }, { timeout: WAIT, what: `${who}'s <video> showing the far camera` });
      assert.ok(p.width > 0);
      // The remote track starts muted and unmutes with the first packets (interface.md: onRemoteVideoUnmute).
      await waitEvent(page, 'onRemoteVideoUnmute false', who);
      assert.deepEqual((await state(page)).bad, [], `${who}'s callbacks had the documented fields`);
    }

    // Camera mute: onLocalVideoMute with the disabled track; the far end still gets frames, black ones.
    await alice.evaluate(() => window.h.rec(-1).call.mute(false, false, true, false));
    let s = await state(alice);
    assert.ok(s.events.includes('onLocalVideoMute false'), `onLocalVideoMute fired: ${s.events}`);
    assert.deepEqual(s.local.sort(), ['audio:on', 'video:off']);
    await until(async () => (await picture(bob)).max < DARK, { timeout: WAIT, what: 'bob seeing black frames' });
    await decoding(bob, 'bob, black frames');
    assert.ok((await stats(bob)).audioIn.bytes > 0, 'the audio goes on');
    // The same mute again changes nothing, so no second callback.
    await alice.evaluate(() => window.h.rec(-1).call.mute(false, false, true, false));
    assert.equal((await events(alice)).filter((e) => e.startsWith('onLocalVideoMute')).length, 1);

    await alice.evaluate(() => window.h.rec(-1).call.mute(false, false, false, false));
    assert.ok((await events(alice)).includes('onLocalVideoUnmute true'));
    await until(async () => (await picture(bob)).max > BRIGHT, { timeout: WAIT, what: 'bob seeing the camera again' });

    // muteLocalStream on the stream onLocalMedia gave: the camera alone.
    await alice.evaluate(() => window.h.rec(-1).call.muteLocalStream(window.h.rec(-1).local, false, true));
    assert.equal((await events(alice)).filter((e) => e === 'onLocalVideoMute false').length, 2);
    await until(async () => (await picture(bob)).max < DARK, { timeout: WAIT, what: 'bob seeing black frames after muteLocalStream' });
    await alice.evaluate(() => window.h.rec(-1).call.muteLocalStream(window.h.rec(-1).local, false, false));
    assert.equal((await events(alice)).filter((e) => e === 'onLocalVideoUnmute true').length, 2);

    // The far side stops sending video (a re-INVITE from bob's side of the cloud whose video is
    // recvonly, as a hold would): alice's remote track mutes; sendrecv again unmutes it.
    const original = relay.lastSdp.get(relay.b);
    const reoffer = (sdp, version) => new Promise((resolve) => relay.a.sendReinvite({ sdp: sdp.replace(/^(o=\S+ \S+ )(\d+)/m, `$1${version}`) }, resolve));
    const video = section(original, 'video');
    const held = original.replace(video, video.replace('a=sendrecv', 'a=recvonly'));
    assert.notEqual(held, original);
    assert.equal((await reoffer(held, 100)).status, 200);
    await waitEvent(alice, 'onRemoteVideoMute true', 'alice');
    assert.equal((await reoffer(original, 101)).status, 200);
    await until(async () => (await events(alice)).filter((e) => e === 'onRemoteVideoUnmute false').length === 2,
      { timeout: WAIT, what: 'alice: a second onRemoteVideoUnmute' });
    assert.deepEqual((await state(alice)).bad, []);
  });

  test('receiveVideo: an audio-only caller may receive video, and a caller with a camera may refuse it', async () => {
    await callBob({ constraints: { audio: AUDIO, video: false }, receiveVideo: true }, { constraints: AV });
    assert.deepEqual((await state(bob)).offer, { offeringVideo: false, canReceiveVideo: true, offeringAudio: true });
    await decoding(alice, 'alice (audio only, receiveVideo: true)');
    assert.equal((await stats(bob)).in, null, 'bob receives no video');
    await alice.evaluate(() => window.h.hangUpAll());
    await waitEvent(bob, 'onDisconnect NORMAL', 'bob');

    await callBob({ constraints: AV, receiveVideo: false }, { constraints: AV });
    assert.deepEqual((await state(bob)).offer, { offeringVideo: true, canReceiveVideo: false, offeringAudio: true });
    await decoding(bob, 'bob');
    await sleep(2000);
    const s = await stats(alice);
    assert.ok(!s.in || !s.in.framesDecoded, `alice refused video but decodes ${JSON.stringify(s.in)}`);
  });

  test('codecs.video puts VP9 first and maxBitrateVideo caps the video both ends send', async (t) => {
    const CAP = 100000;
    const vp9 = await alice.evaluate(() => window.h.AculabCloudClient.getCodecList('video').find((c) => c.mimeType === 'video/VP9'));
    assert.ok(vp9, 'Chromium can send VP9');
    const relay = await callBob({ constraints: AV, codecs: { video: [vp9] }, maxBitrateVideo: CAP }, { constraints: AV });

    // What alice sent: VP9 first on the video m= line, and the cap on the video section only.
    const sent = relay.invite.body;
    const video = section(sent, 'video');
    const first = /^m=video \S+ \S+ (\d+)/.exec(video)[1];
    assert.match(video, new RegExp(`a=rtpmap:${first} VP9/90000`));
    assert.match(video, /\r\nb=AS:100\r\nb=TIAS:100000\r\n/);
    assert.doesNotMatch(section(sent, 'audio'), /b=AS|b=TIAS/);

    await decoding(alice, 'alice');
    await decoding(bob, 'bob');
    for (const [page, who] of [[alice, 'alice'], [bob, 'bob']]) {
      const codec = await until(async () => (await stats(page)).codec, { timeout: WAIT, what: `${who}'s outbound video codec` });
      assert.equal(codec, 'video/VP9', `${who} sends VP9`);
    }
    // Bob's browser keeps to the b=AS alice's SDP asked for, and alice's to the one the client put
    // in bob's SDP before giving it to the browser (4.0.8 caps its own sender). Headers: 25%.
    await sleep(3000);
    for (const [page, who] of [[bob, 'bob'], [alice, 'alice']]) {
      const rate = await sendRate(page, 6000);
      t.diagnostic(`${who}'s video: ${Math.round(rate)} b/s under a cap of ${CAP}`);
      assert.ok(rate > 0 && rate <= CAP * 1.25, `${who} sends ${Math.round(rate)} b/s, cap ${CAP}`);
    }
  });
});
