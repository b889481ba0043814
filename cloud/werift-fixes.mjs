// Workarounds for werift 0.24 defects that the local cloud meets (under load; after an ICE
// restart), applied once to the werift module the cloud (and the load bench's far peers) use.
//
// A second HelloVerifyRequest kills werift's DTLS client. werift's client retransmits its first
// ClientHello after 0.5 s; when the server's HelloVerifyRequest takes longer than that (a busy
// machine, a lost packet), the server answers both ClientHellos, and the client's Flight3 throws on
// the second ("if (this.dtls.flight === 3) throw new Error()"): the handshake fails, the far end
// stays "connecting". RFC 6347 4.2.1: a client that already sent its ClientHello with the cookie
// may simply ignore a repeated HelloVerifyRequest (its own flight's retransmission covers loss).
//
// And the per-packet cost of werift's media path, which is what limits the local cloud's calls
// (docs/PERFORMANCE.md, "Local cloud load"): fasterRtpHeaderParse, fasterSrtpGcm and
// fasterRtpSend below replace some of its hottest steps with equivalents that give the same
// results (tests/node/werift-fixes.test.mjs compares them with werift's own on many random
// packets). They are applied with the fixes unless ACW_WERIFT_PACKET_FIXES=0, which leaves
// werift's own code in place to compare the two (bench/load.mjs passes its environment to the
// cloud it starts).

import { AesGcm } from './aes-gcm.mjs';

const HELLO_VERIFY_REQUEST = 3; // HandshakeType hello_verify_request

/** Drops a HelloVerifyRequest once the client has answered one (flight 3 or later). */
export function ignoreRepeatedHelloVerify(dtlsClient) {
  const handle = dtlsClient.onHandleHandshakes;
  if (typeof handle !== 'function' || handle.acwWrapped) return dtlsClient;
  const wrapped = (assembled) => {
    if (dtlsClient.dtls?.flight >= 3) {
      const rest = assembled.filter((h) => h.msg_type !== HELLO_VERIFY_REQUEST);
      if (rest.length !== assembled.length) {
        if (rest.length === 0) return Promise.resolve();
        return handle(rest);
      }
    }
    return handle(assembled);
  };
  wrapped.acwWrapped = true;
  dtlsClient.onHandleHandshakes = wrapped;
  return dtlsClient;
}

/**
 * An ICE restart on a connection whose DTLS is up never starts ICE again. The answerer's
 * setRemoteDescription(offer with a new ufrag/pwd) restarts the ICE agent (RTCIceTransport.restart:
 * new credentials, no nominated pair, consent stopped) and setLocalDescription(answer) then calls
 * RTCPeerConnection.connect(), which skips every transport whose DTLS is connected before it
 * would call iceTransport.start(). So the restarted agent never forms its check list: it answers
 * the far end's checks (whose ICE then says connected) but queues them as early checks, never
 * nominates a pair, and Connection.send() drops every packet for want of one (RFC 7675: no
 * consent). Seen in the local cloud: after a browser's ICE restart on a dead path, the echo's
 * packetsOut grew, the browser heard nothing, and the agent had no nominated pair with its early
 * checks piling up. This starts the restarted agent (its connect(): early checks handled, the
 * pair the far end nominates taken, consent checks again) before werift's connect() runs.
 */
export async function startRestartedIce(pc) {
  await Promise.allSettled(
    (pc.dtlsTransports ?? []).map((dtls) => {
      const ice = dtls.iceTransport;
      const agent = ice?.connection;
      const restarted = dtls.state === 'connected' && agent && !agent.nominated && agent.remoteUsername && ice.state !== 'closed';
      return restarted ? ice.start() : undefined;
    }),
  );
}

/**
 * werift's RtpHeader.deSerialize reads the first two bytes' fields with getBit(), which turns the
 * byte into a string of binary digits, pads it through two arrays and parses the slice back with
 * parseInt: six times per header. The header is parsed up to three times per packet (the SRTP
 * layer parses it to find the payload, the receiver parses the decrypted packet again, and a
 * sender given bytes, as the echo is, parses them once more), so it was 6% of the cloud's time
 * under load, and as much of the far peers'. This is the same parse with shifts and masks.
 * Everything else is as werift's: the same fields (an RtpHeader, so its class fields and
 * methods), the same lenient reading of header extensions (a one-byte extension's 0xF id ends the
 * list after its byte; bytes past the end read as werift reads them), and an exception in the
 * same cases (a packet shorter than its fixed header, its CSRCs or its extension header).
 */
export function parseRtpHeader(RtpHeader, raw) {
  // werift throws on these through its reads out of range; callers catch any exception.
  if (raw.length < 12) throw new RangeError(`RTP header: ${raw.length} bytes`);
  const h = new RtpHeader();
  const first = raw[0];
  h.version = first >> 6;
  h.padding = (first & 0x20) !== 0;
  h.extension = (first & 0x10) !== 0;
  const count = first & 0x0f;
  h.csrcLength = count;
  let offset = 12 + 4 * count;
  if (offset > raw.length) throw new RangeError(`RTP header: ${count} CSRCs in ${raw.length} bytes`);
  const csrc = new Array(count);
  for (let i = 0; i < count; i++) csrc[i] = raw.readUInt32BE(12 + 4 * i);
  h.csrc = csrc;
  const second = raw[1];
  h.marker = (second & 0x80) !== 0;
  h.payloadType = second & 0x7f;
  h.sequenceNumber = raw.readUInt16BE(2);
  h.timestamp = raw.readUInt32BE(4);
  h.ssrc = raw.readUInt32BE(8);
  if (h.extension) {
    h.extensionProfile = raw.readUInt16BE(offset);
    const length = raw.readUInt16BE(offset + 2) * 4;
    h.extensionLength = length;
    offset += 4;
    const end = offset + length;
    const extensions = [];
    if (h.extensionProfile === ONE_BYTE_PROFILE) {
      // RFC 8285 4.2: ID (4 bits) and length - 1 (4 bits); 0 is padding; ID 15 stops the parse.
      while (offset < end) {
        const byte = raw[offset];
        if (byte === 0) {
          offset++;
          continue;
        }
        const id = byte >> 4;
        const len = (byte & 0x0f) + 1;
        offset++;
        if (id === 15) break;
        extensions.push({ id, payload: raw.subarray(offset, offset + len) });
        offset += len;
      }
    } else if (h.extensionProfile === TWO_BYTE_PROFILE) {
      // RFC 8285 4.3: ID byte, length byte; 0 is padding. (Past the end, as werift: undefined.)
      while (offset < end) {
        if (raw[offset] === 0) {
          offset++;
          continue;
        }
        const id = raw[offset];
        offset++;
        const len = raw[offset];
        offset++;
        extensions.push({ id, payload: raw.subarray(offset, offset + len) });
        offset += len;
      }
    } else {
      // Any other profile: the whole block as one extension with ID 0.
      const payload = raw.subarray(offset, offset + length);
      extensions.push({ id: 0, payload });
      offset += payload.length;
    }
    h.extensions = extensions;
  }
  h.payloadOffset = offset;
  if (h.padding) h.paddingSize = raw[raw.length - 1];
  return h;
}

const ONE_BYTE_PROFILE = 0xbede;
const TWO_BYTE_PROFILE = 0x1000;

/** Replaces werift's RtpHeader.deSerialize (which RtpPacket.deSerialize and SRTP call) with parseRtpHeader. */
export function fasterRtpHeaderParse(werift) {
  const { RtpHeader } = werift;
  if (!RtpHeader || RtpHeader.deSerialize.acwOriginal) return;
  const original = RtpHeader.deSerialize;
  const deSerialize = (raw) => parseRtpHeader(RtpHeader, raw);
  deSerialize.acwOriginal = original;
  RtpHeader.deSerialize = deSerialize;
}

/**
 * werift's SRTP with AES-GCM (RFC 7714; what two werift peers negotiate, as the load bench's far
 * peers and the cloud do; Chromium chose AES-CM in our tests) makes a new Node cipher object per
 * packet, since Node's GCM takes its IV only when the object is made: that was 12% of the
 * cloud's time under load (making the objects, then finalising them in the GC).
 * This replaces the RTP half of werift's GCM cipher (encryptRtp, decryptRtp; SRTCP, a packet a
 * second, keeps werift's) with cloud/aes-gcm.mjs, one AES key schedule per context. Same bytes
 * out (header, ciphertext, 16-byte tag), same IV (RFC 7714 8.1: 00 00 || SSRC || ROC || SEQ, XOR
 * the session salt), the same checks in the same order: the tag is checked before anything is
 * decrypted, a wrong one throws werift's SrtpAuthenticationError, then the padding length is
 * checked as werift does (finalizeSrtpRtpHeader). Rollover counters are werift's (the context's).
 */
export function fasterSrtpGcm(werift) {
  const { SrtpSession, SrtpAuthenticationError, ProtectionProfileAeadAes128Gcm } = werift;
  if (!SrtpSession || !SrtpAuthenticationError || ProtectionProfileAeadAes128Gcm === undefined) return;
  // werift does not export its GCM cipher class: a throwaway session's context has one.
  const keys = { localMasterKey: Buffer.alloc(16), localMasterSalt: Buffer.alloc(12), remoteMasterKey: Buffer.alloc(16), remoteMasterSalt: Buffer.alloc(12) };
  const probe = new SrtpSession({ keys, profile: ProtectionProfileAeadAes128Gcm });
  const proto = Object.getPrototypeOf(probe.localContext?.cipher ?? {});
  const { encryptRtp, decryptRtp } = proto;
  if (typeof encryptRtp !== 'function' || typeof decryptRtp !== 'function' || encryptRtp.acwOriginal) return;
  const TAG = 16;
  const FAILED = 'Failed to authenticate SRTP packet';

  // Per cipher object (one per SRTP context, so per direction of a call): its AES-GCM and an IV buffer.
  const state = (cipher) => {
    let s = cipher.acwGcm;
    if (!s) {
      s = { gcm: new AesGcm(cipher.srtpSessionKey), iv: Buffer.alloc(12), salt: cipher.srtpSessionSalt };
      cipher.acwGcm = s;
    }
    return s;
  };
  const ivFor = (s, header, rolloverCounter) => {
    const { iv, salt } = s;
    iv[0] = salt[0];
    iv[1] = salt[1];
    // (Out-of-range values throw here as in werift's writer.)
    iv.writeUInt32BE(header.ssrc, 2);
    iv.writeUInt32BE(rolloverCounter, 6);
    iv.writeUInt16BE(header.sequenceNumber, 10);
    for (let i = 2; i < 12; i++) iv[i] ^= salt[i];
    return iv;
  };

  proto.encryptRtp = function encryptRtpFaster(header, payload, rolloverCounter) {
    const s = state(this);
    const head = header.serialize(header.serializeSize);
    const out = Buffer.allocUnsafe(head.length + payload.length + TAG);
    head.copy(out, 0);
    s.gcm.seal(ivFor(s, header, rolloverCounter), head, payload, out, head.length);
    return out;
  };
  proto.encryptRtp.acwOriginal = encryptRtp;

  proto.decryptRtp = function decryptRtpFaster(cipherText, rolloverCounter, header) {
    const tagOffset = cipherText.length - TAG;
    // werift's context always passes the header it parsed and checked (the payload starts
    // before the tag); anything else goes the original way.
    if (!header || !(header.payloadOffset >= 12 && header.payloadOffset <= tagOffset)) {
      return decryptRtp.call(this, cipherText, rolloverCounter, header);
    }
    const s = state(this);
    const start = header.payloadOffset;
    const head = cipherText.subarray(0, start);
    const dst = Buffer.allocUnsafe(tagOffset);
    const ok = s.gcm.open(ivFor(s, header, rolloverCounter), head, cipherText, start, tagOffset, cipherText.subarray(tagOffset), dst, start);
    if (!ok) throw new SrtpAuthenticationError(FAILED);
    head.copy(dst, 0);
    // As werift's finalizeSrtpRtpHeader: the padding count, if any, must fit in the payload.
    if (!header.padding) {
      header.paddingSize = 0;
    } else {
      const padding = dst[dst.length - 1];
      if (!(dst.length > start) || !(padding > 0 && padding <= dst.length - start)) throw new SrtpAuthenticationError(FAILED);
      header.paddingSize = padding;
    }
    return [dst, header];
  };
  proto.decryptRtp.acwOriginal = decryptRtp;
}

// werift's ntpTime(), as it computes it: the wall clock (performance's) since 1900 in seconds,
// split at the decimal point of its string form, the integer part and the digits after the
// point as two 32-bit words (so not an NTP fraction; werift sends it as such in its SRs).
const ntpEpoch = Date.UTC(1900, 0, 1);
const ntpClock = () => performance.timeOrigin + performance.now() - ntpEpoch;
const ntpWords = Buffer.alloc(8);
export function ntpFromClock(now) {
  const [sec, msec] = (now / 1e3).toString().split('.').map(Number);
  // writeUIntBE as werift's bufferWriter (an integral second: msec undefined, written as 0).
  ntpWords.writeUIntBE(sec, 0, 4);
  ntpWords.writeUIntBE(msec, 4, 4);
  return ntpWords.readBigUInt64BE();
}

/** sender.ntpTimestamp, computed from the clock reading of the last packet when read. */
function lazyNtpTimestamp(sender) {
  let state = sender.acwNtp;
  if (state) return state;
  state = { value: sender.ntpTimestamp, clock: undefined };
  Object.defineProperty(sender, 'acwNtp', { value: state });
  Object.defineProperty(sender, 'ntpTimestamp', {
    configurable: true,
    enumerable: true,
    get() {
      if (state.clock !== undefined) {
        state.value = ntpFromClock(state.clock);
        state.clock = undefined;
      }
      return state.value;
    },
    set(value) {
      state.value = value;
      state.clock = undefined;
    },
  });
  return state;
}

/**
 * werift's RTCRtpSender.sendRtp takes ntpTime() for every packet (a clock reading turned into a
 * string, split, parsed, written to a buffer and read back as a BigInt: 3% of each side's time
 * under load), though it only keeps the last one, for its next Sender Report, unless the
 * abs-send-time extension is negotiated (none is for the local cloud's audio). This is werift's
 * sendRtp step for step, except that it reads the clock then (the same reading ntpTime would
 * take) and makes the sender's ntpTimestamp from it only when something reads it (an SR, stats);
 * with abs-send-time, at once, as werift.
 */
export function fasterRtpSend(werift) {
  const { RTCRtpSender, RtpPacket, uint16Add, uint32Add, milliTime, RTP_EXTENSION_URI: URI } = werift;
  const original = RTCRtpSender?.prototype?.sendRtp;
  if (typeof original !== 'function' || original.acwOriginal || !URI || !uint32Add || !milliTime) return;
  const RTP_HISTORY_SIZE = 128; // werift's rtpCache length (rtpSender.ts)

  // The header extensions this sender adds (werift's switch in sendRtp), for one packet.
  const extensionPayload = (sender, extension, clock) => {
    switch (extension.uri) {
      case URI.sdesMid:
        return sender.mid ? werift.serializeSdesMid(sender.mid) : undefined;
      case URI.sdesRTPStreamID:
        return sender.rtpStreamId ? werift.serializeSdesRTPStreamID(sender.rtpStreamId) : undefined;
      case URI.repairedRtpStreamId:
        return sender.repairedRtpStreamId ? werift.serializeRepairedRtpStreamId(sender.repairedRtpStreamId) : undefined;
      case URI.transportWideCC:
        sender.dtlsTransport.transportSequenceNumber = uint16Add(sender.dtlsTransport.transportSequenceNumber, 1);
        return werift.serializeTransportWideCC(sender.dtlsTransport.transportSequenceNumber);
      case URI.absSendTime:
        return werift.serializeAbsSendTime(ntpFromClock(clock));
      default:
        return undefined;
    }
  };

  const sendRtp = async function sendRtpFaster(rtp) {
    if (this.dtlsTransport.state !== 'connected' || !this.codec) return;
    rtp = Buffer.isBuffer(rtp) ? RtpPacket.deSerialize(rtp) : rtp;
    const { header, payload } = rtp;
    header.ssrc = this.ssrc;
    header.payloadType = this.codec.payloadType;
    header.timestamp = uint32Add(header.timestamp, this.timestampOffset);
    header.sequenceNumber = uint16Add(header.sequenceNumber, this.seqOffset);
    this.timestamp = header.timestamp;
    this.sequenceNumber = header.sequenceNumber;
    const clock = ntpClock();
    const originalExtensions = [...header.extensions];
    const extensions = [];
    for (const extension of this.headerExtensions) {
      const data = extensionPayload(this, extension, clock);
      if (data) extensions.push({ id: extension.id, payload: data });
    }
    // The packet's own extensions: one with the same ID takes the sender's place, others are added.
    for (const ext of originalExtensions) {
      const exist = extensions.find((v) => v.id === ext.id);
      if (exist) exist.payload = ext.payload;
      else extensions.push(ext);
    }
    header.extensions = extensions.sort((a, b) => a.id - b.id);
    const ntp = lazyNtpTimestamp(this);
    ntp.clock = clock;
    this.rtpTimestamp = header.timestamp;
    this.octetCount += payload.length;
    this.headerBytesSent += header.serializeSize;
    this.packetCount = uint32Add(this.packetCount, 1);
    this.rtpCache[header.sequenceNumber % RTP_HISTORY_SIZE] = rtp;
    let rtpPayload = payload;
    if (this.redRedundantPayloadType) {
      this.redEncoder.push({ block: rtpPayload, timestamp: header.timestamp, blockPT: this.redRedundantPayloadType });
      rtpPayload = this.redEncoder.build().serialize();
    }
    const size = await this.dtlsTransport.sendRtp(rtpPayload, header);
    this.runRtcp();
    const millitime = milliTime();
    this.senderBWE.rtpPacketSent({ wideSeq: this.dtlsTransport.transportSequenceNumber, size, sendingAtMs: millitime, sentAtMs: millitime });
  };
  sendRtp.acwOriginal = original;
  RTCRtpSender.prototype.sendRtp = sendRtp;

  // SenderBandwidthEstimator.rtpPacketSent (not exported: a sender's has one) means to forget
  // older entries, but it lists the keys of the entry it is given (wideSeq, size, ...), which are
  // never numbers, so it deletes nothing: all it does is store the entry, after sorting four NaNs.
  const estimator = Object.getPrototypeOf(new RTCRtpSender('audio').senderBWE ?? {});
  const packetSent = estimator.rtpPacketSent;
  if (typeof packetSent === 'function' && !packetSent.acwOriginal) {
    estimator.rtpPacketSent = function rtpPacketSentFaster(sentInfo) {
      this.sentInfos[sentInfo.wideSeq] = sentInfo;
    };
    estimator.rtpPacketSent.acwOriginal = packetSent;
  }
}

/** Whether the per-packet replacements are wanted (ACW_WERIFT_PACKET_FIXES=0: werift's own code). */
const packetFixesWanted = () => process.env.ACW_WERIFT_PACKET_FIXES !== '0';

const applied = new WeakSet();

/** Applies the workarounds to a loaded werift module (its exports); once per module. */
export function applyWeriftFixes(werift) {
  const Transport = werift?.RTCDtlsTransport;
  if (!Transport || applied.has(Transport)) return werift;
  applied.add(Transport);
  const start = Transport.prototype.start;
  // start() makes its DtlsClient synchronously, before its first await; the client's first
  // ClientHello goes 100 ms later, so the wrapper is in place before any answer can come.
  Transport.prototype.start = function startWithFixes(...args) {
    const done = start.apply(this, args);
    if (this.dtls instanceof werift.DtlsClient) ignoreRepeatedHelloVerify(this.dtls);
    return done;
  };
  const connect = werift.RTCPeerConnection?.prototype?.connect;
  if (typeof connect === 'function') {
    werift.RTCPeerConnection.prototype.connect = async function connectWithFixes(...args) {
      await startRestartedIce(this);
      return connect.apply(this, args);
    };
  }
  if (packetFixesWanted()) {
    fasterRtpHeaderParse(werift);
    fasterSrtpGcm(werift);
    fasterRtpSend(werift);
  }
  return werift;
}
