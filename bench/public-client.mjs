// Ours beside the public client (@aculab-com/aculab-webrtc 4.0.8, unchanged) in one headless
// Chromium run against one local cloud with TURN (`--turn`: coturn on loopback, its REST-API
// credentials handed out in the ICE-servers answer, which both clients ask for):
//   - import -> first onIncomingState ready: a fresh browser context per sample (cold cache), the
//     page's clock from just before the library's <script> to ready (script fetch and evaluation,
//     for ours the wasm fetch, compile and instantiate, the WebSocket, REGISTER -> 200);
//   - call set-up with TURN configured: callService('echo') and callClient (the callee, a page of
//     the same client, answers in onIncoming) -> onConnected; ours with the default send-sooner
//     rule and with iceGathering 'complete' (the public client always waits for gathering);
//   - onConnected -> first audio heard: the caller's inbound-rtp audioLevel above 0.02 (the
//     browser suites' bound), getStats every 10 ms; the microphone is a 440 Hz tone;
//   - main-thread time per minute of a connected echo call, the page calling call.getStats()
//     every second: the renderer's TaskDuration and ScriptDuration (CDP Performance.getMetrics)
//     over a window scaled to a minute, long tasks (PerformanceObserver 'longtask') and the time
//     inside the page's timer callbacks (setTimeout/setInterval wrapped before any script runs);
//     the same registered page with no call beside it, for the idle floor.
// Samples alternate between the clients so that the machine's load hits both alike.
//
//   node bench/public-client.mjs [--calls 20] [--imports 10] [--window 20] [--json FILE]
//   node bench/public-client.mjs --quick     # the smoke path: 2 of each, a 3 s window
//
// Environment: ACW_CHROMIUM (default /usr/bin/chromium).
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { ROOT, fmt, handOff, median, notAvailable, parseArgs, percentile, printTable } from './common.mjs';

const CHROMIUM = process.env.ACW_CHROMIUM || '/usr/bin/chromium';
const TURNSERVER = '/usr/bin/turnserver';
const CLOUD_ID = '1-2-0'; // the public client's URL names it; the cloud's default
const ORIGIN = `https://webrtc-${CLOUD_ID}.aculabcloud.net`;
const LEVEL_HEARD = 0.02; // tests/browser/helpers.mjs
const STEP_TIMEOUT_MS = 20000;

const CLIENTS = { ours: 'ours', official: 'public client 4.0.8' };
const FIGURES = {
  'clients.import_to_ready': { label: 'import -> first onIncomingState ready (fresh context)', unit: 'ms (median)' },
  'clients.service_echo_turn': { label: "TURN: callService('echo') -> onConnected", unit: 'ms (median)' },
  'clients.service_echo_turn_complete': { label: "TURN: callService('echo') -> onConnected, ours iceGathering 'complete'", unit: 'ms (median)' },
  'clients.client_to_client_turn': { label: 'TURN: callClient -> onConnected', unit: 'ms (median)' },
  'clients.client_to_client_turn_complete': { label: "TURN: callClient -> onConnected, ours iceGathering 'complete'", unit: 'ms (median)' },
  'clients.first_audio_echo': { label: 'echo: onConnected -> first audio heard (inbound level > 0.02)', unit: 'ms (median)' },
  'clients.first_audio_client': { label: 'client to client: onConnected -> first audio heard', unit: 'ms (median)' },
  'clients.main_thread_call': { label: 'main-thread time per minute of a connected echo call (getStats every 1 s)', unit: 'ms per minute' },
  'clients.main_thread_idle': { label: 'main-thread time per minute, registered, no call', unit: 'ms per minute', noGoal: true },
};

function unavailable(reason) {
  console.log(`\nOurs beside the public client: not available (${reason})`);
  const figures = {};
  for (const [key, f] of Object.entries(FIGURES)) figures[key] = { label: f.label, ...notAvailable(f.unit, reason) };
  return { title: 'Ours beside the public client', rows: [['Ours beside the public client', `not available (${reason})`]], figures };
}

// ---- what the pages load -------------------------------------------------------------------------

// Runs before any script of every page: taps every RTCPeerConnection (the last one is the live
// call's), counts long tasks, and times the page's timer callbacks.
const INIT_SCRIPT = `(() => {
  const pcs = [];
  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Native {
    constructor(...a) { super(...a); pcs.push(this); }
  };
  window.__pcs = pcs;
  const m = { longTasks: 0, longTaskMs: 0, timerMs: 0, timerCalls: 0 };
  window.__main = m;
  try {
    new PerformanceObserver((list) => { for (const e of list.getEntries()) { m.longTasks++; m.longTaskMs += e.duration; } })
      .observe({ type: 'longtask', buffered: true });
  } catch { /* no long-task timing */ }
  const wrap = (native) => function (fn, ...rest) {
    if (typeof fn !== 'function') return native.call(window, fn, ...rest);
    return native.call(window, function (...a) {
      const t = performance.now();
      try { return fn.apply(this, a); } finally { m.timerMs += performance.now() - t; m.timerCalls++; }
    }, ...rest);
  };
  window.setTimeout = wrap(window.setTimeout);
  window.setInterval = wrap(window.setInterval);
})();`;

// The public client as a page would ship it: bundled and minified by esbuild, one script.
const OFFICIAL_ENTRY = "import { AculabCloudClient } from '@aculab-com/aculab-webrtc';\nglobalThis.AculabCloudClient = AculabCloudClient;\n";

// Both pages: the library's script (timed from just before it), then this driver, which makes the
// client and enables incoming calls at once (ours queues the commands until its wasm is in), and
// defines window.B, the steps the bench drives.
const DRIVER = `(() => {
  const P = Object.fromEntries(new URLSearchParams(location.hash.slice(1)));
  const T = { t0: window.__t0, libEvaluated: performance.now(), ready: 0, coreReady: 0, states: [] };
  window.__T = T;
  const C = globalThis.AculabCloudClient;
  if (C.ready) C.ready.then(() => { T.coreReady = performance.now(); }, (e) => { T.error = String(e); });
  const client = new C(P.cloudId, P.accessKey, P.clientId, 0);
  client.maxConcurrent = 4;
  let stateWaiter = null;
  client.onIncomingState = (s) => {
    T.states.push(s);
    if (s.ready && !T.ready) T.ready = performance.now();
    if (stateWaiter) stateWaiter(s);
  };
  client.enableIncoming(P.token);
  const options = (rule) => ({
    constraints: { audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false }, video: false },
    ...(rule ? { iceGathering: rule } : {}),
  });
  const players = [];
  const play = (ev) => {
    if (!ev || !ev.stream) return;
    const a = new Audio();
    a.autoplay = true;
    a.srcObject = ev.stream;
    a.play().catch(() => {});
    players.push(a);
  };
  const within = (p, what, ms) => Promise.race([p, new Promise((_, reject) => setTimeout(() => reject(new Error(what + ': nothing in ' + ms + ' ms')), ms))]);
  async function inboundLevel(pc) {
    let level = -1;
    (await pc.getStats()).forEach((r) => { if (r.type === 'inbound-rtp' && r.kind === 'audio' && typeof r.audioLevel === 'number') level = r.audioLevel; });
    return level;
  }
  let live = null; // { call, pcsBefore, gone }
  let active = 0;
  let rule = '';
  let polling = null;
  window.B = {
    T,
    active: () => active,
    setRule(r) { rule = r; },
    async waitReady(ms) {
      if (T.ready) return T;
      await within(new Promise((resolve) => { stateWaiter = (s) => s.ready && resolve(); }), 'onIncomingState ready', ms);
      return T;
    },
    // The callee: answers every call in onIncoming, with the same options.
    callee() {
      client.onIncoming = (ev) => {
        active++;
        const call = ev.call;
        call.onMedia = play;
        call.onDisconnect = () => { active--; };
        call.answer(options(rule));
      };
    },
    // One call up to onConnected and then the first audio heard; the call stays up.
    async start(kind, target, token, stepMs) {
      const before = window.__pcs.length;
      const t0 = performance.now();
      const call = kind === 'service' ? client.callService(target, options(rule)) : client.callClient(target, token, options(rule));
      let disconnected;
      const gone = new Promise((resolve) => { disconnected = resolve; });
      const connected = new Promise((resolve, reject) => {
        call.onConnected = () => resolve(performance.now());
        call.onDisconnect = (ev) => { disconnected(ev); reject(new Error('onDisconnect ' + (ev && ev.cause) + ' before onConnected')); };
      });
      call.onMedia = play;
      live = { call, gone };
      const t1 = await within(connected, kind + ' call', stepMs);
      call.onDisconnect = (ev) => disconnected(ev);
      const pc = window.__pcs[window.__pcs.length - 1];
      if (window.__pcs.length === before || !pc) throw new Error('no peer connection for the call');
      let t2 = 0;
      const end = t1 + stepMs;
      while (performance.now() < end) {
        if (await inboundLevel(pc) > ${LEVEL_HEARD}) { t2 = performance.now(); break; }
        await new Promise((r) => setTimeout(r, 10));
      }
      if (!t2) throw new Error('no audio heard in ' + stepMs + ' ms after onConnected');
      return { setup: t1 - t0, firstAudio: t2 - t1 };
    },
    // Stats polling as a page showing them would: call.getStats() every second.
    pollStats(on) {
      clearInterval(polling);
      polling = on && live ? setInterval(() => { live.call.getStats().catch(() => {}); }, 1000) : null;
    },
    main: () => ({ ...window.__main }),
    async end(stepMs) {
      if (!live) return;
      const { call, gone } = live;
      live = null;
      clearInterval(polling);
      try { call.disconnect(); } catch { /* over already */ }
      await within(gone, 'disconnect', stepMs);
      for (const a of players.splice(0)) a.srcObject = null;
    },
  };
})();`;

const page = (name, lib) => `<!doctype html><meta charset="utf-8"><title>${name}</title>
<script>window.__t0 = performance.now();</script>
<script src="${lib}"></script>
<script src="driver.js"></script>
`;

// ---- the local cloud, as a child process, serving TLS and the pages --------------------------------

function selfSignedCert(dir) {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  return import('node:child_process').then(({ execFileSync }) => {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', key, '-out', cert, '-days', '2', '-subj', `/CN=webrtc-${CLOUD_ID}.aculabcloud.net`,
      '-addext', `subjectAltName=DNS:webrtc-${CLOUD_ID}.aculabcloud.net,IP:127.0.0.1`], { stdio: 'ignore' });
    return { cert, key };
  });
}

async function startCloud(tmp, www, tls) {
  const child = spawn(process.execPath, [
    join(ROOT, 'cloud', 'server.mjs'), '--turn', '--port', '0', '--tls-cert', tls.cert, '--tls-key', tls.key, '--dist', www,
    '--log-level', 'warn', '--events-log', '', '--api-key', 'local-api-key', '--recordings', join(tmp, 'recordings'),
    '--rate-limit', '10000', '--max-calls', '1000',
  ], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the local cloud did not start in 60 s: ${output.slice(-300)}`)), 60000);
    const look = (chunk) => {
      output += chunk;
      const m = /listening on (https?:\/\/\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1].endsWith('/') ? m[1] : `${m[1]}/`);
      }
    };
    child.stdout.on('data', look);
    child.stderr.on('data', look);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the local cloud exited (${code}): ${output.trim().split('\n').slice(-3).join(' / ')}`));
    });
  });
  child.stdout.removeAllListeners('data');
  child.stdout.resume();
  child.stderr.resume();
  return { child, url };
}

async function stopCloud(child) {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 8000);
  await exited;
  clearTimeout(timer);
}

async function token(url, clientId) {
  const auth = 'Basic ' + Buffer.from(`${CLOUD_ID}/local:local-api-key`).toString('base64');
  const q = new URL('webrtc_generate_token', url);
  q.searchParams.set('client_id', clientId);
  q.searchParams.set('call_client', '*');
  const res = await fetch(q, { headers: { Authorization: auth } });
  if (!res.ok) throw new Error(`webrtc_generate_token: ${res.status} ${await res.text()}`);
  return (await res.json()).token;
}

// ---- run -----------------------------------------------------------------------------------------

const stats = (times) => ({
  median: median(times), p95: percentile(times, 95), n: times.length,
});
const round = (v) => (Number.isFinite(v) ? Math.round(v * 10) / 10 : null);

export async function run({ calls = 20, imports = 10, windowSeconds = 20 } = {}) {
  if (!existsSync(CHROMIUM)) return unavailable(`no Chromium at ${CHROMIUM}`);
  if (!existsSync(TURNSERVER)) return unavailable(`no TURN server (${TURNSERVER}: Debian package coturn)`);
  if (!existsSync(join(ROOT, 'dist', 'aculab-webrtc-wasm.min.js'))) return unavailable('dist/ not built');
  let chromium;
  let esbuild;
  try {
    ({ chromium } = await import('playwright-core'));
    esbuild = await import('esbuild');
  } catch {
    return unavailable('playwright-core or esbuild not installed');
  }
  if (!existsSync(join(ROOT, 'node_modules', '@aculab-com', 'aculab-webrtc'))) return unavailable('@aculab-com/aculab-webrtc not installed');

  const tmp = mkdtempSync(join(tmpdir(), 'acw-bench-clients-'));
  let cloud;
  let browser;
  try {
    // The cloud serves dist/ (for its media and our script) with the two pages and the public
    // client's bundle beside it: every file of both pages comes the same way.
    const www = join(tmp, 'www');
    mkdirSync(www);
    for (const f of readdirSync(join(ROOT, 'dist'))) if (/\.(m?js|cjs|wasm)$/.test(f)) copyFileSync(join(ROOT, 'dist', f), join(www, f));
    const bundle = await esbuild.build({
      stdin: { contents: OFFICIAL_ENTRY, resolveDir: ROOT, loader: 'js' },
      bundle: true, format: 'iife', platform: 'browser', minify: true, write: false, logLevel: 'silent',
    });
    writeFileSync(join(www, 'official.js'), bundle.outputFiles[0].text);
    writeFileSync(join(www, 'driver.js'), DRIVER);
    writeFileSync(join(www, 'ours.html'), page('ours', 'aculab-webrtc-wasm.min.js'));
    writeFileSync(join(www, 'official.html'), page('public client', 'official.js'));
    const wav = join(tmp, 'tone.wav');
    writeTone(wav);
    const tls = await selfSignedCert(tmp);
    try {
      cloud = await startCloud(tmp, www, tls);
    } catch (e) {
      return unavailable(e.message);
    }
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0'; // the throw-away certificate, for the tokens
    const port = Number(new URL(cloud.url).port);
    const host = `webrtc-${CLOUD_ID}.aculabcloud.net`;
    browser = await chromium.launch({
      executablePath: CHROMIUM, headless: true,
      args: [
        '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--use-fake-ui-for-media-stream',
        '--use-fake-device-for-media-stream', `--use-file-for-fake-audio-capture=${wav}`, '--allow-loopback-in-peer-connection',
        '--autoplay-policy=no-user-gesture-required',
        `--host-resolver-rules=MAP ${host}:443 127.0.0.1:${port}, MAP ${host} 127.0.0.1`, '--ignore-certificate-errors',
        '--disable-features=LocalNetworkAccessChecks,BlockInsecurePrivateNetworkRequests,PrivateNetworkAccessSendPreflights',
      ],
    });
    const tokens = new Map();
    const tokenFor = async (id) => {
      if (!tokens.has(id)) tokens.set(id, await token(cloud.url, id));
      return tokens.get(id);
    };
    const open = async (kind, clientId) => {
      const context = await browser.newContext({ ignoreHTTPSErrors: true });
      await context.addInitScript(INIT_SCRIPT);
      const p = await context.newPage();
      const problems = [];
      p.on('pageerror', (e) => problems.push(e.message));
      const hash = new URLSearchParams({ cloudId: CLOUD_ID, accessKey: 'abc123', clientId, token: await tokenFor(clientId) });
      await p.goto(`${ORIGIN}/dist/${kind}.html#${hash}`);
      let t;
      try {
        t = await p.evaluate((ms) => window.B.waitReady(ms), STEP_TIMEOUT_MS);
      } catch (e) {
        await context.close();
        throw new Error(`${kind}: ${e.message.split('\n')[0]} ${problems.join(' | ')}`, { cause: e });
      }
      return { context, page: p, t, problems };
    };
    const step = (p, name, ...a) => p.page.evaluate(([n, args]) => window.B[n](...args), [name, a]);

    // Import -> ready, a fresh context each time, alternating.
    const importTimes = { ours: [], official: [] };
    const importPhases = { ours: { libEvaluated: [], coreReady: [] }, official: { libEvaluated: [] } };
    const failures = {};
    const fail = (key, e) => (failures[key] ??= []).push(e.message.split('\n')[0]);
    for (let i = 0; i < imports + 1; i++) {
      for (const kind of ['ours', 'official']) {
        try {
          const p = await open(kind, `import${kind}`);
          await p.context.close();
          if (i === 0) continue; // warm-up: the first launch of each
          importTimes[kind].push(p.t.ready - p.t.t0);
          importPhases[kind].libEvaluated.push(p.t.libEvaluated - p.t.t0);
          if (kind === 'ours') importPhases[kind].coreReady.push(p.t.coreReady - p.t.t0);
        } catch (e) {
          fail(`import_${kind}`, e);
        }
      }
    }

    // Callers and callees, one of each client; registered.
    const pages = {};
    for (const kind of ['ours', 'official']) {
      pages[kind] = { caller: await open(kind, `${kind}caller`), callee: await open(kind, `${kind}callee`) };
      await step(pages[kind].callee, 'callee');
    }
    const results = {}; // figure key -> kind -> { setup: [], firstAudio: [] }
    const oneCall = async (key, kind, callKind, rule) => {
      const { caller, callee } = pages[kind];
      await Promise.all([step(caller, 'setRule', rule), step(callee, 'setRule', rule)]);
      const target = callKind === 'service' ? 'echo' : `${kind}callee`;
      const r = ((results[key] ??= {})[kind] ??= { setup: [], firstAudio: [] });
      try {
        const t = await step(caller, 'start', callKind, target, await tokenFor(`${kind}caller`), STEP_TIMEOUT_MS);
        r.setup.push(t.setup);
        r.firstAudio.push(t.firstAudio);
      } catch (e) {
        fail(`${key}_${kind}`, e);
      } finally {
        await step(caller, 'end', STEP_TIMEOUT_MS).catch((e) => fail(`${key}_${kind}`, e));
        await callee.page.waitForFunction(() => window.B.active() === 0, null, { timeout: STEP_TIMEOUT_MS }).catch(() => {});
      }
    };
    const SERIES = [
      ['service_echo_turn', 'service', [['ours', ''], ['official', '']]],
      ['client_to_client_turn', 'client', [['ours', ''], ['official', '']]],
      ['service_echo_turn_complete', 'service', [['ours', 'complete']]],
      ['client_to_client_turn_complete', 'client', [['ours', 'complete']]],
    ];
    for (const [key, callKind, who] of SERIES) {
      for (const [kind, rule] of who) await oneCall(`warm_${key}`, kind, callKind, rule); // first call of each: warm-up
      for (let i = 0; i < calls; i++) for (const [kind, rule] of who) await oneCall(key, kind, callKind, rule);
    }

    // Main-thread time: a connected echo call with stats polling, then the registered page alone.
    const main = { call: {}, idle: {} };
    const metrics = async (cdp) => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
    const measureWindow = async (p) => {
      const cdp = await p.context.newCDPSession(p.page);
      await cdp.send('Performance.enable');
      const m0 = await metrics(cdp);
      const own0 = await step(p, 'main');
      const w0 = performance.now();
      await new Promise((r) => setTimeout(r, windowSeconds * 1000));
      const m1 = await metrics(cdp);
      const own1 = await step(p, 'main');
      const seconds = (performance.now() - w0) / 1000;
      await cdp.detach();
      const perMinute = (v) => (v * 60) / seconds;
      return {
        taskMs: perMinute((m1.TaskDuration - m0.TaskDuration) * 1000),
        scriptMs: perMinute((m1.ScriptDuration - m0.ScriptDuration) * 1000),
        longTasks: perMinute(own1.longTasks - own0.longTasks),
        longTaskMs: perMinute(own1.longTaskMs - own0.longTaskMs),
        timerMs: perMinute(own1.timerMs - own0.timerMs),
        timerCalls: perMinute(own1.timerCalls - own0.timerCalls),
        seconds,
      };
    };
    for (const kind of ['ours', 'official']) {
      const p = pages[kind].caller;
      try {
        await step(p, 'setRule', '');
        await step(p, 'start', 'service', 'echo', '', STEP_TIMEOUT_MS);
        await step(p, 'pollStats', true);
        main.call[kind] = await measureWindow(p);
      } catch (e) {
        fail(`main_thread_call_${kind}`, e);
      } finally {
        await step(p, 'end', STEP_TIMEOUT_MS).catch(() => {});
      }
      try {
        main.idle[kind] = await measureWindow(p);
      } catch (e) {
        fail(`main_thread_idle_${kind}`, e);
      }
    }
    for (const kind of ['ours', 'official']) for (const p of Object.values(pages[kind])) await p.context.close().catch(() => {});

    // ---- the figures ----
    const figures = {};
    const pair = (key, value, peer, extra = {}) => {
      const f = FIGURES[`clients.${key}`];
      // The aim for each figure a user feels: ours below the public client's (issue 18).
      const both = Number.isFinite(value) && Number.isFinite(peer);
      figures[`clients.${key}`] = {
        label: f.label, value: round(value), unit: f.unit,
        peers: peer === undefined ? {} : { [CLIENTS.official]: round(peer) },
        ...(f.noGoal ? {} : { goal: 'below the public client', met: both ? value < peer : null }),
        ...extra,
      };
    };
    const fromSeries = (key, field) => {
      const o = stats(results[key]?.ours?.[field] ?? []);
      const p = stats(results[key]?.official?.[field] ?? []);
      return { o, p };
    };
    const io = stats(importTimes.ours);
    const ip = stats(importTimes.official);
    pair('import_to_ready', io.median, ip.median, {
      p95: round(io.p95), peerP95: round(ip.p95), samples: io.n, peerSamples: ip.n,
      phasesMedianMs: {
        ours: { scriptEvaluated: round(median(importPhases.ours.libEvaluated)), coreReady: round(median(importPhases.ours.coreReady)) },
        official: { scriptEvaluated: round(median(importPhases.official.libEvaluated)) },
      },
    });
    const rows = [['figure (headless Chromium, local cloud with TURN on loopback)', 'ours median', 'ours p95', 'public median', 'public p95', 'n']];
    rows.push([FIGURES['clients.import_to_ready'].label, fmt(io.median), fmt(io.p95), fmt(ip.median), fmt(ip.p95), `${io.n}/${ip.n}`]);
    for (const [key] of SERIES) {
      const { o, p } = fromSeries(key, 'setup');
      const complete = key.endsWith('_complete');
      const peer = complete ? fromSeries(key.replace('_complete', ''), 'setup').p : p;
      pair(key, o.median, peer.median, { p95: round(o.p95), peerP95: round(peer.p95), samples: o.n, peerSamples: peer.n });
      rows.push([FIGURES[`clients.${key}`].label, fmt(o.median), fmt(o.p95), complete ? `(${fmt(peer.median)})` : fmt(peer.median), complete ? '' : fmt(peer.p95), `${o.n}/${complete ? '-' : peer.n}`]);
    }
    for (const [figure, key] of [['first_audio_echo', 'service_echo_turn'], ['first_audio_client', 'client_to_client_turn']]) {
      const { o, p } = fromSeries(key, 'firstAudio');
      pair(figure, o.median, p.median, { p95: round(o.p95), peerP95: round(p.p95), samples: o.n, peerSamples: p.n });
      rows.push([FIGURES[`clients.${figure}`].label, fmt(o.median), fmt(o.p95), fmt(p.median), fmt(p.p95), `${o.n}/${p.n}`]);
    }
    printTable(`Ours beside the public client, ms of the page's clock (${calls} calls of each, alternating; ${imports} fresh pages; Chromium ${browser.version()})`, rows);
    const mainRows = [['main thread, per minute (window scaled to 60 s)', 'renderer tasks ms', 'of it script ms', 'long tasks', 'long-task ms', 'timer callbacks ms', 'timer calls', 'window s']];
    for (const which of ['call', 'idle']) {
      for (const kind of ['ours', 'official']) {
        const m = main[which][kind];
        if (!m) continue;
        mainRows.push([`${which === 'call' ? 'echo call, getStats every 1 s' : 'registered, no call'}: ${CLIENTS[kind]}`, fmt(m.taskMs), fmt(m.scriptMs),
          fmt(m.longTasks), fmt(m.longTaskMs), fmt(m.timerMs), fmt(m.timerCalls, 0), fmt(m.seconds)]);
      }
      const o = main[which].ours;
      const p = main[which].official;
      pair(`main_thread_${which}`, o?.taskMs, p?.taskMs, { ours: o ?? null, official: p ?? null, windowSeconds });
    }
    printTable('', mainRows);
    const phaseRows = [['import -> ready, where it goes (medians, ms from just before the script)', 'script evaluated', 'wasm core ready', 'onIncomingState ready']];
    phaseRows.push(['ours', fmt(median(importPhases.ours.libEvaluated)), fmt(median(importPhases.ours.coreReady)), fmt(io.median)]);
    phaseRows.push([CLIENTS.official, fmt(median(importPhases.official.libEvaluated)), '-', fmt(ip.median)]);
    printTable('', phaseRows);
    for (const [k, list] of Object.entries(failures)) {
      if (k.startsWith('warm_')) continue;
      console.log(`${k}: ${list.length} failed, e.g. ${[...new Set(list)].slice(0, 2).join(' | ')}`);
    }
    for (const [key, f] of Object.entries(figures)) {
      const fl = Object.entries(failures).filter(([k]) => k.startsWith(key.slice('clients.'.length)));
      if (fl.length) f.failures = Object.fromEntries(fl.map(([k, l]) => [k, [...new Set(l)].slice(0, 3)]));
    }
    return { title: 'Ours beside the public client', rows, figures };
  } finally {
    if (browser) await browser.close().catch(() => {});
    if (cloud) await stopCloud(cloud.child);
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** A 440 Hz mono PCM16 WAV, 2 s (a whole number of cycles: Chromium loops it seamlessly). */
function writeTone(path) {
  const rate = 48000;
  const n = rate * 2;
  const b = Buffer.alloc(44 + n * 2);
  b.write('RIFF', 0, 'ascii');
  b.writeUInt32LE(36 + n * 2, 4);
  b.write('WAVEfmt ', 8, 'ascii');
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(rate, 24);
  b.writeUInt32LE(rate * 2, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36, 'ascii');
  b.writeUInt32LE(n * 2, 40);
  for (let i = 0; i < n; i++) b.writeInt16LE(Math.round(0.5 * 32767 * Math.sin((2 * Math.PI * 440 * i) / rate)), 44 + i * 2);
  writeFileSync(path, b);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = parseArgs();
  const quick = Boolean(args.quick);
  handOff(args, await run({
    calls: Number(args.calls ?? (quick ? 2 : 20)),
    imports: Number(args.imports ?? (quick ? 2 : 10)),
    windowSeconds: Number(args.window ?? (quick ? 3 : 20)),
  }));
  // Media libraries may keep the process alive.
  setTimeout(() => process.exit(0), 500).unref();
}
