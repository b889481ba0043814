// The public client (@aculab-com/aculab-webrtc 4.0.8, unchanged) in a page, for the interop suite:
// a bundle of it with a small harness that records every callback, and a page object to drive it.
// The page is served at https://webrtc-CLOUDID.aculabcloud.net/ (the name the official client
// always connects to) by request interception; the browser maps that name to the local cloud.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, until } from './helpers.mjs';

/** A throw-away self-signed certificate for the cloud's names: { cert, key } paths. */
export function selfSignedCert(cloudId) {
  const dir = mkdtempSync(join(tmpdir(), 'acw-tls-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', key, '-out', cert, '-days', '2', '-subj', `/CN=webrtc-${cloudId}.aculabcloud.net`,
    '-addext', `subjectAltName=DNS:webrtc-${cloudId}.aculabcloud.net,IP:127.0.0.1`], { stdio: 'ignore' });
  return { cert, key };
}

/** Chromium flags that send the official client's wss://webrtc-CLOUDID.aculabcloud.net to `port`. */
export function officialHostFlags(cloudId, port) {
  const host = `webrtc-${cloudId}.aculabcloud.net`;
  return [`--host-resolver-rules=MAP ${host}:443 127.0.0.1:${port}, MAP ${host} 127.0.0.1`, '--ignore-certificate-errors',
    // A public name that resolves to loopback is a "local network access": allowed here.
    '--disable-features=LocalNetworkAccessChecks,BlockInsecurePrivateNetworkRequests,PrivateNetworkAccessSendPreflights'];
}

// What runs in the page besides the official client: callbacks recorded in window.__log, calls
// kept by a number, and the measures a test needs (inbound audio level, played level).
const HARNESS = `
import { AculabCloudClient } from '@aculab-com/aculab-webrtc';
const log = [];
const calls = [];
let client = null;
// Chrome's audio processing attenuates a steady tone (DESIGN.md): off, through the documented
// AculabCloudCallOptions.constraints.
const options = (headers) => ({
  constraints: { audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false }, video: false },
  ...(headers ? { extraSipHeaders: headers } : {}),
});
const rec = (what, detail = {}) => log.push({ what, at: Date.now(), ...detail });
function watch(call, n) {
  const name = (cb) => (ev) => rec(cb, { call: n, cause: ev && ev.cause, stream: Boolean(ev && ev.stream) });
  call.onRinging = name('onRinging');
  call.onConnecting = name('onConnecting');
  call.onConnected = name('onConnected');
  call.onLocalMedia = name('onLocalMedia');
  call.onMedia = (ev) => {
    rec('onMedia', { call: n });
    calls[n].remote = ev.stream;
    const audio = new Audio();
    audio.autoplay = true;
    audio.srcObject = ev.stream;
    audio.play().catch(() => {});
    calls[n].audio = audio;
  };
  call.onDisconnect = name('onDisconnect');
}
window.__official = {
  log,
  start(cloudId, accessKey, clientId, logLevel = 2) {
    client = new AculabCloudClient(cloudId, accessKey, clientId, logLevel);
    client.maxConcurrent = 2;
    client.onIncomingState = (s) => rec('onIncomingState', { ready: s.ready, cause: s.cause, retry: s.retry });
    client.onIncoming = (ev) => {
      const n = calls.length;
      calls.push({ call: ev.call });
      rec('onIncoming', { call: n, from: ev.from, type: ev.type, offeringAudio: ev.offeringAudio, canReceiveAudio: ev.canReceiveAudio,
        offeringVideo: ev.offeringVideo, canReceiveVideo: ev.canReceiveVideo, headers: ev.call.getSipHeaders('X-Interop') });
      watch(ev.call, n);
    };
  },
  enable(token) { client.enableIncoming(token); },
  disable() { client.disableIncoming(); },
  callService(name, headers) {
    const n = calls.length;
    calls.push({});
    try {
      calls[n].call = client.callService(name, options(headers));
    } catch (e) {
      rec('throw', { call: n, error: String(e) });
      return n;
    }
    watch(calls[n].call, n);
    return n;
  },
  callClient(id, token, headers) {
    const n = calls.length;
    calls.push({});
    calls[n].call = client.callClient(id, token, options(headers));
    watch(calls[n].call, n);
    return n;
  },
  ringing(n) { calls[n].call.ringing(); },
  answer(n, headers) { calls[n].call.answer(options(headers)); },
  reject(n, code) { calls[n].call.reject(code); },
  disconnect(n) { calls[n].call.disconnect(); },
  sendDtmf(n, digits) { calls[n].call.sendDtmf(digits); },
  disconnectAll() { for (const c of calls) if (c.call) c.call.disconnect(); },
  /** Calls the official client still holds (its own count, which maxConcurrent limits). */
  live() { return client._calls.size; },
  callId(n) { return calls[n].call.callId(); },
  headers(n, name) { return calls[n].call.getSipHeaders(name); },
  /** The inbound-rtp audioLevel (0..1) of call n, or -1 before there is one. */
  async levelIn(n) {
    const pc = calls[n].call && calls[n].call._session && calls[n].call._session.sessionDescriptionHandler
      && calls[n].call._session.sessionDescriptionHandler.peerConnection;
    if (!pc) return -1;
    let level = -1;
    (await pc.getStats()).forEach((r) => { if (r.type === 'inbound-rtp' && r.kind === 'audio' && typeof r.audioLevel === 'number') level = r.audioLevel; });
    return level;
  },
  /** RMS of what the page plays for call n (an AnalyserNode on the remote stream). */
  async played(n) {
    const c = calls[n];
    if (!c.remote) return -1;
    if (!c.meter) {
      const ctx = new AudioContext();
      await ctx.resume();
      const analyser = ctx.createAnalyser();
      analyser.fftSize = 2048;
      ctx.createMediaStreamSource(c.remote).connect(analyser);
      c.meter = { ctx, analyser };
    }
    const samples = new Float32Array(c.meter.analyser.fftSize);
    c.meter.analyser.getFloatTimeDomainData(samples);
    return Math.sqrt(samples.reduce((a, x) => a + x * x, 0) / samples.length);
  },
};
`;

let bundleCache = null;
/** The official client and the harness, bundled for the browser by esbuild (an IIFE). */
export async function officialBundle() {
  if (bundleCache) return bundleCache;
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    stdin: { contents: HARNESS, resolveDir: ROOT, loader: 'js' },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
    external: ['node:*'],
  });
  bundleCache = result.outputFiles[0].text;
  return bundleCache;
}

/** One official client in its own browser context. */
export class OfficialPage {
  constructor(context, page, cloud) {
    this.context = context;
    this.page = page;
    this.cloud = cloud;
    this.problems = [];
    this.console = [];
  }

  static async open(browser, cloud, clientId) {
    const { cloudId, accessKey } = cloud.config;
    const origin = `https://webrtc-${cloudId}.aculabcloud.net`;
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    const bundle = await officialBundle();
    await context.route(`${origin}/official.html`, (route) =>
      route.fulfill({ contentType: 'text/html', body: '<!doctype html><meta charset="utf-8"><title>official client</title><script src="official.js"></script>' }));
    await context.route(`${origin}/official.js`, (route) => route.fulfill({ contentType: 'text/javascript', body: bundle }));
    const page = await context.newPage();
    const p = new OfficialPage(context, page, cloud);
    page.on('console', (m) => {
      p.console.push(`${m.type()}: ${m.text()}`);
      if (m.type() === 'error') p.problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => p.problems.push(`pageerror: ${e.message}`));
    await page.goto(`${origin}/official.html`);
    await page.waitForFunction(() => window.__official);
    // ACW_TEST_OFFICIAL_LOG=6 has the official client trace every SIP message it sends and gets.
    const logLevel = Number(process.env.ACW_TEST_OFFICIAL_LOG ?? 2);
    await page.evaluate(([c, k, id, l]) => window.__official.start(c, k, id, l), [cloudId, accessKey, clientId, logLevel]);
    p.clientId = clientId;
    return p;
  }

  run(method, ...args) {
    return this.page.evaluate(([m, a]) => window.__official[m](...a), [method, args]);
  }

  log() {
    return this.page.evaluate(() => window.__official.log);
  }

  /** Waits for a logged callback matching `what` and the fields of `match`; returns it. */
  waitFor(what, match = {}, { after = 0, timeout = 30000 } = {}) {
    return until(async () => {
      const log = await this.log();
      this.lastLog = log;
      return log.slice(after).find((e) => e.what === what && Object.entries(match).every(([k, v]) => e[k] === v));
    }, { timeout, what: `${what} ${JSON.stringify(match)} in the official client` }).catch((e) => {
      throw new Error(`${e.message}; log: ${JSON.stringify(this.lastLog ?? [])}; problems: ${this.problems.join(' | ')}`);
    });
  }

  async waitLevelIn(n, bound, what = `above ${bound}`) {
    return until(async () => {
      const v = await this.run('levelIn', n);
      return v > bound ? v : false;
    }, { what: `call ${n} inbound audio level ${what} in the official client` });
  }

  close() {
    if (process.env.ACW_TEST_OFFICIAL_CONSOLE) writeFileSync(process.env.ACW_TEST_OFFICIAL_CONSOLE, this.console.join('\n'));
    return this.context.close();
  }
}

// Our package in a page the cloud serves (its /js/ and /dist/), driven the same way as the official
// client's page: for what the dialler has no control for (SIP headers).
const OURS_HARNESS = async ([cloudId, accessKey, clientId]) => {
  const { AculabCloudClient } = await import('/js/index.js');
  const log = [];
  const calls = [];
  const rec = (what, detail = {}) => log.push({ what, at: Date.now(), ...detail });
  const options = (headers) => ({
    constraints: { audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false }, video: false },
    ...(headers ? { extraSipHeaders: headers } : {}),
  });
  const client = new AculabCloudClient(cloudId, accessKey, clientId, 1, { url: `wss://${location.host}/sipproxy` });
  client.maxConcurrent = 2;
  const watch = (call, n) => {
    for (const cb of ['onRinging', 'onConnected', 'onDisconnect']) call[cb] = (ev) => rec(cb, { call: n, cause: ev && ev.cause });
    call.onMedia = () => rec('onMedia', { call: n });
  };
  client.onIncomingState = (s) => rec('onIncomingState', { ready: s.ready, cause: s.cause });
  client.onIncoming = (ev) => {
    const n = calls.length;
    calls.push(ev.call);
    rec('onIncoming', { call: n, from: ev.from, type: ev.type, headers: ev.call.getSipHeaders('X-Interop') });
    watch(ev.call, n);
  };
  window.__official = {
    log,
    enable(token) { client.enableIncoming(token); },
    callClient(id, token, headers) {
      const n = calls.length;
      calls.push(client.callClient(id, token, options(headers)));
      watch(calls[n], n);
      return n;
    },
    answer(n, headers) { calls[n].answer(options(headers)); },
    disconnect(n) { calls[n].disconnect(); },
    disconnectAll() { for (const c of calls) c.disconnect(); },
    headers(n, name) { return calls[n].getSipHeaders(name); },
  };
};

/** Our package (js/index.js from the cloud) in a small page of the cloud's origin. */
export class OursPage extends OfficialPage {
  static async open(browser, cloud, clientId) {
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    const url = new URL('ours.html', cloud.url).href;
    await context.route(url, (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><meta charset="utf-8"><title>our package</title>' }));
    const page = await context.newPage();
    const p = new OursPage(context, page, cloud);
    page.on('console', (m) => {
      if (m.type() === 'error') p.problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => p.problems.push(`pageerror: ${e.message}`));
    await page.goto(url);
    await page.evaluate(OURS_HARNESS, [cloud.config.cloudId, cloud.config.accessKey, clientId]);
    p.clientId = clientId;
    return p;
  }
}
