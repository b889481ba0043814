// cloud/werift-fixes.mjs: two werift peers on loopback whose DTLS server answers twice with a
// HelloVerifyRequest (as it does when the client's ClientHello is retransmitted before the first
// answer arrives, on a busy machine) still connect, and media flows; after an ICE restart on
// their live DTLS transports, media flows again; and the per-packet replacements (the RTP header
// parse, SRTP AES-GCM, cloud/aes-gcm.mjs) give what werift's own code gives, packet for packet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv, randomBytes, randomInt } from 'node:crypto';
import * as werift from 'werift';
import { AesGcm } from '../../cloud/aes-gcm.mjs';
import { withoutDefaultStun } from '../../cloud/media.mjs';
import { applyWeriftFixes, ntpFromClock, parseRtpHeader } from '../../cloud/werift-fixes.mjs';

// werift's own parse, whether or not a test here has replaced it yet.
const weriftParse = werift.RtpHeader.deSerialize.acwOriginal ?? werift.RtpHeader.deSerialize;

const { RTCPeerConnection, MediaStreamTrack, RTCRtpCodecParameters } = werift;

function peer() {
  const pc = new RTCPeerConnection({
    iceServers: [], iceAdditionalHostAddresses: ['127.0.0.1'], iceUseIpv6: false,
    codecs: { audio: [new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48000, channels: 2, payloadType: 111 })] },
  });
  const track = new MediaStreamTrack({ kind: 'audio' });
  const transceiver = pc.addTransceiver(track, { direction: 'sendrecv' });
  withoutDefaultStun(pc);
  return { pc, track, transceiver };
}

const gathered = (pc) => new Promise((resolve) => {
  if (pc.iceGatheringState === 'complete') resolve();
  else pc.iceGatheringStateChange.subscribe((s) => s === 'complete' && resolve());
});
const state = (pc, want) => new Promise((resolve) => {
  if (pc.connectionState === want) resolve(want);
  pc.connectionStateChange.subscribe((s) => (s === want || s === 'failed') && resolve(s));
});

// A DTLS record (content type 22, handshake) carrying a HelloVerifyRequest (handshake type 3).
const isHelloVerify = (data) => Buffer.isBuffer(data) && data.length > 13 && data[0] === 22 && data[13] === 3;

/** Every HelloVerifyRequest `side` sends goes twice; returns the count of those sent. */
function repeatHelloVerify(side) {
  const connection = side.transceiver.dtlsTransport.iceTransport.connection;
  const send = connection.send;
  const counts = { helloVerify: 0 };
  connection.send = (data) => {
    if (isHelloVerify(data)) {
      counts.helloVerify++;
      send.call(connection, data);
    }
    return send.call(connection, data);
  };
  return counts;
}

test('a repeated HelloVerifyRequest: the DTLS handshake completes and RTP flows', { timeout: 60000 }, async () => {
  applyWeriftFixes(werift);
  const a = peer();
  const b = peer();
  const counts = [repeatHelloVerify(a), repeatHelloVerify(b)];
  // b's remote track comes with the offer.
  const heard = new Promise((resolve) => b.transceiver.onTrack.subscribe((t) => t.onReceiveRtp.subscribe(resolve)));
  try {
    await a.pc.setLocalDescription(await a.pc.createOffer());
    await gathered(a.pc);
    await b.pc.setRemoteDescription(a.pc.localDescription);
    await b.pc.setLocalDescription(await b.pc.createAnswer());
    await gathered(b.pc);
    await a.pc.setRemoteDescription(b.pc.localDescription);
    // Generous: only a broken handshake takes long (werift gives up after about 30 s).
    const [sa, sb] = await Promise.all([state(a.pc, 'connected'), state(b.pc, 'connected')]);
    assert.equal(counts[0].helloVerify + counts[1].helloVerify, 1, 'one HelloVerifyRequest was sent (twice)');
    assert.deepEqual([sa, sb], ['connected', 'connected']);
    // And SRTP works after it: an RTP packet from a reaches b.
    const rtp = new werift.RtpPacket(new werift.RtpHeader({ payloadType: 111, sequenceNumber: 1, timestamp: 960, marker: true }), Buffer.from([0xf8, 0xff, 0xfe]));
    const timer = setInterval(() => a.track.writeRtp(rtp), 20);
    try {
      const got = await heard;
      assert.equal(got.header.payloadType, 111);
    } finally {
      clearInterval(timer);
    }
  } finally {
    await a.pc.close();
    await b.pc.close();
  }
});

/** Sends an RTP packet from `from` every 20 ms; resolves with the first one `to` receives after the call. */
async function rtpFlows(from, to, limitMs) {
  const rtp = new werift.RtpPacket(new werift.RtpHeader({ payloadType: 111, sequenceNumber: 1, timestamp: 960, marker: true }), Buffer.from([0xf8, 0xff, 0xfe]));
  let subscription;
  const heard = new Promise((resolve, reject) => {
    const track = to.transceiver.receiver.tracks[0];
    subscription = track.onReceiveRtp.subscribe(resolve);
    setTimeout(() => reject(new Error(`no RTP in ${limitMs} ms`)), limitMs).unref();
  });
  const timer = setInterval(() => from.track.writeRtp(rtp), 20);
  try {
    return await heard;
  } finally {
    clearInterval(timer);
    subscription?.unSubscribe?.();
  }
}

test('an ICE restart on a connected call (DTLS up): both agents start again, nominate a pair and RTP flows both ways', { timeout: 60000 }, async () => {
  applyWeriftFixes(werift);
  const a = peer();
  const b = peer();
  const agent = (side) => side.transceiver.dtlsTransport.iceTransport.connection;
  try {
    const negotiate = async (options) => {
      await a.pc.setLocalDescription(await a.pc.createOffer(options));
      await gathered(a.pc);
      await b.pc.setRemoteDescription(a.pc.localDescription);
      await b.pc.setLocalDescription(await b.pc.createAnswer());
      await gathered(b.pc);
      await a.pc.setRemoteDescription(b.pc.localDescription);
    };
    await negotiate();
    assert.deepEqual(await Promise.all([state(a.pc, 'connected'), state(b.pc, 'connected')]), ['connected', 'connected']);
    await rtpFlows(a, b, 10000);
    const ufrag = agent(b).remoteUsername;

    // a restarts ICE (new ufrag/pwd): werift restarts b's agent when it takes the offer, and a's
    // when it takes the answer; both DTLS transports stay up.
    await negotiate({ iceRestart: true });
    assert.notEqual(agent(b).remoteUsername, ufrag, 'b took new ICE credentials');
    assert.equal(a.transceiver.dtlsTransport.state, 'connected');
    // Generous (a loaded machine): the checks of a restarted agent take well under a second.
    await rtpFlows(b, a, 20000);
    await rtpFlows(a, b, 20000);
    assert.ok(agent(a).nominated && agent(b).nominated, 'each agent nominated a pair after the restart');
  } finally {
    await a.pc.close();
    await b.pc.close();
  }
});

// What a parse gives: the header, or that it threw.
const outcome = (parse, raw) => {
  try {
    return { header: parse(raw) };
  } catch {
    return { threw: true };
  }
};

const pick = (list) => list[randomInt(list.length)];

/** A random RTP packet as bytes: any first byte, CSRCs, each extension profile with odd contents, short or long. */
function randomRtpBytes() {
  const count = randomInt(16);
  const extension = randomInt(3) > 0;
  const first = (randomInt(4) << 6) | (randomInt(2) << 5) | (extension ? 0x10 : 0) | count;
  const parts = [Buffer.from([first, randomInt(256)]), randomBytes(10 + 4 * count)];
  if (extension) {
    const profile = pick([0xbede, 0xbede, 0x1000, 0x1000, randomInt(0x10000)]);
    const words = randomInt(6);
    const head = Buffer.alloc(4);
    head.writeUInt16BE(profile, 0);
    head.writeUInt16BE(words, 2);
    // Extension elements as a sender writes them, with padding bytes, an ID 15, or plain noise.
    const body = [];
    while (body.length < 4 * words + randomInt(8)) {
      const r = randomInt(10);
      if (r === 0) body.push(0);
      else if (r === 1) body.push(0xf0 | randomInt(16));
      else if (r < 6 && profile === 0x1000) body.push(randomInt(1, 256), randomInt(6), ...randomBytes(randomInt(6)));
      else if (r < 6) body.push((randomInt(1, 15) << 4) | randomInt(16), ...randomBytes(randomInt(1, 17)));
      else body.push(randomInt(256));
    }
    parts.push(head, Buffer.from(body));
  }
  parts.push(randomBytes(randomInt(40)));
  const raw = Buffer.concat(parts);
  // Sometimes cut anywhere (a malformed or truncated packet); sometimes a padding count at the end.
  if (randomInt(4) === 0) return raw.subarray(0, randomInt(raw.length + 1));
  if (randomInt(4) === 0) raw[raw.length - 1] = randomInt(256);
  return raw;
}

test('the RTP header parse reads every packet as werift does (fields, extensions, padding, CSRCs, the packets it refuses)', () => {
  let threw = 0;
  for (let i = 0; i < 20000; i++) {
    // (Random bytes shorter than a header with an extension: werift's parse of an extension
    // longer than the packet is quadratic in its length, see below.)
    const raw = i < 200 ? randomBytes(randomInt(16)) : randomRtpBytes();
    const theirs = outcome(weriftParse, raw);
    const ours = outcome((r) => parseRtpHeader(werift.RtpHeader, r), raw);
    assert.deepStrictEqual(ours, theirs, `packet ${raw.toString('hex')}`);
    if (theirs.threw) threw++;
  }
  assert.ok(threw > 100 && threw < 15000, `both kinds of packet were tried (${threw} refused)`);
  // An extension whose length runs past the packet's end: werift reads the missing bytes as
  // 1-byte extensions with ID 0 (copying its list each time); ours gives the same list.
  for (const profile of [0xbede, 0x1000, 0x1234]) {
    const raw = Buffer.from([0x90, 111, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, profile >> 8, profile & 0xff, 0x01, 0x2c, 0x10, 0xaa]);
    assert.deepStrictEqual(outcome((r) => parseRtpHeader(werift.RtpHeader, r), raw), outcome(weriftParse, raw));
  }

  // Installed: RtpPacket.deSerialize uses it, and reads back what werift serialises.
  applyWeriftFixes(werift);
  assert.notEqual(werift.RtpHeader.deSerialize, weriftParse, 'the parse is replaced');
  const header = new werift.RtpHeader({ payloadType: 111, sequenceNumber: 65535, timestamp: 4294967295, ssrc: 1234567, marker: true, csrc: [1, 2],
    extensions: [{ id: 1, payload: Buffer.from([0x30]) }, { id: 3, payload: Buffer.from([1, 2, 3]) }] });
  const packet = new werift.RtpPacket(header, Buffer.from([0xf8, 0xff, 0xfe]));
  const back = werift.RtpPacket.deSerialize(packet.serialize());
  assert.deepStrictEqual(back.header, weriftParse(packet.serialize()));
  assert.deepStrictEqual([back.header.csrc, back.header.extensions.map((e) => [e.id, [...e.payload]]), [...back.payload]],
    [[1, 2], [[1, [0x30]], [3, [1, 2, 3]]], [0xf8, 0xff, 0xfe]]);
});

test('AES-128-GCM (cloud/aes-gcm.mjs) gives Node\'s ciphertext and tag, and refuses any altered byte', () => {
  for (let i = 0; i < 2000; i++) {
    const key = randomBytes(16);
    const iv = randomBytes(12);
    const aad = randomBytes(pick([0, 1, 12, 16, 17, randomInt(80)]));
    const plain = randomBytes(pick([0, 1, 15, 16, 17, 32, randomInt(1500)]));
    const node = createCipheriv('aes-128-gcm', key, iv);
    node.setAAD(aad);
    const expected = Buffer.concat([node.update(plain), node.final(), node.getAuthTag()]);
    const gcm = new AesGcm(key);
    const sealed = gcm.seal(iv, aad, plain, Buffer.alloc(plain.length + 16), 0);
    assert.deepStrictEqual(sealed, expected);
    const opened = Buffer.alloc(plain.length);
    assert.ok(gcm.open(iv, aad, sealed, 0, plain.length, sealed.subarray(plain.length), opened, 0));
    assert.deepStrictEqual(opened, plain);
    // One bit changed in the text, the tag or the AAD: refused, and nothing written.
    const altered = Buffer.from(sealed);
    const where = randomInt(altered.length + aad.length);
    const aad2 = Buffer.from(aad);
    if (where < altered.length) altered[where] ^= 1 << randomInt(8);
    else aad2[where - altered.length] ^= 1 << randomInt(8);
    const untouched = Buffer.alloc(plain.length, 0xaa);
    assert.equal(gcm.open(iv, aad2, altered, 0, plain.length, altered.subarray(plain.length), untouched, 0), false);
    assert.ok(untouched.every((b) => b === 0xaa));
  }
});

/** A random header to send: CSRCs, one- or two-byte extensions, the padding bit, any sequence number. */
function randomRtpHeader() {
  const extensions = Array.from({ length: pick([0, 0, 1, 3]) }, (_, k) => ({ id: k + 1, payload: randomBytes(randomInt(1, 17)) }));
  return new werift.RtpHeader({
    payloadType: randomInt(128), marker: randomInt(2) === 1, sequenceNumber: pick([0, 65535, randomInt(65536)]),
    timestamp: randomInt(2 ** 32), ssrc: pick([0, 2 ** 32 - 1, randomInt(2 ** 32)]), padding: randomInt(5) === 0,
    csrc: Array.from({ length: pick([0, 0, 1, 15]) }, () => randomInt(2 ** 32)), extensions,
    extensionProfile: extensions.some((e) => e.payload.length > 16) ? 0x1000 : pick([0xbede, 0xbede, 0x1000]),
  });
}

test('SRTP AES-GCM: the same SRTP packets as werift\'s, decrypted the same, the same refusals (tag, padding)', () => {
  applyWeriftFixes(werift);
  const key = () => ({ localMasterKey: randomBytes(16), localMasterSalt: randomBytes(12), remoteMasterKey: randomBytes(16), remoteMasterSalt: randomBytes(12) });
  let refused = 0;
  for (let s = 0; s < 20; s++) {
    const session = new werift.SrtpSession({ keys: key(), profile: werift.ProtectionProfileAeadAes128Gcm });
    const cipher = session.localContext.cipher;
    const proto = Object.getPrototypeOf(cipher);
    assert.ok(proto.encryptRtp.acwOriginal && proto.decryptRtp.acwOriginal, 'werift\'s GCM cipher is patched');
    const theirs = { encrypt: proto.encryptRtp.acwOriginal, decrypt: proto.decryptRtp.acwOriginal };
    for (let i = 0; i < 300; i++) {
      const header = randomRtpHeader();
      const payload = randomBytes(pick([0, 1, 3, 16, 100, randomInt(1200)]));
      // A padded packet's payload ends with its padding count: valid, zero or too big.
      if (header.padding && payload.length) payload[payload.length - 1] = pick([1, payload.length, 0, payload.length + 13 + randomInt(100)]) & 0xff;
      const roc = pick([0, 1, 2 ** 32 - 1, randomInt(2 ** 32)]);
      const expected = theirs.encrypt.call(cipher, new werift.RtpHeader({ ...header }), payload, roc);
      const sent = cipher.encryptRtp(new werift.RtpHeader({ ...header }), payload, roc);
      assert.deepStrictEqual(sent, expected);

      // Received as sent, or with one bit changed: in the fixed header after its first byte
      // (authenticated data; a changed first byte would make the header's length another), the
      // encrypted payload or the tag.
      const packet = Buffer.from(sent);
      const headerEnd = sent.length - 16 - payload.length;
      if (randomInt(3) === 0) packet[pick([randomInt(1, 12), randomInt(headerEnd, packet.length)])] ^= 1 << randomInt(8);
      // The header as werift's SRTP layer parses it (parseSrtpRtpHeader: no padding yet).
      const parsed = () => {
        const h = weriftParse(packet.subarray(0, packet.length - 16));
        h.paddingSize = 0;
        return h;
      };
      const before = outcome(parsed, packet);
      if (before.threw || before.header.payloadOffset > packet.length - 16) continue;
      const decrypt = (fn) => outcome(() => fn.call(cipher, packet, roc, parsed()), packet);
      const mine = decrypt(cipher.decryptRtp);
      const original = decrypt(theirs.decrypt);
      assert.deepStrictEqual(mine, original, `packet ${packet.toString('hex')}`);
      if (original.threw) refused++;
    }
  }
  assert.ok(refused > 100, `refusals were tried (${refused})`);
});

test('SRTP AES-GCM: a refused packet throws werift\'s SrtpAuthenticationError, and RTP flows end to end through werift\'s sessions', () => {
  applyWeriftFixes(werift);
  const keys = { localMasterKey: randomBytes(16), localMasterSalt: randomBytes(12), remoteMasterKey: randomBytes(16), remoteMasterSalt: randomBytes(12) };
  const profile = werift.ProtectionProfileAeadAes128Gcm;
  const a = new werift.SrtpSession({ keys, profile });
  const b = new werift.SrtpSession({ profile, keys: { localMasterKey: keys.remoteMasterKey, localMasterSalt: keys.remoteMasterSalt, remoteMasterKey: keys.localMasterKey, remoteMasterSalt: keys.localMasterSalt } });
  // Across a sequence number wrap (the rollover counter goes to 1).
  for (let seq = 65530; seq < 65545; seq++) {
    const header = new werift.RtpHeader({ payloadType: 111, sequenceNumber: seq & 0xffff, timestamp: seq * 960, ssrc: 42 });
    const payload = randomBytes(80);
    const enc = a.encrypt(payload, header);
    const rtp = werift.RtpPacket.deSerialize(b.decrypt(enc));
    assert.deepStrictEqual([rtp.header.sequenceNumber, [...rtp.payload]], [seq & 0xffff, [...payload]]);
    enc[enc.length - 1] ^= 1;
    assert.throws(() => b.decrypt(enc), werift.SrtpAuthenticationError);
  }
  assert.equal(b.remoteContext.srtpSSRCStates[42].rolloverCounter, 1);
});

/** A sender as werift's RTCPeerConnection leaves it, on a DTLS transport that records what it is given. */
function recordingSender({ extensions, red }) {
  const sender = new werift.RTCRtpSender('audio');
  const sent = [];
  sender.dtlsTransport = {
    state: 'connected', transportSequenceNumber: 7,
    sendRtp: async (payload, header) => {
      sent.push({ payload: Buffer.from(payload), header: new werift.RtpHeader({ ...header, extensions: header.extensions.map((e) => ({ ...e })) }) });
      return 12 + payload.length;
    },
  };
  sender.codec = { payloadType: 111 };
  sender.ssrc = 0x11223344;
  sender.mid = '0';
  sender.rtcpRunning = true; // no RTCP loop (its timer) in a unit test
  sender.headerExtensions = extensions;
  if (red) sender.redRedundantPayloadType = 63;
  return { sender, sent };
}

test('RTP send: werift\'s sendRtp packet for packet (headers, extensions, RED, offsets, stats), its NTP time read when used', async () => {
  applyWeriftFixes(werift);
  const send = werift.RTCRtpSender.prototype.sendRtp;
  assert.ok(send.acwOriginal, 'sendRtp is replaced');
  const URI = werift.RTP_EXTENSION_URI;
  const sets = [[], [{ id: 1, uri: URI.sdesMid }, { id: 3, uri: URI.absSendTime }, { id: 5, uri: URI.transportWideCC }], [{ id: 4, uri: URI.absSendTime }, { id: 2, uri: 'urn:unknown' }]];
  const realNow = performance.now;
  let clock = 1000.123;
  performance.now = () => clock;
  try {
    for (const extensions of sets) {
      for (const red of [false, true]) {
        const ours = recordingSender({ extensions, red });
        const theirs = recordingSender({ extensions, red });
        for (const s of [ours.sender, theirs.sender]) {
          s.seqOffset = 100;
          s.timestampOffset = 2 ** 32 - 960;
        }
        for (let i = 0; i < 60; i++) {
          clock += 20.000371 * (1 + randomInt(3));
          const header = randomRtpHeader();
          header.padding = false; // (werift's RtpPacket.serialize needs a paddingSize with it)
          const payload = randomBytes(randomInt(1, 200));
          const asBytes = randomInt(2) === 0;
          const packet = () => {
            const rtp = new werift.RtpPacket(new werift.RtpHeader({ ...header, extensions: header.extensions.map((e) => ({ ...e })) }), payload);
            return asBytes ? rtp.serialize() : rtp;
          };
          await send.call(ours.sender, packet());
          await send.acwOriginal.call(theirs.sender, packet());
          if (i % 7 === 0) assert.equal(ours.sender.ntpTimestamp, theirs.sender.ntpTimestamp, 'the NTP time of the last packet');
        }
        assert.deepStrictEqual(ours.sent, theirs.sent);
        for (const field of ['ntpTimestamp', 'rtpTimestamp', 'octetCount', 'packetCount', 'headerBytesSent', 'sequenceNumber', 'timestamp']) {
          assert.deepStrictEqual(ours.sender[field], theirs.sender[field], field);
        }
        // (Their times are Date.now()'s at each send.)
        const infos = (sender) => Object.entries(sender.senderBWE.sentInfos).map(([k, v]) => [k, v.wideSeq, v.size, typeof v.sentAtMs]);
        assert.deepStrictEqual(infos(ours.sender), infos(theirs.sender));
        assert.equal(ours.sender.dtlsTransport.transportSequenceNumber, theirs.sender.dtlsTransport.transportSequenceNumber);
        assert.deepStrictEqual(ours.sender.rtpCache.map((r) => r.serialize()), theirs.sender.rtpCache.map((r) => r.serialize()));
      }
    }
  } finally {
    performance.now = realNow;
  }
  // werift's ntpTime() itself, against ours from the same clock reading.
  performance.now = () => 5000.5;
  try {
    assert.equal(ntpFromClock(performance.timeOrigin + 5000.5 - Date.UTC(1900, 0, 1)), werift.ntpTime());
  } finally {
    performance.now = realNow;
  }
});
