// Preflight in Chromium against the local cloud's echo (js/preflight.js, docs/QUALITY.md): on
// loopback a good verdict with every figure measured, the audio round trip timed by tone bursts,
// and progress as it goes; under the cloud's 40% media loss a poor one that says why, and a round
// trip that is still sane or says why not; a microphone whistling at the bursts' frequencies kept
// out of the timing; a page without Web Audio told why there is no round trip; a service that does
// not exist a failed one; and the dialler's "Test my connection" button showing the report
// (screenshot dialler-preflight.png).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertBuilt, basicAuth, Dialler, endProcessSoon, launchBrowser, screenshotPath, startCloud, toneFile, until, warbleFile } from './helpers.mjs';

// A round trip through the local echo is tens to hundreds of ms; these bounds only catch nonsense
// (a burst timed against itself, or against the wrong echo), never a slow machine.
const ROUND_TRIP_MS = [20, 2000];
const sane = (ms) => ms >= ROUND_TRIP_MS[0] && ms <= ROUND_TRIP_MS[1];

describe('preflight in Chromium against the local cloud', { timeout: 600000 }, () => {
  let cloud;
  let browser;
  let page;
  before(async () => {
    assertBuilt();
    cloud = await startCloud();
    browser = await launchBrowser({ wav: warbleFile('preflight') });
    page = await (await browser.newContext()).newPage();
    if (process.env.ACW_TEST_LOG) page.on('console', (m) => console.log('page:', m.text()));
    await page.goto(new URL('js/index.js', cloud.url).href);
  });
  after(async () => {
    await browser?.close();
    await cloud?.stop();
    endProcessSoon();
  });

  const run = (clientId, options, on = page) => on.evaluate(async ([cloudId, key, id, opts]) => {
    const { preflight } = await import('/js/preflight.js');
    const progress = [];
    const report = await preflight(cloudId, key, id, {
      url: `ws://${location.host}/sipproxy`,
      ...opts,
      onProgress: (p) => progress.push({ phase: p.phase, elapsed: p.elapsed, quality: !!p.quality, burst: p.burst ?? null }),
    });
    return { report, progress };
  }, [cloud.config.cloudId, cloud.config.accessKey, clientId, options]);
  // The report's headline figures, for the test output (what a closing note quotes).
  const summary = (r) => JSON.stringify({ verdict: r.verdict, reasons: r.reasons, signallingMs: r.signallingMs, setupMs: r.setupMs,
    candidates: r.candidates, rtt: r.rtt, jitter: r.jitter, loss: r.loss, mos: r.mos, mosMin: r.mosMin, audioRoundTripMs: r.audioRoundTripMs,
    warnings: (r.warnings || []).map((w) => w.name) });

  test('on loopback: not poor, every figure measured, the audio round trip timed, progress from connecting to done', async (t) => {
    const { report, progress } = await run('pf-clean', { seconds: 6 });
    t.diagnostic(`audio round trip on loopback: ${report.audioRoundTripMs} ms, bursts ${JSON.stringify(report.audioRoundTrip)}`);
    t.diagnostic(`report on loopback: ${summary(report)}`);
    assert.ok(['excellent', 'good'].includes(report.verdict), JSON.stringify(report));
    assert.equal(report.failed, false);
    assert.match(report.reasons[0], /^MOS \d\.\d\d \((excellent|good)\)$/);
    assert.ok(report.mos > 4, JSON.stringify(report));
    assert.ok(report.signallingMs >= 0 && report.signallingMs < 30000, `signalling ${report.signallingMs}`);
    assert.ok(report.setupMs > 0 && report.setupMs < 30000, `set-up ${report.setupMs}`);
    assert.ok(report.rtt >= 0 && report.jitter >= 0, JSON.stringify(report));
    assert.ok(report.loss >= 0 && report.loss < 0.02, `loss ${report.loss} on loopback`);
    assert.ok(report.samples >= 3, `${report.samples} samples`);
    assert.ok(report.candidates.gathered.includes('host'), JSON.stringify(report.candidates));
    assert.ok(report.candidates.local, JSON.stringify(report.candidates));
    assert.ok(report.quality.length >= 3 && report.quality.every((x) => typeof x.at === 'number'));
    // The round trip: six bursts (the default), most of them heard, the median within bounds.
    const rt = report.audioRoundTrip;
    assert.equal(rt.sent, 6, JSON.stringify(rt));
    assert.equal(rt.burstsMs.length, 6);
    assert.ok(rt.heard >= 4 && rt.heard === rt.burstsMs.filter((ms) => ms !== null).length, JSON.stringify(rt));
    assert.ok(rt.burstsMs.every((ms) => ms === null || sane(ms)), JSON.stringify(rt));
    assert.ok(sane(report.audioRoundTripMs), `round trip ${report.audioRoundTripMs} ms`);
    assert.equal(rt.reason, null);
    assert.equal(progress[0].phase, 'connecting');
    assert.equal(progress.at(-1).phase, 'done');
    assert.equal(progress.filter((p) => p.phase === 'measuring').length, 6);
    assert.ok(progress.some((p) => p.phase === 'measuring' && p.quality));
    // The bursts come between connecting and measuring, each reported as it is timed.
    const phases = progress.map((p) => p.phase);
    assert.ok(phases.indexOf('round-trip') > 0 && phases.lastIndexOf('round-trip') < phases.indexOf('measuring'), phases.join());
    assert.deepEqual(progress.filter((p) => p.burst).map((p) => `${p.burst.burst}/${p.burst.of}`), ['1/6', '2/6', '3/6', '4/6', '5/6', '6/6']);
    // The test's call is over and its client closed.
    const calls = await (await fetch(new URL('health', cloud.url))).json();
    assert.equal(calls.calls, 0, JSON.stringify(calls));
  });

  test('under 40% loss from the cloud: poor, and the reasons say so; the round trip is still sane or says why not', async (t) => {
    const res = await fetch(new URL('faults', cloud.url), {
      method: 'POST',
      headers: { Authorization: basicAuth(cloud), 'Content-Type': 'application/json' },
      body: JSON.stringify({ fault: 'loss', client: 'pf-lossy', percent: 40, direction: 'out' }),
    });
    assert.equal(res.status, 200, await res.text());
    const { report } = await run('pf-lossy', { seconds: 8 });
    t.diagnostic(`audio round trip under 40% loss: ${report.audioRoundTripMs} ms, bursts ${JSON.stringify(report.audioRoundTrip)}`);
    t.diagnostic(`report under 40% loss: ${summary(report)}`);
    assert.equal(report.verdict, 'poor', JSON.stringify(report));
    const rt = report.audioRoundTrip;
    assert.equal(rt.sent, 6, JSON.stringify(rt));
    assert.ok(rt.burstsMs.every((ms) => ms === null || sane(ms)), JSON.stringify(rt));
    if (rt.heard) assert.ok(sane(report.audioRoundTripMs) && rt.reason === null, JSON.stringify(report));
    else assert.ok(report.audioRoundTripMs === null && /tone bursts came back/.test(rt.reason), JSON.stringify(rt));
    assert.ok(report.loss > 0.1, `loss ${report.loss}`);
    assert.ok(report.mos < 3.6, `MOS ${report.mos}`);
    assert.ok(report.warnings.some((w) => w.name === 'high-packet-loss'), JSON.stringify(report.warnings));
    assert.ok(report.reasons.some((r) => /^high-packet-loss/.test(r)), JSON.stringify(report.reasons));
  });

  test('the dialler\u2019s "Test my connection" shows the verdict, the figures, the reasons and the chart', async () => {
    const d = await Dialler.open(browser, cloud, { clientId: 'pf-dialler' });
    try {
      await d.page.click('#preflight-button');
      assert.equal(await d.page.isDisabled('#preflight-button'), true, 'one test at a time');
      await until(() => d.body('preflight').then((s) => s === 'done'), { what: 'the test to finish', timeout: 90000 });
      const verdict = await d.page.getAttribute('#preflight-report', 'data-verdict');
      assert.ok(['excellent', 'good'].includes(verdict), `${verdict}: ${await d.page.textContent('#preflight-report')}`);
      assert.match(await d.page.textContent('#preflight-status'), /^Done: (excellent|good)\.$/);
      assert.match(await d.page.textContent('#preflight-report dd[data-figure="MOS (mean, lowest)"]'), /^4\.\d\d, \d\.\d\d$/);
      assert.match(await d.page.textContent('#preflight-report dd[data-figure="Packet loss"]'), /^[01]\.\d %$/);
      assert.match(await d.page.textContent('#preflight-report dd[data-figure="Audio round trip"]'), /^\d+ ms \([4-6] of 6 tone bursts heard\)$/);
      assert.ok(await d.page.locator('#preflight-report svg polyline.mos').count() === 1, 'the MOS line');
      assert.ok(await d.page.locator('#preflight-report .preflight-reasons li').count() >= 1);
      assert.equal(await d.page.isDisabled('#preflight-button'), false);
      await d.page.locator('#preflight-panel').screenshot({ path: screenshotPath('dialler-preflight') });
      assert.deepEqual(d.problems, []);
    } finally {
      await d.close();
    }
  });

  test('a service that does not answer: failed, poor, with the cause', async () => {
    const { report } = await run('pf-none', { service: 'no-such-service', seconds: 3 });
    assert.equal(report.failed, true);
    assert.equal(report.verdict, 'poor');
    assert.match(report.reasons.join(' '), /no-such-service ended: \w+/);
    assert.equal(report.mos, null);
    assert.deepEqual(report.audioRoundTrip, { sent: 0, heard: 0, burstsMs: [], reason: 'the call did not connect' });
  });

  test('a microphone whistling at the bursts\u2019 frequencies is kept out of the round trip', async () => {
    // Were the microphone mixed in while the bursts are timed, its tones would be there before
    // the first burst, and the round trip would not be measured ("too much sound came back").
    const whistler = await launchBrowser({ wav: toneFile('preflight-whistle', { freq: 1000, seconds: 2, amplitude: 0.5 }) });
    try {
      const p = await (await whistler.newContext()).newPage();
      await p.goto(new URL('js/index.js', cloud.url).href);
      const { report } = await run('pf-whistle', { seconds: 3, bursts: 4 }, p);
      const rt = report.audioRoundTrip;
      assert.equal(rt.reason, null, JSON.stringify(rt));
      assert.ok(rt.sent === 4 && rt.heard >= 3 && sane(report.audioRoundTripMs), JSON.stringify(report));
    } finally {
      await whistler.close();
    }
  });

  test('a page without Web Audio: no round trip and the reason; the rest measured as before', async () => {
    const p = await (await browser.newContext()).newPage();
    try {
      await p.goto(new URL('js/index.js', cloud.url).href);
      await p.evaluate(() => {
        delete window.AudioContext;
        delete window.webkitAudioContext;
      });
      const { report } = await run('pf-no-audio', { seconds: 3 }, p);
      assert.equal(report.audioRoundTripMs, null);
      assert.deepEqual(report.audioRoundTrip, { sent: 0, heard: 0, burstsMs: [], reason: 'this browser has no Web Audio (AudioContext)' });
      assert.equal(report.failed, false);
      assert.ok(report.mos > 3.5, JSON.stringify(report));
      // Without bursts asked for, none are sent, and the report says so.
      const { report: none } = await run('pf-no-bursts', { seconds: 3, bursts: 0 });
      assert.deepEqual(none.audioRoundTrip, { sent: 0, heard: 0, burstsMs: [], reason: 'not asked for (bursts: 0)' });
    } finally {
      await p.context().close();
    }
  });
});
