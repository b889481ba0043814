// cloud/werift-fixes.mjs: two werift peers on loopback whose DTLS server answers twice with a
// HelloVerifyRequest (as it does when the client's ClientHello is retransmitted before the first
// answer arrives, on a busy machine) still connect, and media flows; and after an ICE restart on
// their live DTLS transports, media flows again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as werift from 'werift';
import { withoutDefaultStun } from '../../cloud/media.mjs';
import { applyWeriftFixes } from '../../cloud/werift-fixes.mjs';

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
