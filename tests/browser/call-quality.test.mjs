// Call quality in Chromium (docs/QUALITY.md) against the local cloud's echo: a call whose page does
// not ask downloads nothing; the cloud's media fault `loss` raises high-packet-loss and deleting it
// clears it; a `blackhole` of the RTP to the client raises no-inbound-audio, for a call sampled
// because its page called getQuality(); the dialler's call card shows MOS and the warning as it is
// raised and cleared (screenshot dialler-quality-warning.png), and its sparkline of MOS, round trip
// and loss drawing a point a second, the loss rising while the cloud drops packets (screenshot
// dialler-quality-sparkline.png).
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertBuilt, basicAuth, Dialler, endProcessSoon, launchBrowser, screenshotPath, sleep, startCloud, until, warbleFile } from './helpers.mjs';

test('dist/ is built and Chromium is installed', () => assertBuilt());

const CLIENT = 'quality-page';

async function fault(cloud, params) {
  const res = await fetch(new URL('faults', cloud.url), {
    method: 'POST',
    headers: { Authorization: basicAuth(cloud), 'Content-Type': 'application/json' },
    body: JSON.stringify(params),
  });
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  return body.fault;
}

async function clearFault(cloud, id) {
  const res = await fetch(new URL(`faults?id=${encodeURIComponent(id)}`, cloud.url), { method: 'DELETE', headers: { Authorization: basicAuth(cloud) } });
  assert.equal(res.status, 200, await res.text());
}

describe('call quality in Chromium against the local cloud', { timeout: 600000 }, () => {
  let cloud;
  let browser;
  let page;
  const fetched = [];
  const problems = [];
  before(async () => {
    assertBuilt();
    cloud = await startCloud();
    browser = await launchBrowser({ wav: warbleFile('call-quality') });
    page = await (await browser.newContext()).newPage();
    page.on('request', (r) => fetched.push(new URL(r.url()).pathname));
    page.on('pageerror', (e) => problems.push(String(e)));
    if (process.env.ACW_TEST_LOG) page.on('console', (m) => console.log('page:', m.text()));
    // A document the cloud serves (Chromium blocks a routed page's socket to a local address).
    await page.goto(new URL('js/index.js', cloud.url).href);
    await page.evaluate(async ([cloudId, accessKey, clientId]) => {
      const { AculabCloudClient } = await import('/js/index.js');
      const logs = [];
      const client = new AculabCloudClient(cloudId, accessKey, clientId, 1, {
        url: `ws://${location.host}/sipproxy`,
        logger: (level, text) => logs.push(`${level} ${text}`),
      });
      // Each call: its callbacks in order, as plain records.
      window.__q = {
        logs,
        calls: [],
        dial(asks) {
          const call = client.callService('echo');
          const t = { call, events: [], quality: null };
          const record = (name) => (o) => t.events.push({ name, ...(o.name ? { warning: o.name, value: o.value, threshold: o.threshold } : {}) });
          for (const name of ['onConnected', 'onDisconnect', 'onError']) call[name] = record(name);
          // Played, as a page does: Chromium measures the inbound audio level where it plays it out.
          call.onMedia = ({ stream }) => {
            t.audio = new Audio();
            t.audio.srcObject = stream;
            t.audio.play().catch((e) => logs.push(`play: ${e}`));
          };
          if (asks === 'handlers') {
            call.onQualityWarning = record('onQualityWarning');
            call.onQualityWarningCleared = record('onQualityWarningCleared');
          }
          if (asks === 'getQuality') t.quality = call.getQuality();
          this.calls.push(t);
          return this.calls.length - 1;
        },
        listen(i) {
          const t = this.calls[i];
          t.call.onQualityWarning = (o) => t.events.push({ name: 'onQualityWarning', warning: o.name, value: o.value, threshold: o.threshold, same: o.call === t.call });
          t.call.onQualityWarningCleared = (o) => t.events.push({ name: 'onQualityWarningCleared', warning: o.name, same: o.call === t.call });
        },
        events: (i) => window.__q.calls[i].events,
        quality: (i) => window.__q.calls[i].call.getQuality(),
        hangUpAll() {
          for (const t of this.calls) t.call.disconnect();
        },
      };
    }, [cloud.config.cloudId, cloud.config.accessKey, CLIENT]);
  });
  afterEach(async () => {
    await page?.evaluate(() => window.__q.hangUpAll());
    await fetch(new URL(`faults?client=${CLIENT}`, cloud.url), { method: 'DELETE', headers: { Authorization: basicAuth(cloud) } });
  });
  after(async () => {
    await browser?.close();
    await cloud?.stop();
    endProcessSoon();
  });

  const events = (i) => page.evaluate((n) => window.__q.events(n), i);
  const quality = (i) => page.evaluate((n) => window.__q.quality(n), i);
  const waitEvent = (i, name, warning, timeout = 60000) =>
    until(async () => (await events(i)).find((e) => e.name === name && (!warning || e.warning === warning)), { what: `${name} ${warning || ''}`, timeout });
  const qualityFetched = () => fetched.filter((p) => /quality/.test(p));

  test('a call whose page does not ask for quality downloads none of it and is not sampled', async () => {
    const i = await page.evaluate(() => window.__q.dial('nothing'));
    await waitEvent(i, 'onConnected');
    await sleep(3000); // a sampler would have loaded and sampled by now: give it the chance to
    assert.deepEqual(qualityFetched(), [], 'js/quality.js and acw-quality.* not fetched');
    assert.equal(await page.evaluate(() => window.__q.calls[0].call._quality ?? null), null, "no sample");
  });

  test('40% loss from the cloud raises high-packet-loss; deleting the fault clears it', async () => {
    const i = await page.evaluate(() => window.__q.dial('handlers'));
    await waitEvent(i, 'onConnected');
    // A clean start: samples with packets and a good MOS, and no loss warning.
    const clean = await until(async () => {
      const q = await quality(i);
      return q && q.summary.samples >= 4 && q.figures.mos !== null && q;
    }, { what: '4 samples', timeout: 60000 });
    assert.ok(clean.sample.packetsReceived > 0, JSON.stringify(clean));
    assert.ok(clean.figures.mos > 3.5, `MOS ${clean.figures.mos} on loopback`);
    assert.equal(clean.sample.codec, 'opus');
    assert.equal(clean.sample.connected, true);
    assert.ok(['host', 'prflx', 'srflx', 'relay'].includes(clean.sample.localCandidateType), JSON.stringify(clean.sample));
    assert.ok(!clean.warnings.includes('high-packet-loss'));
    assert.ok(fetched.includes('/js/quality.js') && fetched.includes('/dist/acw-quality.wasm'), JSON.stringify(qualityFetched()));

    const applied = await fault(cloud, { fault: 'loss', client: CLIENT, percent: 40, direction: 'out' });
    const raised = await waitEvent(i, 'onQualityWarning', 'high-packet-loss');
    assert.equal(raised.threshold, 0.03);
    assert.ok(raised.value > 0.1 && raised.value < 0.8, `the second's loss ${raised.value}`);
    assert.ok((await quality(i)).warnings.includes('high-packet-loss'));

    await clearFault(cloud, applied.id);
    await waitEvent(i, 'onQualityWarningCleared', 'high-packet-loss');
    const after = await quality(i);
    assert.ok(!after.warnings.includes('high-packet-loss'), JSON.stringify(after));
    assert.ok(after.summary.warningsRaised >= 1);
    assert.ok(after.summary.loss > 0);
    assert.deepEqual(problems, []);
  });

  test('a blackhole of the RTP to the client raises no-inbound-audio, in a call sampled because its page called getQuality()', async () => {
    const i = await page.evaluate(() => window.__q.dial('getQuality'));
    assert.equal(await page.evaluate((n) => window.__q.calls[n].quality, i), null, 'null before the first sample');
    await waitEvent(i, 'onConnected');
    await page.evaluate((n) => window.__q.listen(n), i);
    let last = null;
    await until(async () => {
      const q = (last = await quality(i));
      return q && q.summary.samples >= 3 && q.sample.levelIn > 0.001;
    }, { what: '3 samples with audio in', timeout: 60000 }).catch((e) => assert.fail(`${e.message}: ${JSON.stringify(last)}`));
    assert.ok(!(await quality(i)).warnings.includes('no-inbound-audio'));

    const applied = await fault(cloud, { fault: 'blackhole', client: CLIENT, layer: 'rtp', direction: 'out' });
    const raised = await waitEvent(i, 'onQualityWarning', 'no-inbound-audio');
    assert.equal(raised.threshold, 0.001);
    assert.equal(raised.same, true, 'the payload\'s call is the call');
    await clearFault(cloud, applied.id);
    await waitEvent(i, 'onQualityWarningCleared', 'no-inbound-audio');
    assert.deepEqual(problems, []);
    assert.deepEqual((await page.evaluate(() => window.__q.logs)).filter((l) => /quality/.test(l)), []);
  });

  test('the dialler\u2019s call card shows MOS and its sparkline, and a packet-loss warning while the cloud drops 40%', async () => {
    const d = await Dialler.open(browser, cloud, { clientId: 'quality-dialler' });
    const spark = (id) => d.card(id).locator('svg.sparkline');
    // The lane's points as [x, y] pairs (web/sparkline.js draws one per sample of getQuality()).
    const lane = async (id, figure) => {
      const points = await spark(id).locator(`polyline[data-figure="${figure}"]`).getAttribute('points', { timeout: 2000 });
      return points ? points.split(' ').map((p) => p.split(',').map(Number)) : [];
    };
    try {
      await d.start();
      const id = await d.dial('echo');
      await d.waitState(id, 'connected');
      await d.waitStat(id, 'mos', (v) => v > 3.5, 'a good MOS on loopback', 60000);
      assert.match(await d.card(id).locator('[data-stat="mos"]').textContent(), /^MOS \d\.\d\d$/);

      // The sparkline draws a point a second while the call is up, in each lane.
      const first = (await lane(id, 'mos')).length;
      assert.ok(first >= 1, 'a MOS point once the card shows a MOS');
      await until(async () => (await lane(id, 'mos')).length >= first + 3, { what: 'three more MOS points on the sparkline', timeout: 60000 });
      assert.ok((await lane(id, 'rtt')).length >= 3, 'round-trip points');
      assert.ok((await lane(id, 'loss')).length >= 3, 'loss points');
      const label = await spark(id).getAttribute('aria-label');
      assert.match(label, /^Call quality over the last \d+ s, now: MOS \d\.\d\d \(lowest \d\.\d\d\), round trip \d+ ms \(highest \d+ ms\), loss \d+\.\d % \(highest \d+\.\d %\)$/);
      assert.equal(await spark(id).getAttribute('role'), 'img');
      assert.equal(await spark(id).locator('title').textContent(), label);
      const cleanLoss = await lane(id, 'loss');

      const applied = await fault(cloud, { fault: 'loss', client: 'quality-dialler', percent: 40, direction: 'out' });
      const chip = d.card(id).locator('.call-warnings li[data-warning="high-packet-loss"]');
      await until(() => chip.count(), { what: 'the packet-loss chip on the card', timeout: 60000 });
      assert.equal(await chip.textContent(), 'Packet loss');
      await d.card(id).screenshot({ path: screenshotPath('dialler-quality-warning') });
      // The loss shows on its lane: points above where the clean call's were.
      const cleanY = Math.min(...cleanLoss.map(([, y]) => y));
      await until(async () => (await lane(id, 'loss')).some(([, y]) => y < cleanY - 3), { what: 'the loss lane to rise', timeout: 30000 });
      assert.match(await spark(id).getAttribute('aria-label'), /loss [\d.]+ % \(highest (1\d|[2-9]\d|100)\.\d %\)$/, 'the window\u2019s highest loss over 10 %');
      await clearFault(cloud, applied.id);
      await until(async () => (await chip.count()) === 0, { what: 'the chip to go once the loss stops', timeout: 60000 });
      assert.equal(await d.callState(id), 'connected');
      await d.screenshot('dialler-quality-sparkline');

      // At phone width the sparkline sits inside the card and the page does not scroll sideways.
      await d.page.setViewportSize({ width: 390, height: 844 });
      const fit = await d.page.evaluate((callId) => {
        const card = document.querySelector(`#calls li.call[data-call="${callId}"]`).getBoundingClientRect();
        const box = document.querySelector(`#calls li.call[data-call="${callId}"] svg.sparkline`).getBoundingClientRect();
        return { overflow: document.documentElement.scrollWidth - window.innerWidth, inside: box.left >= card.left && box.right <= card.right, width: box.width };
      }, id);
      assert.ok(fit.overflow <= 0 && fit.inside && fit.width > 100, JSON.stringify(fit));
      assert.deepEqual(d.problems, []);
      await d.hangUpAll();
    } finally {
      await d.close();
    }
  });
});
