// The packed package as consumers load it: apps built by Vite (and its dev server), webpack 5 (through require()) and
// esbuild, and a plain <script> page, each making an echo call in Chromium against the local
// cloud with the echoed tone heard; and require() in Node. Every app makes its client right after
// the import, before the wasm has loaded, and calls at once, with the codecs option, so that the
// lazily loaded SDP module (acw-sdp.{mjs,wasm}) is found and loaded in every format.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import WebSocket from 'ws';
import { assertBuilt, basicAuth, endProcessSoon, installPacked, launchBrowser, LEVEL_HEARD, serveDir, startCloud, toneFile, until } from './helpers.mjs';

// The app, given AculabCloudClient: one echo call, its events and its inbound level kept on window.
const APP = `
const q = new URLSearchParams(location.search);
const acw = (window.acw = { events: [], badArgument: '', loadedBefore: null });
AculabCloudClient.ready.then(() => acw.events.push('ready'));
const client = new AculabCloudClient(q.get('cloudId'), q.get('accessKey'), q.get('clientId'), 2, { url: q.get('url') });
try {
  new AculabCloudClient('not-a-cloud-id', 'key', 'someone', 0);
} catch (e) {
  acw.badArgument = e;
}
// Chrome's audio processing attenuates a steady tone: off.
const call = client.callService('echo', {
  constraints: { audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false }, video: false },
  codecs: { audio: ['audio/opus'] },
});
call.onConnected = () => acw.events.push('connected');
call.onMedia = ({ stream }) => {
  const audio = new Audio();
  audio.srcObject = stream;
  audio.play().catch(() => {});
  acw.events.push('media');
};
call.onDisconnect = ({ cause }) => acw.events.push('disconnect ' + cause);
acw.level = async () => {
  let level = -1;
  (await call.getStats()).forEach((r) => {
    if (r.type === 'inbound-rtp' && r.kind === 'audio' && typeof r.audioLevel === 'number') level = r.audioLevel;
  });
  return level;
};
acw.hangUp = () => call.disconnect();
`;

const page = (script, type = 'module') => `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>consumer</title>\n${script.split(' ').map((s) => `<script ${type ? `type="${type}" ` : ''}src="${s}"></script>`).join('\n')}\n`;

// Fails, saying what is missing, where dist/ or Chromium is absent (the suite below then fails too).
test('dist/ is built and Chromium is installed', () => assertBuilt());

describe('consumers of the packed package', { timeout: 600000 }, () => {
  let project;
  let cloud;
  let browser;
  let server;
  before(async () => {
    assertBuilt();
    project = installPacked();
    // The apps are pages of their own sites (static servers and Vite's dev server on ports of their
    // own), as a real app's would be: a deployment lists such origins in allowedOrigins.
    cloud = await startCloud({ allowedOrigins: ['*'] });
    browser = await launchBrowser({ wav: toneFile('consumer', { freq: 440, seconds: 2 }) });
    server = await serveDir(project);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await cloud?.stop();
    endProcessSoon();
  });

  // Opens the app at `path` (under the project), waits for the echo heard, hangs up.
  async function echoCall(path, clientId, base = server.url) {
    const context = await browser.newContext();
    const tab = await context.newPage();
    const problems = [];
    tab.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    tab.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
    tab.on('response', (r) => r.status() >= 400 && problems.push(`${r.status()} ${r.url()}`));
    // Each .wasm fetched, by its bytes (webpack renames the files it emits after their hash).
    const wasms = [];
    tab.on('response', (r) => r.status() === 200 && /\.wasm([?#]|$)/.test(r.url()) && wasms.push(r.body().then((b) => b.length, () => -1)));
    const c = cloud.config;
    const url = new URL(path, base);
    const ws = new URL('sipproxy', cloud.url);
    ws.protocol = 'ws:';
    for (const [k, v] of Object.entries({ cloudId: c.cloudId, accessKey: c.accessKey, clientId, url: ws.href })) url.searchParams.set(k, v);
    try {
      await tab.goto(url.href);
      const events = () => tab.evaluate(() => window.acw && window.acw.events);
      await until(async () => (await events())?.includes('connected'), { timeout: 60000, what: `${path}: the echo call connected` })
        .catch((e) => { throw new Error(`${e.message}; ${problems.join(' | ')}`); });
      const level = await until(async () => {
        const l = await tab.evaluate(() => window.acw.level());
        return l > LEVEL_HEARD ? l : false;
      }, { timeout: 30000, what: `${path}: the echoed tone heard` });
      assert.equal(await tab.evaluate(() => window.acw.badArgument), 'Invalid cloudId');
      await tab.evaluate(() => window.acw.hangUp());
      await until(async () => (await events()).includes('disconnect NORMAL'), { what: `${path}: the call ended` });
      // The client was made and the call placed before the core had loaded.
      const seen = await events();
      assert.ok(seen.indexOf('ready') >= 0 && seen.indexOf('ready') < seen.indexOf('connected'), seen.join(', '));
      assert.deepEqual(problems, []);
      // The codecs option: the SDP module was fetched, from where this format looks for it.
      const sizes = await Promise.all(wasms);
      const sdpSize = statSync(join(project, 'node_modules/aculab-webrtc-wasm/dist/acw-sdp.wasm')).size;
      assert.ok(sizes.includes(sdpSize), `acw-sdp.wasm (${sdpSize} B) among the .wasm files fetched: ${sizes.join(', ')} B`);
      return level;
    } finally {
      await context.close();
    }
  }

  // The Vite app's source, shared by the build and the dev server.
  function viteApp() {
    const dir = join(project, 'vite');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'app.js'), `import { AculabCloudClient } from 'aculab-webrtc-wasm';\n${APP}`);
    writeFileSync(join(dir, 'index.html'), page('./app.js'));
    return dir;
  }

  test('Vite', async () => {
    const { build } = await import('vite');
    const dir = viteApp();
    await build({ root: dir, base: './', configFile: false, logLevel: 'error', build: { outDir: join(dir, 'out') } });
    await echoCall('vite/out/index.html', 'vite-app');
  });

  test('Vite dev server (dependencies pre-bundled)', async () => {
    const { createServer } = await import('vite');
    const dir = viteApp();
    const dev = await createServer({ root: dir, configFile: false, logLevel: 'error', server: { host: '127.0.0.1', port: 0 } });
    await dev.listen();
    try {
      await echoCall('index.html', 'vite-dev-app', dev.resolvedUrls.local[0]);
    } finally {
      await dev.close();
    }
  });

  test('webpack 5, with require()', async () => {
    const webpack = (await import('webpack')).default;
    const dir = join(project, 'webpack');
    mkdirSync(dir);
    writeFileSync(join(dir, 'app.cjs'), `const { AculabCloudClient } = require('aculab-webrtc-wasm');\n${APP}`);
    writeFileSync(join(dir, 'index.html'), page('out/main.js', ''));
    const stats = await new Promise((res, rej) => webpack({
      mode: 'production',
      context: dir,
      entry: './app.cjs',
      output: { path: join(dir, 'out'), filename: 'main.js' },
      // Terser is slow on this machine and not what is tested.
      optimization: { minimize: false },
    }, (err, s) => (err ? rej(err) : res(s))));
    assert.ok(!stats.hasErrors(), stats.toString('errors-only'));
    await echoCall('webpack/index.html', 'webpack-app');
  });

  test('esbuild (the wasm files copied next to the bundle)', async () => {
    const esbuild = await import('esbuild');
    const dir = join(project, 'esbuild');
    mkdirSync(dir);
    writeFileSync(join(dir, 'app.js'), `import { AculabCloudClient } from 'aculab-webrtc-wasm';\n${APP}`);
    writeFileSync(join(dir, 'index.html'), page('out/app.js'));
    await esbuild.build({ absWorkingDir: dir, entryPoints: ['app.js'], bundle: true, format: 'esm', minify: true, outdir: 'out', logLevel: 'error' });
    for (const f of ['acw-core.wasm', 'acw-sdp.wasm']) copyFileSync(join(project, 'node_modules/aculab-webrtc-wasm/dist', f), join(dir, 'out', f));
    await echoCall('esbuild/index.html', 'esbuild-app');
  });

  test('a plain <script> page (the script and its wasm files in another folder)', async () => {
    const dir = join(project, 'script');
    mkdirSync(join(dir, 'lib'), { recursive: true });
    const dist = join(project, 'node_modules/aculab-webrtc-wasm/dist');
    for (const f of ['aculab-webrtc-wasm.min.js', 'acw-core.wasm', 'acw-sdp.wasm']) copyFileSync(join(dist, f), join(dir, 'lib', f));
    writeFileSync(join(dir, 'app.js'), `'use strict';\n{\n${APP}\n}\n`);
    writeFileSync(join(dir, 'index.html'), page('lib/aculab-webrtc-wasm.min.js app.js', ''));
    await echoCall('script/index.html', 'script-app');
  });

  test('require() in Node: the CommonJS build, a client made at once registers', async () => {
    const require = createRequire(join(project, 'package.json'));
    assert.match(require.resolve('aculab-webrtc-wasm'), /dist[/\\]aculab-webrtc-wasm\.cjs$/);
    const { AculabCloudClient, AculabCloudIncomingCall } = require('aculab-webrtc-wasm');
    assert.equal(typeof AculabCloudIncomingCall, 'function');
    assert.throws(() => new AculabCloudClient('1-2-3', 'BAD KEY', 'x', 0), (e) => e === 'Invalid webRtcAccessKey');
    const c = cloud.config;
    const res = await fetch(new URL(`webrtc_generate_token?client_id=cjs-node`, cloud.url), { headers: { Authorization: basicAuth(cloud) } });
    const { token } = await res.json();
    const ws = new URL('sipproxy', cloud.url);
    ws.protocol = 'ws:';
    const client = new AculabCloudClient(c.cloudId, c.accessKey, 'cjs-node', 0, { url: ws.href, environment: { WebSocket } });
    const states = [];
    client.onIncomingState = (s) => states.push(s);
    client.enableIncoming(token);
    try {
      await AculabCloudClient.ready;
      await until(() => states.some((s) => s.ready), { what: 'the registration' });
    } finally {
      client.close();
    }
  });
});
