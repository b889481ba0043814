// The public client (@aculab-com/aculab-webrtc 4.0.8, unchanged) in a page, for the interop suite:
// a bundle of it with a small harness that records every callback, and a page object to drive it.
// The page is served at https://webrtc-CLOUDID.aculabcloud.net/ (the name the official client
// always connects to) by request interception; the browser maps that name to the local cloud.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchBrowser, ROOT, startCloud, toneFile, until } from './helpers.mjs';

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

/**
 * The interop suites' world: the local cloud serving https/wss with a throw-away certificate, and
 * Chromium (a 440 Hz tone as microphone) mapping wss://webrtc-CLOUDID.aculabcloud.net to it.
 */
export async function startTlsCloudAndBrowser(cloudId, wavName) {
  const tls = selfSignedCert(cloudId);
  const cloud = await startCloud({ cloudId, tlsCert: tls.cert, tlsKey: tls.key });
  // Node's fetch must take the throw-away certificate for the token service and /events.
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
  const port = Number(new URL(cloud.url).port);
  const browser = await launchBrowser({ wav: toneFile(wavName, { freq: 440, seconds: 2 }), extraArgs: officialHostFlags(cloudId, port) });
  return { cloud, browser };
}

// The measures a page harness gives a test, as page source: the inbound-rtp audioLevel (0..1) of a
// peer connection (-1 before there is one), and the RMS of what the page plays for a call record
// { remote: MediaStream } (an AnalyserNode kept on the record as c.meter; -1 before the stream).
export const PAGE_METERS = `
async function inboundLevel(pc) {
  if (!pc) return -1;
  let level = -1;
  (await pc.getStats()).forEach((r) => { if (r.type === 'inbound-rtp' && r.kind === 'audio' && typeof r.audioLevel === 'number') level = r.audioLevel; });
  return level;
}
async function playedLevel(c) {
  if (!c || !c.remote) return -1;
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
}
`;

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
  levelIn(n) {
    const sdh = calls[n].call && calls[n].call._session && calls[n].call._session.sessionDescriptionHandler;
    return inboundLevel(sdh && sdh.peerConnection);
  },
  played(n) { return playedLevel(calls[n]); },
};
${PAGE_METERS}
`;

const bundles = new Map();
/** A page harness (source importing its client library by package name), bundled for the browser by esbuild (an IIFE). */
export async function bundleHarness(source) {
  if (!bundles.has(source)) {
    const esbuild = await import('esbuild');
    const result = await esbuild.build({
      stdin: { contents: source, resolveDir: ROOT, loader: 'js' },
      bundle: true,
      format: 'iife',
      platform: 'browser',
      write: false,
      logLevel: 'silent',
      external: ['node:*'],
    });
    bundles.set(source, result.outputFiles[0].text);
  }
  return bundles.get(source);
}

/** One official client in its own browser context. */
export class OfficialPage {
  constructor(context, page, cloud) {
    this.context = context;
    this.page = page;
    this.cloud = cloud;
    this.problems = [];
    this.console = [];
    this.global = '__official';
  }

  static async open(browser, cloud, clientId) {
    const { cloudId, accessKey } = cloud.config;
    const p = await OfficialPage.openHarness(OfficialPage, browser, cloud, { name: 'official', title: 'official client', harness: HARNESS, global: '__official' });
    // ACW_TEST_OFFICIAL_LOG=6 has the official client trace every SIP message it sends and gets.
    const logLevel = Number(process.env.ACW_TEST_OFFICIAL_LOG ?? 2);
    await p.run('start', cloudId, accessKey, clientId, logLevel);
    p.clientId = clientId;
    return p;
  }

  /**
   * A page of https://webrtc-CLOUDID.aculabcloud.net/NAME.html (served by request interception)
   * running the bundled `harness`, which sets window[global]; console errors and page errors are
   * kept in `problems`, the whole console in `console` (written to $ACW_TEST_<NAME>_CONSOLE on close).
   */
  static async openHarness(Cls, browser, cloud, { name, title, harness, global }) {
    const origin = `https://webrtc-${cloud.config.cloudId}.aculabcloud.net`;
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    const bundle = await bundleHarness(harness);
    await context.route(`${origin}/${name}.html`, (route) =>
      route.fulfill({ contentType: 'text/html', body: `<!doctype html><meta charset="utf-8"><title>${title}</title><script src="${name}.js"></script>` }));
    await context.route(`${origin}/${name}.js`, (route) => route.fulfill({ contentType: 'text/javascript', body: bundle }));
    const page = await context.newPage();
    const p = new Cls(context, page, cloud);
    p.global = global;
    p.consoleFile = process.env[`ACW_TEST_${name.toUpperCase()}_CONSOLE`];
    page.on('console', (m) => {
      p.console.push(`${m.type()}: ${m.text()}`);
      if (m.type() === 'error') p.problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => p.problems.push(`pageerror: ${e.message}`));
    await page.goto(`${origin}/${name}.html`);
    await page.waitForFunction((g) => window[g], global);
    return p;
  }

  run(method, ...args) {
    return this.page.evaluate(([g, m, a]) => window[g][m](...a), [this.global, method, args]);
  }

  log() {
    return this.page.evaluate((g) => window[g].log, this.global);
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
    if (this.consoleFile) writeFileSync(this.consoleFile, this.console.join('\n'));
    return this.context.close();
  }
}

// Our package in a page the cloud serves (its /js/ and /dist/), driven the same way as the official
// client's page: for what the dialler has no control for (SIP headers).
const OURS_HARNESS = async ([cloudId, accessKey, clientId]) => {
  const { AculabCloudClient } = await import('/js/index.js');
  await AculabCloudClient.ready;
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
