// A signalling blip as users feel it: an echo call up, then the local cloud cuts the client's
// WebSocket (cloud/faults.mjs `close`). Ours (the package in Node with wrtc, as tests/node/client-network
// runs it): the cut to onReconnecting, the new socket's open to onReconnected (the target-refresh
// re-INVITE and its ACK), the cut to onReconnected, and the longest gap in the echo heard across the
// blip (the media path does not use the socket). The public client 4.0.8 in Chromium under the same
// cut: what it reports (it ends the call) and when.
//
//   node bench/reconnect.mjs [--rounds 10] [--json FILE]
//
// Environment: ACW_CHROMIUM (default /usr/bin/chromium) for the public client's part.
import { handOff, median, fmt, parseArgs, percentile, printTable } from './common.mjs';
import { basicAuth, startTestCloud } from '../tests/node/cloud-helpers.mjs';

const args = parseArgs();
const rounds = Number(args.rounds ?? 10);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(predicate, what, ms = 30000) {
  const t0 = Date.now();
  while (!predicate()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await sleep(2);
  }
}

async function fault(cloud, params) {
  const res = await fetch(new URL('faults', cloud.url), {
    method: 'POST',
    headers: { Authorization: basicAuth(cloud), 'Content-Type': 'application/json' },
    body: JSON.stringify(params),
  });
  if (res.status !== 200) throw new Error(`/faults: ${res.status} ${await res.text()}`);
}

/**
 * Times (performance.now()) of the 10 ms audio frames of `track` louder than -40 dBFS, from now
 * until stop() is called.
 */
function loudFrames(track, RTCAudioSink) {
  const sink = new RTCAudioSink(track);
  const times = [];
  sink.ondata = (d) => {
    let sumSq = 0;
    const n = d.samples.length / d.channelCount;
    for (let i = 0; i < n; i++) sumSq += (d.samples[i * d.channelCount] / 32768) ** 2;
    if (Math.sqrt(sumSq / n) > 0.01) times.push(performance.now());
  };
  return { times, stop: () => sink.stop() };
}

async function ours() {
  const cloud = await startTestCloud();
  const wrtcEnv = await import('../tests/node/wrtc-env.mjs');
  const { RTCAudioSink } = (await import('@roamhq/wrtc')).default.nonstandard;
  const { AculabCloudClient } = await import('../js/index.js');
  await AculabCloudClient.ready;
  const env = wrtcEnv.makeEnvironment({ toneHz: 1000 });
  let socketOpenedAt = 0;
  const client = new AculabCloudClient(cloud.config.cloudId, cloud.config.accessKey, 'bench', 2, {
    url: cloud.url.replace(/^http/, 'ws') + 'sipproxy',
    environment: env,
    logger: (level, text) => {
      if (text.startsWith('websocket connected')) socketOpenedAt = performance.now();
    },
  });
  const samples = { toReconnecting: [], openToReconnected: [], toReconnected: [], gap: [] };
  try {
    for (let i = 0; i < rounds; i++) {
      const call = client.callService('echo');
      const at = {};
      let stream = null;
      call.onMedia = (o) => { stream = o.stream; };
      for (const name of ['onConnected', 'onReconnecting', 'onReconnected', 'onDisconnect']) call[name] = () => { at[name] = performance.now(); };
      await until(() => at.onConnected && stream, 'the echo call');
      const frames = loudFrames(stream.getAudioTracks()[0], RTCAudioSink);
      await sleep(1000);
      const cut = performance.now();
      await fault(cloud, { fault: 'close', client: 'bench' });
      await until(() => at.onReconnected || at.onDisconnect, 'onReconnected');
      if (!at.onReconnected) throw new Error('the call ended instead of reconnecting');
      await sleep(1000);
      frames.stop();
      const inBlip = frames.times.filter((t) => t > cut - 500);
      let gap = 0;
      for (let k = 1; k < inBlip.length; k++) gap = Math.max(gap, inBlip[k] - inBlip[k - 1]);
      samples.toReconnecting.push(at.onReconnecting - cut);
      samples.openToReconnected.push(at.onReconnected - socketOpenedAt);
      samples.toReconnected.push(at.onReconnected - cut);
      samples.gap.push(gap);
      call.disconnect();
      await until(() => at.onDisconnect, 'onDisconnect');
    }
  } finally {
    client.close();
    env.stop();
    await cloud.stop();
  }
  return samples;
}

async function official() {
  const { startTlsCloudAndBrowser, OfficialPage } = await import('../tests/browser/official-page.mjs');
  const cloudId = '10-11-12';
  const { cloud, browser } = await startTlsCloudAndBrowser(cloudId, 'bench-reconnect');
  try {
    const page = await OfficialPage.open(browser, cloud, 'bench-official');
    const n = await page.run('callService', 'echo');
    const log = () => page.page.evaluate(() => window.__official.log);
    const t0 = Date.now();
    while (!(await log()).some((e) => e.what === 'onConnected')) {
      if (Date.now() - t0 > 30000) throw new Error('the public client\'s echo call did not connect');
      await sleep(50);
    }
    await sleep(1000);
    const cut = Date.now();
    await fault(cloud, { fault: 'close', client: 'bench-official' });
    let ended = null;
    while (!ended && Date.now() - cut < 15000) {
      ended = (await log()).find((e) => e.what === 'onDisconnect' && e.call === n);
      await sleep(20);
    }
    await page.close?.();
    return ended ? { cause: ended.cause, afterMs: ended.at - cut } : { cause: 'none (the call was kept)', afterMs: null };
  } finally {
    await browser.close();
    await cloud.stop();
  }
}

const ourSamples = await ours();
let theirs;
try {
  theirs = await official();
} catch (e) {
  theirs = { cause: `not measured: ${e.message}`, afterMs: null };
}
const row = (label, values, goal) => [label, fmt(median(values)), fmt(percentile(values, 95)), goal ?? ''];
printTable(`Signalling reconnect, ${rounds} echo calls whose socket the cloud cuts (ms; Node + wrtc on loopback)`, [
  ['figure', 'median', 'p95', 'aim'],
  row('cut -> onReconnecting', ourSamples.toReconnecting),
  row('new socket open -> onReconnected', ourSamples.openToReconnected, '< 1000'),
  row('cut -> onReconnected', ourSamples.toReconnected),
  row('longest gap in the echo heard across the blip', ourSamples.gap, '~ 20 (no gap)'),
]);
console.log(`\nThe public client 4.0.8 (Chromium) under the same cut: onDisconnect ${theirs.cause}` +
  (theirs.afterMs !== null ? ` ${theirs.afterMs} ms after the cut: the call is lost.` : '.'));

const openToReconnected = median(ourSamples.openToReconnected);
handOff(args, {
  title: 'reconnect',
  figures: {
    'reconnect.open_to_reconnected': { value: openToReconnected, unit: 'ms', goal: '< 1000 ms', met: openToReconnected < 1000, peers: { 'aculab-webrtc 4.0.8': theirs.cause } },
    'reconnect.cut_to_reconnected': { value: median(ourSamples.toReconnected), unit: 'ms', peers: {} },
    'reconnect.audio_gap': { value: median(ourSamples.gap), unit: 'ms', peers: {} },
  },
});
process.exit(0);
