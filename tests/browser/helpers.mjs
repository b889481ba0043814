// Shared set-up for the browser suites: a local cloud on a free port, headless Chromium with the
// DESIGN.md flags and a WAV tone as microphone, and a page object for the dialler.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { loadConfig } from '../../cloud/config.mjs';
import { Cloud } from '../../cloud/cloud.mjs';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const OUTPUT = join(ROOT, 'tests', 'browser', 'output');
export const CHROMIUM = process.env.ACW_CHROMIUM ?? '/usr/bin/chromium';
const DIST = process.env.ACW_DIST ?? join(ROOT, 'dist');

// Temporary folders (events, recordings, WAVs) go when the test process ends, however it ends.
const temporary = [];
function tempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temporary.push(dir);
  return dir;
}
process.on('exit', () => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

// A tone the echo returns reads well above this inbound audioLevel (0..1); silence reads ~0.
export const LEVEL_HEARD = 0.02;

// What `bash toolchain/setup.sh` puts in dist/ for the page and the cloud's media.
const BUILT = ['acw-core.mjs', 'acw-core.wasm', 'acw-sdp.mjs', 'acw-sdp.wasm', 'acw-journal.mjs', 'acw-journal.wasm', 'acw-quality.mjs', 'acw-quality.wasm', 'acw-media.mjs', 'acw-media.wasm', 'aculab-webrtc-wasm.cjs', 'aculab-webrtc-wasm.min.js'];

/** Why the browser suites cannot run here, or false. */
export function missing() {
  if (!existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM} (apt-get install chromium)`;
  const absent = BUILT.filter((f) => !existsSync(join(DIST, f)));
  if (absent.length) return `not built in ${DIST}: ${absent.join(', ')} (bash toolchain/setup.sh)`;
  return false;
}

/**
 * Throws what missing() names. Called first in a suite's before(), it fails every test of the
 * suite with the reason: a broken build or a missing browser can never pass as skipped tests.
 */
export function assertBuilt() {
  const why = missing();
  if (why) throw new Error(`the browser suite cannot run: ${why}`);
}

/** Flags every test needs (DESIGN.md "Headless Chromium"); `wav` is the fake microphone. */
export function chromiumFlags({ wav, autoplay = true } = {}) {
  const flags = [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    // Without it no ICE candidate is found on loopback.
    '--allow-loopback-in-peer-connection',
    autoplay ? '--autoplay-policy=no-user-gesture-required' : '--autoplay-policy=user-gesture-required',
  ];
  if (wav) flags.push(`--use-file-for-fake-audio-capture=${wav}`);
  return flags;
}

/**
 * A mono PCM16 WAV with a sine tone: a whole number of cycles so that Chromium's looping of the
 * file stays seamless.
 */
export function writeToneWav(path, { freq = 440, seconds = 2, rate = 48000, amplitude = 0.5 } = {}) {
  const n = Math.round(seconds * rate);
  const b = Buffer.alloc(44 + n * 2);
  b.write('RIFF', 0, 'ascii');
  b.writeUInt32LE(36 + n * 2, 4);
  b.write('WAVE', 8, 'ascii');
  b.write('fmt ', 12, 'ascii');
  b.writeUInt32LE(16, 16); // fmt chunk size
  b.writeUInt16LE(1, 20); // PCM
  b.writeUInt16LE(1, 22); // mono
  b.writeUInt32LE(rate, 24);
  b.writeUInt32LE(rate * 2, 28); // bytes per second
  b.writeUInt16LE(2, 32); // block align
  b.writeUInt16LE(16, 34); // bits per sample
  b.write('data', 36, 'ascii');
  b.writeUInt32LE(n * 2, 40);
  for (let i = 0; i < n; i++) b.writeInt16LE(Math.round(amplitude * 32767 * Math.sin((2 * Math.PI * freq * i) / rate)), 44 + i * 2);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, b);
  return path;
}

/** The local cloud in this process (so a test can drop its sockets), quiet, on a free port. */
export async function startCloud(overrides = {}) {
  const tmp = tempDir('acw-browser-');
  const config = loadConfig({
    overrides: {
      port: 0,
      logLevel: process.env.ACW_TEST_LOG ?? 'silent',
      eventsLog: join(tmp, 'events.jsonl'),
      recordings: join(tmp, 'recordings'),
      stateDir: join(tmp, 'state'),
      dist: DIST,
      ...overrides,
    },
  });
  const cloud = new Cloud(config);
  await cloud.start();
  cloud.tmp = tmp;
  return cloud;
}

export function basicAuth(cloud) {
  const { cloudId, accountUser, apiKey } = cloud.config;
  return 'Basic ' + Buffer.from(`${cloudId}/${accountUser}:${apiKey}`).toString('base64');
}

/** A token from the cloud's token service for clientId (params: call_client, ttl...), as an application's server would fetch it. */
export async function cloudToken(cloud, clientId, params = {}) {
  const url = new URL('webrtc_generate_token', cloud.url);
  url.searchParams.set('client_id', clientId);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, String(v));
  const res = await fetch(url, { headers: { Authorization: basicAuth(cloud) } });
  if (res.status !== 200) throw new Error(`token for ${clientId}: ${res.status}`);
  return (await res.json()).token;
}

/** GET /events (optionally ?type=...) as the list of events. */
export async function cloudEvents(cloud, query = {}) {
  const url = new URL('events', cloud.url);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, String(v));
  const res = await fetch(url, { headers: { Authorization: basicAuth(cloud) } });
  if (!res.ok) throw new Error(`/events: ${res.status}`);
  return (await res.json()).events;
}

/** Asks the cloud to call a client, as an application would (the outbound-call web service). */
export async function cloudCalls(cloud, params) {
  const res = await fetch(new URL('outbound_call', cloud.url), {
    method: 'POST',
    headers: { Authorization: basicAuth(cloud), 'Content-Type': 'application/json' },
    body: JSON.stringify(params),
  });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(`/outbound_call: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `fn` until it returns something truthy. The timeout only bounds a failing test: a
 * passing one never depends on it.
 */
export async function until(fn, { timeout = 30000, interval = 150, what = 'a condition' } = {}) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
      last = v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${what} (last: ${last && last.message || JSON.stringify(last)})`);
    await sleep(interval);
  }
}

export async function launchBrowser({ wav, autoplay = true, extraArgs = [] } = {}) {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...chromiumFlags({ wav, autoplay }), ...extraArgs],
  });
}

export function screenshotPath(name) {
  mkdirSync(OUTPUT, { recursive: true });
  return join(OUTPUT, `${name}.png`);
}

/** The dialler in one browser context: one client. */
export class Dialler {
  constructor(context, page, cloud) {
    this.context = context;
    this.page = page;
    this.cloud = cloud;
    this.problems = []; // console errors, page errors, CSP violations
  }

  /** Opens the page with settings in the query string (`query`: more, or others) and waits for the package to load. */
  static async open(browser, cloud, { clientId, logLevel = 4, maxConcurrent = 2, processing = false, viewport, query = {} } = {}) {
    const context = await browser.newContext({ viewport: viewport ?? { width: 1280, height: 900 } });
    const page = await context.newPage();
    const d = new Dialler(context, page, cloud);
    page.on('console', (m) => {
      if (m.type() === 'error') d.problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => d.problems.push(`pageerror: ${e.message}`));
    const url = new URL(cloud.url);
    const c = cloud.config;
    const params = { cloudId: c.cloudId, accessKey: c.accessKey, accountUser: c.accountUser, apiKey: c.apiKey, logLevel, maxConcurrent, processing: processing ? '1' : '0' };
    if (clientId) params.clientId = clientId;
    Object.assign(params, query);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, String(v));
    await page.goto(url.href);
    await until(async () => {
      const s = await page.evaluate(() => ({ ready: document.body.dataset.ready, client: document.body.dataset.client, error: document.getElementById('page-error').textContent }));
      if (s.client === 'unavailable') throw new Error(`the page could not load the package: ${s.error}`);
      return s.ready === 'yes';
    }, { timeout: 30000, what: 'the package to load in the page' }).catch(async (e) => {
      throw new Error(`${e.message}; page problems: ${d.problems.join(' | ')}`);
    });
    return d;
  }

  body(name) {
    return this.page.evaluate((n) => document.body.dataset[n], name);
  }

  async start() {
    await this.page.click('#start-button');
    await until(() => this.body('client').then((s) => s === 'running'), { what: 'the client to start' });
  }

  async enableIncoming() {
    await this.page.click('#enable-button');
    await this.waitIncoming('ready');
  }

  waitIncoming(state, timeout = 30000) {
    return until(() => this.body('incoming').then((s) => s === state), { timeout, what: `incoming state ${state}` });
  }

  /** Ids (the page's) of the call cards shown, newest first. */
  cardIds() {
    return this.page.$$eval('#calls li.call', (lis) => lis.map((li) => Number(li.dataset.call)));
  }

  /** Dials a service (or a client) with the form and returns the new call's page id. */
  async dial(target, kind = 'service') {
    const before = new Set(await this.cardIds());
    await this.page.check(`#dial-form input[name="kind"][value="${kind}"]`);
    await this.page.fill('#target', target);
    await this.page.click('#call-button');
    return until(async () => (await this.cardIds()).find((id) => !before.has(id)), { what: `a call card for ${target}` });
  }

  card(id) {
    return this.page.locator(`#calls li.call[data-call="${id}"]`);
  }

  callState(id) {
    return this.card(id).getAttribute('data-state', { timeout: 2000 });
  }

  waitState(id, states, timeout = 30000) {
    const want = Array.isArray(states) ? states : [states];
    return until(async () => {
      const s = await this.callState(id);
      return want.includes(s) ? s : false;
    }, { timeout, what: `call ${id} in state ${want.join('/')}` });
  }

  /** The cause in the call log for the page's call `id`. */
  waitCause(id, timeout = 30000) {
    return until(() => this.page.locator(`#call-log tbody tr[data-call="${id}"]`).getAttribute('data-cause', { timeout: 1000 }).catch(() => null),
      { timeout, what: `call ${id} in the call log` });
  }

  async statValue(id, name) {
    const v = await this.card(id).locator(`[data-stat="${name}"]`).getAttribute('data-value', { timeout: 2000 });
    return v === null || v === '' ? NaN : Number(v);
  }

  /** Waits for stat `name` of call `id` to pass `test`; returns the value. */
  waitStat(id, name, test, what, timeout = 30000) {
    return until(async () => {
      const v = await this.statValue(id, name);
      return test(v) ? { v } : false;
    }, { timeout, what: `call ${id} ${name} ${what}` }).then((r) => r.v);
  }

  /** Ends whatever a failed test left: hangs up live calls, rejects offered ones, waits for none. */
  async hangUpAll() {
    const live = () => this.page.$$eval('#calls li.call:not([data-state="ended"])', (lis) => lis.map((li) => li.dataset.call));
    for (const id of await live()) await this.card(id).locator('.hang-up').click({ timeout: 2000 }).catch(() => {});
    for (const b of await this.page.locator('#incoming-list .reject').all()) await b.click({ timeout: 2000 }).catch(() => {});
    await until(async () => (await live()).length === 0 && (await this.page.locator('#incoming-list .incoming').count()) === 0,
      { timeout: 20000, what: 'no calls left' });
  }

  async hangUp(id) {
    await this.card(id).locator('.hang-up').click();
  }

  /** The incoming panel's call id once one shows. */
  waitIncomingPanel(timeout = 30000) {
    return until(async () => {
      const id = await this.page.locator('#incoming-list .incoming').first().getAttribute('data-call', { timeout: 500 }).catch(() => null);
      return id ? Number(id) : false;
    }, { timeout, what: 'the incoming-call panel' });
  }

  incomingPanel(id) {
    return this.page.locator(`#incoming-list .incoming[data-call="${id}"]`);
  }

  async screenshot(name) {
    // The top bar is sticky: from the top, a full-page shot shows it where it belongs.
    await this.page.evaluate(() => window.scrollTo(0, 0));
    await this.page.screenshot({ path: screenshotPath(name), fullPage: true });
  }

  close() {
    return this.context.close();
  }
}

/**
 * A microphone whose level moves, for tests of call quality: a 440 Hz tone whose amplitude swings
 * between 0.1 and 0.6 at 0.3 Hz (a steady tone is a "constant input level", as a dead microphone
 * is). 10 s, whole periods of both, so that Chromium's looping of the file is seamless.
 */
export function warbleFile(name = 'warble') {
  const rate = 48000;
  const n = 10 * rate;
  const b = Buffer.alloc(44 + n * 2);
  b.write('RIFF', 0, 'ascii');
  b.writeUInt32LE(36 + n * 2, 4);
  b.write('WAVEfmt ', 8, 'ascii');
  b.writeUInt32LE(16, 16); // fmt chunk size
  b.writeUInt16LE(1, 20); // PCM
  b.writeUInt16LE(1, 22); // mono
  b.writeUInt32LE(rate, 24);
  b.writeUInt32LE(rate * 2, 28); // bytes per second
  b.writeUInt16LE(2, 32); // block align
  b.writeUInt16LE(16, 34); // bits per sample
  b.write('data', 36, 'ascii');
  b.writeUInt32LE(n * 2, 40);
  for (let i = 0; i < n; i++) {
    const t = i / rate;
    const amplitude = 0.35 + 0.25 * Math.sin(2 * Math.PI * 0.3 * t);
    b.writeInt16LE(Math.round(amplitude * 32767 * Math.sin(2 * Math.PI * 440 * t)), 44 + i * 2);
  }
  const path = join(tempDir('acw-wav-'), `${name}.wav`);
  writeFileSync(path, b);
  return path;
}

/** Writes a tone WAV into a temp folder and returns its path. */
export function toneFile(name = 'tone', options = {}) {
  const dir = tempDir('acw-wav-');
  return writeToneWav(join(dir, `${name}.wav`), options);
}

/** Ends the test process once its suites are done: media libraries may keep it alive. */
export function endProcessSoon() {
  setTimeout(() => process.exit(process.exitCode ?? 0), 1000).unref();
}

/**
 * The package as a consumer gets it: `npm pack` of this repo, installed from the tarball (offline:
 * the package has no dependencies) into a new project in a temp folder. Returns the project's folder.
 */
export function installPacked(prefix = 'acw-consumer-') {
  const dir = tempDir(prefix);
  const npm = (args, cwd) => execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, encoding: 'utf8' });
  const packed = JSON.parse(npm(['pack', '--json', '--pack-destination', dir], ROOT));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, version: '1.0.0' }));
  npm(['install', '--offline', '--no-save', join(dir, packed[0].filename)], dir);
  return dir;
}

const MIME = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.cjs': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css' };

/** A static file server for `dir` on a free loopback port; resolves to { url, close() }. */
export async function serveDir(dir) {
  const server = createServer((req, res) => {
    const path = join(dir, decodeURIComponent(new URL(req.url, 'http://x').pathname));
    if (!path.startsWith(dir) || !existsSync(path) || !statSync(path).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': MIME[extname(path)] ?? 'application/octet-stream' });
    res.end(readFileSync(path));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((r) => server.close(r)) };
}
