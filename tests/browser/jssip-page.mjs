// JsSIP (3.13, unchanged; an independent SIP-over-WebSocket stack, not SIP.js) in a page, for the
// interop suite: a bundle of it with a small harness that records its events, and a page object to
// drive it. Like the public client's page (official-page.mjs), it is served at
// https://webrtc-CLOUDID.aculabcloud.net/ by request interception and signals over
// wss://webrtc-CLOUDID.aculabcloud.net/sipproxy, which the browser maps to the local cloud.
import { OfficialPage, PAGE_METERS } from './official-page.mjs';

// What runs in the page besides JsSIP: events recorded in window.__jssip.log, sessions kept by a
// number, and the measures a test needs (inbound audio level, played level).
const HARNESS = `
import * as JsSIP from 'jssip';
const log = [];
const calls = [];
let ua = null;
let domain = '';
let serviceHost = '';
const rec = (what, detail = {}) => log.push({ what, at: Date.now(), ...detail });
// Chrome's audio processing attenuates a steady tone (DESIGN.md): off.
const media = { audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false }, video: false };
const pcConfig = { iceServers: [] };
function watch(session, n) {
  const c = calls[n];
  const ended = (what) => (e) => rec(what, { call: n, originator: e.originator, cause: e.cause, status: e.message && e.message.status_code });
  session.on('progress', (e) => rec('progress', { call: n, status: e.response && e.response.status_code }));
  session.on('accepted', () => rec('accepted', { call: n }));
  session.on('confirmed', () => rec('confirmed', { call: n }));
  session.on('ended', ended('ended'));
  session.on('failed', ended('failed'));
  session.on('newDTMF', (e) => rec('newDTMF', { call: n, originator: e.originator, tone: e.dtmf.tone }));
  const onPc = (pc) => {
    c.pc = pc;
    pc.addEventListener('track', (ev) => {
      const stream = ev.streams[0] || new MediaStream([ev.track]);
      c.remote = stream;
      const audio = new Audio();
      audio.autoplay = true;
      audio.srcObject = stream;
      audio.play().catch(() => {});
      c.audio = audio;
      rec('track', { call: n });
    });
  };
  if (session.connection) onPc(session.connection);
  else session.on('peerconnection', (e) => onPc(e.peerconnection));
}
window.__jssip = {
  log,
  /** A UA for AOR sip:CLIENTID@KEY.webrtc-C.aculabcloud.net over the given wss URL (PROTOCOL.md "Names"). */
  start(wsUrl, cloudId, accessKey, clientId) {
    domain = accessKey + '.webrtc-' + cloudId + '.aculabcloud.net';
    serviceHost = 'sip-' + cloudId + '.aculab.com';
    ua = new JsSIP.UA({
      sockets: [new JsSIP.WebSocketInterface(wsUrl)],
      uri: 'sip:' + clientId + '@' + domain,
      registrar_server: 'sip:' + domain,
      register: false,
      register_expires: 600,
      session_timers: false,
    });
    ua.on('connected', () => rec('connected'));
    ua.on('disconnected', () => rec('disconnected'));
    ua.on('registered', (e) => rec('registered', { status: e.response.status_code, contact: e.response.getHeaders('Contact') }));
    ua.on('unregistered', (e) => rec('unregistered', { status: e.response && e.response.status_code, cause: e.cause }));
    ua.on('registrationFailed', (e) => rec('registrationFailed', { status: e.response && e.response.status_code, cause: e.cause }));
    ua.on('newRTCSession', (e) => {
      if (e.originator !== 'remote') return;
      const n = calls.length;
      calls.push({ session: e.session });
      const from = e.request.from.uri;
      rec('incoming', { call: n, user: from.user, host: from.host, display: e.request.from.display_name });
      watch(e.session, n);
    });
    ua.start();
  },
  register(token) {
    ua.registrator().setExtraHeaders(['Authorization: Bearer ' + token]);
    ua.register();
  },
  unregister() { ua.unregister(); },
  /** INVITE to the service URI of PROTOCOL.md: sip:SERVICE@sip-C.aculab.com;transport=tcp. */
  callService(name) {
    const n = calls.length;
    calls.push({});
    calls[n].session = ua.call('sip:' + encodeURIComponent(name) + '@' + serviceHost + ';transport=tcp', {
      mediaConstraints: media,
      pcConfig,
      // The INVITE's Call-ID, to find the cloud's events for the call.
      eventHandlers: { sending: (e) => { calls[n].callId = e.request.call_id; } },
    });
    watch(calls[n].session, n);
    return n;
  },
  /** INVITE to another client, sip:OTHER@KEY.webrtc-C.aculabcloud.net;transport=tcp, with its Bearer token. */
  callClient(id, token) {
    const n = calls.length;
    calls.push({});
    calls[n].session = ua.call('sip:' + id + '@' + domain + ';transport=tcp', {
      mediaConstraints: media,
      pcConfig,
      extraHeaders: token ? ['Authorization: Bearer ' + token] : [],
      eventHandlers: { sending: (e) => { calls[n].callId = e.request.call_id; } },
    });
    watch(calls[n].session, n);
    return n;
  },
  answer(n) { calls[n].session.answer({ mediaConstraints: media, pcConfig }); },
  hangUp(n) { calls[n].session.terminate(); },
  sendDtmf(n, tones) { calls[n].session.sendDTMF(tones, { transportType: 'RFC2833', duration: 100, interToneGap: 100 }); },
  endAll() { for (const c of calls) if (c.session && !c.session.isEnded()) c.session.terminate(); },
  live() { return calls.filter((c) => c.session && !c.session.isEnded()).length; },
  callId(n) { return calls[n].callId; },
  debug() { JsSIP.debug.enable('JsSIP:*'); },
  stop() { ua.stop(); },
  levelIn(n) { return inboundLevel(calls[n] && calls[n].pc); },
  played(n) { return playedLevel(calls[n]); },
};
${PAGE_METERS}
`;

/** One JsSIP UA in its own browser context; `run`, `log`, `waitFor`, `waitLevelIn` as OfficialPage's. */
export class JsSipPage extends OfficialPage {
  static async open(browser, cloud, clientId) {
    const { cloudId, accessKey } = cloud.config;
    const p = await OfficialPage.openHarness(JsSipPage, browser, cloud, { name: 'jssip', title: 'JsSIP', harness: HARNESS, global: '__jssip' });
    // ACW_TEST_JSSIP_DEBUG=1 has JsSIP trace every SIP message it sends and gets (to the console).
    if (process.env.ACW_TEST_JSSIP_DEBUG) await p.run('debug');
    await p.run('start', `wss://webrtc-${cloudId}.aculabcloud.net/sipproxy`, cloudId, accessKey, clientId);
    p.clientId = clientId;
    return p;
  }
}
