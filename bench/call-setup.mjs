// Call set-up times in headless Chromium against the local cloud on loopback, through the package
// as a page uses it (import '/js/index.js' from the cloud's origin):
//   - enableIncoming -> onIncomingState ready: on a client whose socket is up (re-registration
//     after disableIncoming), and on a new client (WebSocket open + REGISTER);
//   - callService('echo') -> onConnected;
//   - callClient -> onConnected, the callee (another page) answering in its onIncoming;
//   - both calls again with TURN configured (the cloud runs coturn, --turn, and both pages take
//     its ICE servers), once with the send-sooner rule (the default) and once with the call
//     option iceGathering: 'complete' (the wait for gathering to complete, as the public client).
//     The figures without TURN set the pages' ICE servers to none.
// N of each (default 50), one after another; median and p95 of the page's performance.now().
// Also prints where the time goes (a timeline from marks the pages take on their SIP frames and
// peer connections; the callee's marks compare with the caller's as both pages share this clock).
//
//   node bench/call-setup.mjs [--calls 50] [--json FILE]
//
// Environment: ACW_CHROMIUM (default /usr/bin/chromium).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { ROOT, fmt, handOff, median, notAvailable, parseArgs, percentile, printTable } from './common.mjs';

const CHROMIUM = process.env.ACW_CHROMIUM || '/usr/bin/chromium';
// DESIGN.md "Headless Chromium".
const FLAGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream', '--allow-loopback-in-peer-connection',
  '--autoplay-policy=no-user-gesture-required',
];
const STEP_TIMEOUT_MS = 20000;

const FIGURES = {
  'call_setup.ready': { label: 'enableIncoming -> ready (socket up)', goal: 'median <= 10 ms', limit: 10 },
  'call_setup.ready_new_client': { label: 'new client: enableIncoming -> ready (incl. WebSocket open)' },
  'call_setup.service_echo': { label: "callService('echo') -> onConnected" },
  'call_setup.client_to_client': { label: 'callClient -> onConnected (callee answers at once)', goal: 'median <= 100 ms', limit: 100 },
  'call_setup.service_echo_turn': { label: "TURN configured: callService('echo') -> onConnected (send sooner)", turn: true },
  'call_setup.service_echo_turn_complete': { label: "TURN configured: callService('echo') -> onConnected (iceGathering 'complete')", turn: true },
  'call_setup.client_to_client_turn': { label: 'TURN configured: callClient -> onConnected (send sooner)', turn: true },
  'call_setup.client_to_client_turn_complete': { label: "TURN configured: callClient -> onConnected (iceGathering 'complete')", turn: true },
};
const TURNSERVER = '/usr/bin/turnserver';

function unavailable(reason) {
  console.log(`\nCall set-up: not available (${reason})`);
  const figures = {};
  for (const [key, f] of Object.entries(FIGURES)) figures[key] = { label: f.label, ...notAvailable('ms', reason) };
  return { title: 'Call set-up', rows: [['Call set-up', `not available (${reason})`]], figures };
}

// ---- the local cloud, as a child process --------------------------------------------------------

async function startCloud(tmp, { turn }) {
  const child = spawn(process.execPath, [
    join(ROOT, 'cloud', 'server.mjs'), ...(turn ? ['--turn'] : []), '--port', '0', '--log-level', 'warn', '--events-log', '', '--api-key', 'local-api-key',
    '--recordings', join(tmp, 'recordings'),
    // The bench drives calls back to back: keep the cloud's flood guards out of the figures.
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
  // The cloud's default web-service account (cloud/README.md).
  const auth = 'Basic ' + Buffer.from('1-2-0/local:local-api-key').toString('base64');
  const q = new URL('webrtc_generate_token', url);
  q.searchParams.set('client_id', clientId);
  q.searchParams.set('call_client', '*');
  const res = await fetch(q, { headers: { Authorization: auth } });
  if (!res.ok) throw new Error(`webrtc_generate_token: ${res.status} ${await res.text()}`);
  return (await res.json()).token;
}

// ---- in the page ---------------------------------------------------------------------------------

// Runs in each page: loads the package and defines window.bench with one step per measurement;
// each step resolves with milliseconds or rejects with the reason.
function pageSetup({ sipUrl, clientId, token, newClientToken, stepTimeout }) {
  return (async () => {
    // Taps the SIP frames and the peer connections (before the package is loaded, so that it
    // picks up the subclasses) to split a call's set-up into a timeline. Marks are absolute
    // (performance.timeOrigin + now()), so that the caller's and the callee's pages compare.
    const at = () => performance.timeOrigin + performance.now();
    const MARKS = ['invite', 'ok', 'media', 'local', 'gathered', 'register', 'registered', 'firstCandidate', 'lastCandidate',
      'pc', 'inviteIn', 'incoming', 'okOut', 'connected'];
    const marks = {};
    const resetMarks = () => { for (const k of MARKS) marks[k] = 0; };
    resetMarks();
    let markWaiter = null; // resolves when marks.connected is set
    const isInvite200 = (t) => t.startsWith('SIP/2.0 200') && /\r\nCSeq:\s*\d+\s+INVITE\r\n/i.test(t);
    const NativeWebSocket = window.WebSocket;
    class TappedWebSocket extends NativeWebSocket {
      constructor(...args) {
        super(...args);
        this.addEventListener('message', (e) => {
          if (typeof e.data !== 'string') return;
          if (isInvite200(e.data)) marks.ok = at();
          if (e.data.startsWith('SIP/2.0 200') && /\r\nCSeq:\s*\d+\s+REGISTER\r\n/i.test(e.data)) {
            marks.registered = at();
          }
          // The callee: a new call's timeline starts with the INVITE.
          if (e.data.startsWith('INVITE ')) {
            resetMarks();
            marks.inviteIn = at();
          }
        });
      }

      send(data) {
        if (typeof data === 'string' && data.startsWith('INVITE ')) marks.invite = at();
        if (typeof data === 'string' && data.startsWith('REGISTER ')) marks.register = at();
        if (typeof data === 'string' && isInvite200(data)) marks.okOut = at();
        return super.send(data);
      }
    }
    window.WebSocket = TappedWebSocket;
    const NativePeerConnection = window.RTCPeerConnection;
    class TappedPeerConnection extends NativePeerConnection {
      constructor(...args) {
        super(...args);
        if (!marks.pc) marks.pc = at();
        this.addEventListener('icecandidate', (e) => {
          if (!e.candidate) return;
          marks.lastCandidate = at();
          if (!marks.firstCandidate) marks.firstCandidate = marks.lastCandidate;
        });
        this.addEventListener('icegatheringstatechange', () => {
          if (this.iceGatheringState === 'complete') marks.gathered = at();
        });
        this.addEventListener('connectionstatechange', () => {
          if (this.connectionState === 'connected' && !marks.connected) {
            marks.connected = at();
            if (markWaiter) markWaiter();
          }
        });
      }

      setLocalDescription(...args) {
        marks.local = at();
        return super.setLocalDescription(...args);
      }
    }
    window.RTCPeerConnection = TappedPeerConnection;
    const media = navigator.mediaDevices;
    const getUserMedia = media.getUserMedia.bind(media);
    media.getUserMedia = (c) => getUserMedia(c).then((stream) => {
      if (!marks.media) marks.media = at();
      return stream;
    });
    const { AculabCloudClient } = await import('/js/index.js');
    await AculabCloudClient.ready;
    const within = (promise, what) => Promise.race([promise, new Promise((_, reject) =>
      setTimeout(() => reject(new Error(`${what}: no answer in ${stepTimeout} ms`)), stepTimeout))]);
    const newClient = (id) => new AculabCloudClient('1-2-0', 'abc123', id, 0, { url: sipUrl });
    const state = (client, want) => new Promise((resolve, reject) => {
      client.onIncomingState = (s) => {
        if (s.ready === want) resolve(at());
        else if (s.cause !== 'NORMAL') reject(new Error(`onIncomingState ${JSON.stringify(s)}`));
      };
    });
    const registerPhases = (t0, t1) => (marks.register && marks.registered
      ? { toRegister: marks.register - t0, registerTo200: marks.registered - marks.register, after200: t1 - marks.registered }
      : null);
    const client = newClient(clientId);
    let active = 0;
    let callOptions = {};
    window.bench = {
      active: () => active,
      // turn: take the cloud's ICE servers (its TURN server) rather than none; rule: the call
      // option iceGathering ('' for the default).
      configure(turn, rule) {
        client.setPeerConnectionConfiguration({ iceServers: turn ? null : [] });
        callOptions = rule ? { iceGathering: rule } : {};
      },
      // Re-registration on a client whose socket is already up.
      async ready() {
        resetMarks();
        const t0 = at();
        const ready = state(client, true);
        client.enableIncoming(token);
        const t1 = await within(ready, 'enableIncoming');
        const phases = registerPhases(t0, t1); // before the un-REGISTER moves the marks
        const off = state(client, false);
        client.disableIncoming();
        await within(off, 'disableIncoming');
        return { ms: t1 - t0, phases };
      },
      async readyNewClient() {
        resetMarks();
        const t0 = at();
        const c = newClient(`${clientId}-new`);
        try {
          const ready = state(c, true);
          c.enableIncoming(newClientToken);
          const t1 = await within(ready, 'enableIncoming on a new client');
          return { ms: t1 - t0, phases: registerPhases(t0, t1) };
        } finally {
          c.close();
        }
      },
      // The callee: registered, answers every call in onIncoming.
      async callee() {
        const ready = state(client, true);
        client.enableIncoming(token);
        await within(ready, 'enableIncoming');
        client.maxConcurrent = 4;
        client.onIncoming = ({ call }) => {
          marks.incoming = at();
          active++;
          call.onDisconnect = () => active--;
          call.answer(callOptions);
        };
      },
      // The callee's marks of the last call (absolute ms).
      calleeMarks: () => ({ ...marks }),
      // One call: start -> onConnected, then (not timed) ICE+DTLS connected, hang up and wait
      // for onDisconnect.
      async call(kind, target) {
        resetMarks();
        const t0 = at();
        const call = kind === 'service' ? client.callService(target, callOptions) : client.callClient(target, token, callOptions);
        const connected = new Promise((resolve, reject) => {
          call.onConnected = () => resolve(at());
          call.onDisconnect = ({ cause }) => reject(new Error(`onDisconnect ${cause} before onConnected`));
        });
        let t1;
        try {
          t1 = await within(connected, `${kind} call`);
        } catch (e) {
          try { call.disconnect(); } catch { /* already over */ }
          throw e;
        }
        // The media path (the caller's RTCPeerConnection connectionState 'connected'), for the
        // timeline only: the call is up for the page at onConnected.
        if (!marks.connected) {
          await new Promise((resolve) => {
            const timer = setTimeout(resolve, 3000);
            markWaiter = () => { clearTimeout(timer); resolve(); };
          });
          markWaiter = null;
        }
        const gone = new Promise((resolve) => { call.onDisconnect = resolve; });
        call.disconnect();
        await within(gone, 'disconnect');
        const m = { ...marks };
        const phases = m.media && m.local && m.invite && m.ok
          ? {
            getUserMedia: m.media - t0, pcCreated: m.pc ? m.pc - t0 : NaN, offer: m.local - m.media, iceWait: m.invite - m.local,
            iceGathering: m.gathered ? m.gathered - m.local : NaN,
            firstCandidate: m.firstCandidate ? m.firstCandidate - m.local : NaN,
            lastCandidate: m.lastCandidate ? m.lastCandidate - m.local : NaN,
            inviteTo200: m.ok - m.invite, after200: t1 - m.ok,
            connectedAfter200: m.connected ? m.connected - m.ok : NaN,
          }
          : null;
        return { ms: t1 - t0, phases, abs: { invite: m.invite, ok: m.ok } };
      },
    };
  })();
}

// ---- run -----------------------------------------------------------------------------------------

async function series(n, step) {
  const times = [];
  const phases = {};
  const failures = [];
  let inARow = 0;
  for (let i = 0; i < n; i++) {
    try {
      const r = await step(i);
      inARow = 0;
      times.push(typeof r === 'number' ? r : r.ms);
      for (const [k, v] of Object.entries((r && r.phases) || {})) (phases[k] ??= []).push(v);
    } catch (e) {
      failures.push(e.message.split('\n')[0]);
      // Three in a row: something is broken; say so rather than wait out every timeout.
      if (++inARow === 3) {
        failures.push(`stopped after 3 failures in a row (${n - i - 1} not tried)`);
        break;
      }
    }
  }
  return { times, phases, failures };
}

export async function run({ calls = 50, turn = existsSync(TURNSERVER) } = {}) {
  if (!existsSync(join(ROOT, 'cloud', 'server.mjs'))) return unavailable('cloud/server.mjs not present');
  if (!existsSync(CHROMIUM)) return unavailable(`no Chromium at ${CHROMIUM}`);
  if (!existsSync(join(ROOT, 'dist', 'acw-core.wasm'))) return unavailable('dist/acw-core.wasm not built');
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch {
    return unavailable('playwright-core not installed');
  }

  const tmp = mkdtempSync(join(tmpdir(), 'acw-bench-calls-'));
  let cloud;
  let browser;
  try {
    try {
      cloud = await startCloud(tmp, { turn });
    } catch (e) {
      return unavailable(e.message);
    }
    const sipUrl = `${cloud.url.replace(/^http/, 'ws')}sipproxy`;
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
    const open = async (clientId) => {
      const context = await browser.newContext();
      const page = await context.newPage();
      const problems = [];
      page.on('pageerror', (e) => problems.push(e.message));
      // Any page of the cloud's origin will do: the package is imported from /js/.
      await page.goto(new URL('health', cloud.url).href);
      try {
        await page.evaluate(pageSetup, {
          sipUrl, clientId, token: await token(cloud.url, clientId), newClientToken: await token(cloud.url, `${clientId}-new`),
          stepTimeout: STEP_TIMEOUT_MS,
        });
      } catch (e) {
        throw new Error(`the package did not load in the page: ${e.message.split('\n')[0]} ${problems.join(' | ')}`, { cause: e });
      }
      return page;
    };
    let caller;
    let callee;
    try {
      caller = await open('benchcaller');
      callee = await open('benchcallee');
    } catch (e) {
      return unavailable(e.message);
    }
    const step = (page, name, ...args) => page.evaluate(([n, a]) => window.bench[n](...a), [name, args]);

    const measured = {};
    const configure = (turnOn, rule) => Promise.all([caller, callee].map((p) => step(p, 'configure', turnOn, rule)));
    await configure(false, '');
    // Warm-up: one of each (first wasm use, first getUserMedia, first peer connection).
    await step(caller, 'ready').catch(() => {});
    measured['call_setup.ready'] = await series(calls, () => step(caller, 'ready'));
    measured['call_setup.ready_new_client'] = await series(calls, () => step(caller, 'readyNewClient'));
    await step(caller, 'call', 'service', 'echo').catch(() => {});
    measured['call_setup.service_echo'] = await series(calls, () => step(caller, 'call', 'service', 'echo'));
    await step(callee, 'callee');
    const calleeIdle = () => callee.waitForFunction(() => window.bench.active() === 0, null, { timeout: STEP_TIMEOUT_MS });
    await step(caller, 'call', 'client', 'benchcallee').then(calleeIdle).catch(() => {});
    const clientCall = async () => {
      const r = await step(caller, 'call', 'client', 'benchcallee');
      await calleeIdle();
      // The callee's side of INVITE -> 200, and the cloud's relaying both ways (both pages on
      // this machine's clock).
      const c = await callee.evaluate(() => window.bench.calleeMarks());
      if (r.phases && c.inviteIn && c.okOut) {
        Object.assign(r.phases, {
          relayInvite: c.inviteIn - r.abs.invite,
          calleeToOnIncoming: c.incoming - c.inviteIn,
          calleeGetUserMedia: c.media - c.incoming,
          calleeAnswer: c.local - c.media,
          calleeIceWait: c.okOut - c.local,
          calleeIceGathering: c.gathered ? c.gathered - c.local : NaN,
          relay200: r.abs.ok - c.okOut,
        });
      }
      return r;
    };
    measured['call_setup.client_to_client'] = await series(calls, clientCall);

    const skipped = { times: [], phases: {}, failures: [`no TURN server (${TURNSERVER} not installed: Debian package coturn)`] };
    for (const [suffix, rule] of [['', ''], ['_complete', 'complete']]) {
      if (!turn) {
        measured[`call_setup.service_echo_turn${suffix}`] = skipped;
        measured[`call_setup.client_to_client_turn${suffix}`] = skipped;
        continue;
      }
      await configure(true, rule);
      await step(caller, 'call', 'service', 'echo').catch(() => {});
      measured[`call_setup.service_echo_turn${suffix}`] = await series(calls, () => step(caller, 'call', 'service', 'echo'));
      measured[`call_setup.client_to_client_turn${suffix}`] = await series(calls, clientCall);
    }

    const rows = [['from -> to (headless Chromium, local cloud on loopback)', 'calls', 'median ms', 'p95 ms', 'min ms', 'max ms', 'failed', 'goal']];
    const figures = {};
    for (const [key, f] of Object.entries(FIGURES)) {
      const { times, phases, failures } = measured[key];
      const med = median(times);
      rows.push([f.label, times.length, fmt(med), fmt(percentile(times, 95)), fmt(Math.min(...times)), fmt(Math.max(...times)),
        calls - times.length, f.goal ? `${f.goal}: ${Number.isFinite(med) && med <= f.limit ? 'met' : 'not met'}` : '']);
      figures[key] = {
        label: f.label,
        value: Number.isFinite(med) ? Math.round(med * 10) / 10 : null,
        unit: 'ms (median)',
        p95: Number.isFinite(med) ? Math.round(percentile(times, 95) * 10) / 10 : null,
        calls: times.length,
        failed: calls - times.length,
        ...(failures.length ? { failures: [...new Set(failures)].slice(0, 5) } : {}),
        peers: {},
        ...(Object.keys(phases).length
          ? { phasesMedianMs: Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, Math.round(median(v.filter(Number.isFinite)) * 10) / 10])) }
          : {}),
        ...(f.goal ? { goal: f.goal, met: Number.isFinite(med) ? med <= f.limit : null } : {}),
      };
    }
    const title = `Call set-up, ms of the page's clock (${calls} of each, one after another; Chromium ${browser.version()})`;
    printTable(title, rows);
    const phaseRows = [['where set-up goes (medians, ms)', 'getUserMedia', 'offer', 'ICE wait', '(gathering complete at)',
      '(1st candidate at)', '(last at)', 'INVITE -> 200', '200 -> onConnected', '(200 -> ICE+DTLS connected)']];
    const calleeRows = [['INVITE -> 200 of a client call (medians, ms)', 'cloud relays INVITE', 'callee: -> onIncoming',
      'getUserMedia', 'answer', 'ICE wait', '(gathering complete at)', 'cloud relays 200']];
    for (const [key, f] of Object.entries(FIGURES)) {
      const p = figures[key].phasesMedianMs;
      if (p && p.getUserMedia !== undefined) {
        phaseRows.push([f.label, fmt(p.getUserMedia), fmt(p.offer), fmt(p.iceWait), fmt(p.iceGathering), fmt(p.firstCandidate),
          fmt(p.lastCandidate), fmt(p.inviteTo200), fmt(p.after200), fmt(p.connectedAfter200)]);
      }
      if (p && p.relayInvite !== undefined) {
        calleeRows.push([f.label, fmt(p.relayInvite), fmt(p.calleeToOnIncoming), fmt(p.calleeGetUserMedia), fmt(p.calleeAnswer),
          fmt(p.calleeIceWait), fmt(p.calleeIceGathering), fmt(p.relay200)]);
      }
    }
    const registerRows = [['where registration goes (medians, ms)', '-> REGISTER sent', 'REGISTER -> 200', '200 -> ready']];
    for (const [key, f] of Object.entries(FIGURES)) {
      const p = figures[key].phasesMedianMs;
      if (p && p.registerTo200 !== undefined) registerRows.push([f.label, fmt(p.toRegister), fmt(p.registerTo200), fmt(p.after200)]);
    }
    if (registerRows.length > 1) printTable('', registerRows);
    if (phaseRows.length > 1) printTable('', phaseRows);
    if (calleeRows.length > 1) printTable('', calleeRows);
    for (const [key, m] of Object.entries(measured)) {
      if (m.failures.length) console.log(`${key}: ${m.failures.length} failed, e.g. ${[...new Set(m.failures)].slice(0, 3).join(' | ')}`);
    }
    return { title, rows, figures };
  } finally {
    if (browser) await browser.close().catch(() => {});
    if (cloud) await stopCloud(cloud.child);
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = parseArgs();
  handOff(args, await run({ calls: Number(args.calls ?? 50) }));
}
