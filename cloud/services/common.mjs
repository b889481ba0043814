// What the media services share: answering with a werift session and the call's audio, ending record, leg and media together.
import { AudioCall } from '../audio.mjs';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const CONNECT_LIMIT_MS = 10000;

/**
 * Creates the media answer for the caller's offer and ties the call's end to it. Returns the
 * session (with session.audio when the media module is there), or null when the call could
 * not get media: the caller then has a final response (503 without a media engine, 488 for an
 * offer without Opus).
 */
export async function prepareMedia({ cloud, leg, record, invite }, { meter = 'all' } = {}) {
  if (!cloud.media?.available) {
    record.end({ status: 503, reason: 'no media engine' });
    leg.reject(503);
    return null;
  }
  let session;
  try {
    session = await cloud.media.answer(invite.body);
  } catch (e) {
    const status = e.status ?? 488;
    cloud.log.warn('media', `${record.id}: no answer for the offer: ${e.message}`);
    record.end({ status, reason: e.message });
    leg.reject(status);
    return null;
  }
  if (leg.ended || record.ended) {
    // The caller gave up while the answer was being made.
    session.close();
    record.end({ status: 487, by: 'caller', reason: leg.endedWith });
    return null;
  }
  if (cloud.audio) session.audio = new AudioCall(cloud.audio, session, { meter });
  bind({ leg, record, session });
  return session;
}

/** Ends record, leg and media session together, whichever goes first. */
export function bind({ leg, record, session }) {
  record.onEnd(() => closeMedia(record, session));
  record.onEnd(() => leg.hangUp());
  leg.on('end', (why, extra) => {
    const byCaller = why === 'remote BYE' || why === 'cancelled' || extra?.connectionLost;
    record.end({ status: record.answeredAt ? 200 : 487, by: byCaller ? 'caller' : 'cloud', reason: why });
  });
  answerReinvites({ leg, record, session });
  endOnMediaFailure({ leg, record, session });
}

/**
 * A re-INVITE's offer (hold, ICE restart) is answered by the call's media session: the service's
 * audio carries on, or, while the caller holds the call (its offer receives nothing, so the
 * answer may not send: RFC 3264 §8.4), pauses where it is.
 */
function answerReinvites({ leg, record, session }) {
  leg.onReinvite = async (request) => {
    const restarts = iceRestarts(session);
    const sdp = await renegotiate(session, request.body);
    if (iceRestarts(session) > restarts) record.event('call.ice-restart', { restarts: iceRestarts(session) });
    const held = !/send/.test(session.transceiver.currentDirection ?? 'sendrecv');
    if (held !== session.held) {
      session.held = held;
      record.event(held ? 'call.held' : 'call.unheld', {});
    }
    return { status: 200, body: sdp };
  };
}

// werift's RTCIceTransport counts its restarts (an offer with a new ice-ufrag/ice-pwd).
const iceRestarts = (session) => session.transceiver.dtlsTransport?.iceTransport?.iceRestarts ?? 0;

/**
 * The answer to a new offer on the live peer connection. werift (0.24) restarts ICE in place
 * when the ufrag/pwd changed (RTCIceTransport.setRemoteParams -> restart(): new local
 * credentials, candidates gathered again) and keeps DTLS and SRTP; the browser's checks then
 * nominate a new pair. An offer identical to the last one, or none (RFC 3264 §8: no change),
 * gets the current answer.
 */
export async function renegotiate(session, offerSdp) {
  if (!offerSdp || offerSdp === session.remoteSdp) return session.localSdp;
  try {
    await session.pc.setRemoteDescription({ type: 'offer', sdp: offerSdp });
    session.remoteSdp = offerSdp;
    await session.pc.setLocalDescription(await session.pc.createAnswer());
  } catch (e) {
    throw Object.assign(new Error(`offer refused: ${e.message}`), { status: 488 });
  }
  await session.gathered();
  session.localSdp = session.pc.localDescription.sdp;
  return session.localSdp;
}

/**
 * Media that fails before it ever connected ends the call. Once it had connected, ICE failing
 * (RFC 7675 consent expiry: the client's network went away) leaves the client the reconnect
 * limit to restart ICE with a re-INVITE; audio arriving again (MediaSession.receive) stops the clock.
 */
function endOnMediaFailure({ leg, record, session }) {
  // (ICE may connect before this is called: the caller's checks can come while the answer is
  // still being gathered.)
  let connected = session.state === 'connected';
  let timer = null;
  const fail = () => record.end({ status: record.answeredAt ? 200 : 480, by: 'cloud', reason: 'media failed' });
  record.onEnd(() => clearTimeout(timer));
  session.onState((state) => {
    if (state === 'connected') {
      connected = true;
      clearTimeout(timer);
      timer = null;
    } else if (state === 'failed' && !timer) {
      const limit = leg.ua.config.reconnectLimit ?? 0;
      if (!connected || limit <= 0) return fail();
      timer = setTimeout(fail, limit * 1000);
      timer.unref?.();
    }
  });
}

// The call's media figures go into its call.end event.
function closeMedia(record, session) {
  record.media = {
    packetsIn: session.stats.packetsIn,
    packetsOut: session.stats.packetsOut,
    audioMs: session.stats.opusIn * 20,
    ...(session.audio ? session.audio.summary() : {}),
    ...record.media,
  };
  session.audio?.close();
  session.close();
}

/** 200 with the session's answer; the record counts the call as answered from here. */
export function answer({ leg, record, session }) {
  if (leg.ended) return false;
  leg.accept(session.localSdp);
  record.answered();
  return true;
}

/** Resolves true once ICE and DTLS are up (media can flow), false if the call ends first or it takes too long. */
export async function mediaUp(session, record) {
  const result = await Promise.race([
    session.connected.then(() => true, () => false),
    sleep(CONNECT_LIMIT_MS).then(() => false),
    new Promise((r) => record.onEnd(() => r(false))),
  ]);
  return result && !record.ended;
}

/** Echo: with the media module, received Opus is repacketized into our stream; without, RTP is sent back as it came. */
export function startEcho(session) {
  if (session.audio) {
    session.audio.echo(true);
    return;
  }
  session.onRtp((rtp) => {
    if (session.isOpus(rtp)) session.sendRtp(rtp);
  });
}

/**
 * A call from the cloud to a registered client (the outbound-call web service): an INVITE with
 * our offer, From sip:CALLFROM@sip-C.aculab.com (the client sees a "service" call). Once the
 * client answers, `onAnswered(session, leg)` runs the action. Unanswered within `timeout`
 * seconds: CANCEL, and the record ends 487/NOANSWER.
 */
export async function dialOut({ cloud, record, binding, callFrom, timeout }, onAnswered, { meter = 'all' } = {}) {
  if (!cloud.media?.available) {
    record.end({ status: 503, reason: 'no media engine' });
    return;
  }
  const session = await cloud.media.offer();
  const leg = cloud.router.dial(binding, { fromUser: callFrom, fromHost: cloud.config.serviceDomain, sdp: session.localSdp });
  record.fields.sipCallId = leg.callId;
  leg.record = record;
  record.onEnd(() => {
    clearTimeout(timer);
    closeMedia(record, session);
    leg.hangUp();
  });
  const timer = setTimeout(() => {
    if (!record.answeredAt) record.end({ status: 487, by: 'cloud', reason: 'no answer' });
  }, timeout * 1000);
  leg.on('provisional', (response) => record.ringing(response.status));
  leg.on('failure', ({ status, reason }) => record.end({ status, by: 'callee', reason }));
  leg.on('bye', () => record.end({ status: 200, by: 'callee', reason: 'BYE' }));
  leg.on('end', (why, extra) => {
    if (extra?.connectionLost) record.end({ status: record.answeredAt ? 200 : 480, by: 'callee', reason: why });
  });
  answerReinvites({ leg, record, session });
  leg.on('answer', async (response) => {
    try {
      await session.accept(response.body);
    } catch (e) {
      record.end({ status: 200, by: 'cloud', reason: `bad answer SDP: ${e.message}` });
      return;
    }
    if (record.ended) return;
    // The payload types are known only now (the client's answer chose them).
    if (cloud.audio) session.audio = new AudioCall(cloud.audio, session, { meter });
    record.answered();
    onAnswered(session, leg);
  });
  endOnMediaFailure({ leg, record, session });
  leg.start();
}

/**
 * A service with media: `act({cloud, record, session, audio, prompts, hangUp})` runs once the call is
 * answered, for calls in (run) and for the outbound-call web service (outbound). `beforeAnswer`
 * (ringing, early media) runs between the media answer and the 200. `needsAudio`: the service
 * cannot work without the media module (503 then).
 */
export function mediaService({ act, beforeAnswer, needsAudio = true, meter = 'all' }) {
  const hangUpFor = (record) => () => record.end({ status: 200, by: 'cloud', reason: 'service finished' });
  return {
    async run(ctx) {
      const { cloud, leg, record } = ctx;
      if (needsAudio && !cloud.audio) {
        record.end({ status: 503, reason: 'no media module' });
        leg.reject(503);
        return;
      }
      leg.ringing();
      record.ringing();
      const session = await prepareMedia(ctx, { meter });
      if (!session) return;
      if (beforeAnswer) await beforeAnswer({ ...ctx, session, audio: session.audio, prompts: cloud.prompts });
      if (record.ended || !answer({ ...ctx, session })) return;
      await act({ ...ctx, session, audio: session.audio, prompts: cloud.prompts, hangUp: hangUpFor(record) });
    },
    outbound(ctx) {
      const { cloud, record } = ctx;
      if (needsAudio && !cloud.audio) {
        record.end({ status: 503, reason: 'no media module' });
        return undefined;
      }
      return dialOut(ctx, (session) => act({ ...ctx, session, audio: session.audio, prompts: cloud.prompts, hangUp: hangUpFor(record) }), { meter });
    },
  };
}
