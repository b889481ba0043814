// The dialler calling the local cloud's services: audio back from echo, stats, mute, DTMF to ivr, tones, and every failure cause.
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertBuilt, cloudEvents, Dialler, endProcessSoon, launchBrowser, LEVEL_HEARD, screenshotPath, startCloud, toneFile, until } from './helpers.mjs';

// Fails, saying what is missing, where dist/ or Chromium is absent (the suite below then fails too).
test('dist/ is built and Chromium is installed', () => assertBuilt());

describe('dialler calling services', { timeout: 600000 }, () => {
  let cloud;
  let browser;
  let d;
  before(async () => {
    assertBuilt();
    cloud = await startCloud();
    browser = await launchBrowser({ wav: toneFile('services', { freq: 440, seconds: 2 }) });
    d = await Dialler.open(browser, cloud, { clientId: 'svc-user', maxConcurrent: 2 });
    await d.start();
  });
  // A failed test must not leave calls that hold the next one's maxConcurrent slots.
  afterEach(() => d?.hangUpAll());
  after(async () => {
    await d?.close();
    await browser?.close();
    await cloud?.stop();
    endProcessSoon();
  });

  test('echo: the tone comes back, the stats fill in, mute silences it, hang-up is NORMAL', async () => {
    const id = await d.dial('echo');
    await d.waitState(id, 'connected');
    const level = await d.waitStat(id, 'level-in', (v) => v > LEVEL_HEARD, `above ${LEVEL_HEARD}`);
    assert.ok(level > LEVEL_HEARD);
    const codec = await until(() => d.card(id).locator('[data-stat="codec"]').textContent(), { what: 'the codec' });
    await until(async () => /opus/i.test(await d.card(id).locator('[data-stat="codec"]').textContent()), { what: 'opus as the codec' });
    assert.ok(codec.length > 0);
    await d.waitStat(id, 'rtt', (v) => v >= 0, 'known');
    await d.waitStat(id, 'jitter', (v) => v >= 0, 'known');
    await d.waitStat(id, 'loss', (v) => v >= 0 && v < 100, 'known');
    await d.waitStat(id, 'level-out', (v) => v > LEVEL_HEARD, 'above the bound (the microphone tone)');
    assert.equal(await d.page.isVisible('#keypad-box'), true, 'the keypad shows during a call');
    await d.screenshot('in-call');
    await d.page.setViewportSize({ width: 390, height: 844 });
    const overflow = await d.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no sideways scrolling at phone width in a call (overflow ${overflow}px)`);
    await d.screenshot('in-call-phone');
    await d.page.setViewportSize({ width: 1280, height: 900 });

    // Muting the microphone: the echo has nothing to return.
    await d.card(id).locator('.mute-mic').click();
    assert.equal(await d.card(id).locator('.mute-mic').getAttribute('aria-pressed'), 'true');
    await d.waitStat(id, 'level-in', (v) => v < LEVEL_HEARD / 4, 'near silence while muted');
    await d.card(id).locator('.mute-mic').click();
    await d.waitStat(id, 'level-in', (v) => v > LEVEL_HEARD, 'back after unmute');

    // Silencing the far side (mute(false, true)): what the page plays goes quiet, while packets
    // still arrive. Measured on the played stream with Web Audio, not on a flag.
    const played = async () =>
      d.page.evaluate(async (callId) => {
        if (!window.__playedMeter) {
          const audio = document.querySelector(`#players audio[data-call="${callId}"]`);
          const ctx = new AudioContext();
          await ctx.resume();
          const analyser = ctx.createAnalyser();
          analyser.fftSize = 2048;
          ctx.createMediaStreamSource(audio.srcObject).connect(analyser);
          window.__playedMeter = { ctx, analyser };
        }
        const { analyser } = window.__playedMeter;
        const samples = new Float32Array(analyser.fftSize);
        analyser.getFloatTimeDomainData(samples);
        return Math.sqrt(samples.reduce((a, x) => a + x * x, 0) / samples.length);
      }, String(id));
    const playedBound = 0.01; // RMS of full scale: the 440 Hz tone plays far above it
    await until(async () => (await played()) > playedBound, { what: 'the far side playing before silencing' });
    await d.card(id).locator('.mute-speaker').click();
    assert.equal(await d.card(id).locator('.mute-speaker').getAttribute('aria-pressed'), 'true');
    await until(async () => (await played()) < playedBound / 10, { what: 'silence played while the far side is muted' });
    await d.waitStat(id, 'level-in', (v) => v > LEVEL_HEARD, 'packets still arriving while silenced');
    await d.card(id).locator('.mute-speaker').click();
    await until(async () => (await played()) > playedBound, { what: 'the far side playing again after un-silencing' });
    await d.page.evaluate(() => window.__playedMeter.ctx.close());

    await d.hangUp(id);
    assert.equal(await d.waitCause(id), 'NORMAL');
    const ends = await cloudEvents(cloud, { type: 'call.end' });
    const end = ends.filter((e) => e.service === 'echo').at(-1);
    assert.ok(end && end.by === 'caller' && end.packetsIn > 0, JSON.stringify(end));
  });

  test('DTMF from the keypad and the keyboard reaches ivr as RFC 4733 events (the cloud events show the digits)', async () => {
    const id = await d.dial('ivr');
    await d.waitState(id, 'connected');
    // Packets arriving (the loss figure is known) means DTLS is up, so DTMF can go.
    await d.waitStat(id, 'loss', (v) => v >= 0, 'known (packets in)');
    for (const k of ['1', '2', '3']) await d.page.click(`#keypad [data-key="${k}"]`);
    // Typed with no delay: digits must queue behind the ones still playing, not replace them.
    await d.page.locator('#keypad [data-key="3"]').focus();
    await d.page.keyboard.type('4*#');
    assert.equal(await d.page.textContent('#dtmf-sent'), '1234*#');
    // ivr records each digit and hangs up after '#'.
    assert.equal(await d.waitCause(id), 'NORMAL');
    const end = (await cloudEvents(cloud, { type: 'call.end' })).filter((e) => e.service === 'ivr').at(-1);
    assert.equal(end.digits, '1234*#');
    const digits = (await cloudEvents(cloud, { type: 'call.digit' })).map((e) => e.digit).join('');
    assert.ok(digits.endsWith('1234*#'), `call.digit events: ${digits}`);
    // On the wire they were RFC 4733 telephone-events (werift reads them raw), not in-band tones.
    const dtmf = (await cloudEvents(cloud, { type: 'call.dtmf' })).slice(-6);
    assert.equal(dtmf.map((e) => e.digit).join(''), '1234*#');
    assert.deepEqual([...new Set(dtmf.map((e) => e.how))], ['rfc4733'], JSON.stringify(dtmf));
  });

  test('noanswer rings with ringback; hanging up gives NOANSWER', async () => {
    const id = await d.dial('noanswer');
    await d.waitState(id, 'ringing');
    assert.equal(await d.body('ringback'), 'on');
    assert.equal(await d.card(id).evaluate((li) => li.classList.contains('ringback')), true);
    await d.screenshot('ringing');
    await d.hangUp(id);
    assert.equal(await d.waitCause(id), 'NOANSWER');
    await until(() => d.body('ringback').then((s) => s === 'off'), { what: 'ringback to stop' });
  });

  test('ring: ringback while it rings, none once connected', async () => {
    const id = await d.dial('ring');
    await d.waitState(id, 'ringing');
    assert.equal(await d.body('ringback'), 'on');
    await d.waitState(id, 'connected');
    assert.equal(await d.body('ringback'), 'off');
    await d.hangUp(id);
    assert.equal(await d.waitCause(id), 'NORMAL');
  });

  test('early-media: the prompt plays before the answer, with no ringback', async () => {
    const id = await d.dial('early-media');
    await d.waitState(id, ['early-media', 'connected']);
    assert.equal(await d.body('ringback'), 'off');
    await d.waitStat(id, 'level-in', (v) => v > LEVEL_HEARD, 'above the bound (the prompt)');
    await d.waitState(id, 'connected', 60000);
    await d.hangUp(id);
    assert.equal(await d.waitCause(id), 'NORMAL');
  });

  test('playback: the prompt is heard, then the cloud hangs up (NORMAL)', async () => {
    const id = await d.dial('playback');
    await d.waitState(id, 'connected');
    await d.waitStat(id, 'level-in', (v) => v > LEVEL_HEARD, 'above the bound (the prompt)');
    assert.equal(await d.waitCause(id, 120000), 'NORMAL');
  });

  test('two calls at once when maxConcurrent (2) allows, and no third', async () => {
    const a = await d.dial('echo');
    await d.waitState(a, 'connected');
    const b = await d.dial('echo');
    await d.waitState(b, 'connected');
    assert.equal(await d.page.isDisabled('#call-button'), true, 'Call is disabled at maxConcurrent');
    await d.waitStat(a, 'level-in', (v) => v > LEVEL_HEARD, 'above the bound');
    await d.waitStat(b, 'level-in', (v) => v > LEVEL_HEARD, 'above the bound');
    await d.hangUp(a);
    await d.hangUp(b);
    assert.equal(await d.waitCause(a), 'NORMAL');
    assert.equal(await d.waitCause(b), 'NORMAL');
    await until(async () => !(await d.page.isDisabled('#call-button')), { what: 'Call to be enabled again' });
  });

  // PROTOCOL.md "Calls": the cause each final status maps to.
  const CAUSES = [
    ['busy', 'BUSY'],
    ['no-such-service', 'UNOBTAINABLE'],
    ['fail-302', 'MOVED'],
    ['fail-403', 'FAILED'],
    ['fail-404', 'UNOBTAINABLE'],
    ['fail-410', 'UNOBTAINABLE'],
    ['fail-480', 'UNOBTAINABLE'],
    ['fail-486', 'BUSY'],
    ['fail-500', 'FAILED'],
    ['fail-503', 'FAILED'],
    ['fail-600', 'BUSY'],
    ['fail-603', 'BUSY'],
    ['fail-604', 'UNOBTAINABLE'],
    ['fail-606', 'REJECTED'],
  ];
  for (const [service, cause] of CAUSES) {
    test(`${service} ends the call with ${cause}`, async () => {
      const id = await d.dial(service);
      assert.equal(await d.waitCause(id), cause);
      const row = d.page.locator(`#call-log tbody tr[data-call="${id}"]`);
      assert.equal(await row.locator('.cause').textContent(), cause);
    });
  }

  test('the call log fits a 390 px phone: the widest cause and a long peer, no column cut off', async () => {
    for (const service of ['no-such-service-at-all', 'fail-606']) await d.waitCause(await d.dial(service));
    await d.page.setViewportSize({ width: 390, height: 844 });
    try {
      const fit = await d.page.evaluate(() => ({
        table: document.getElementById('call-log').scrollWidth,
        wrap: document.querySelector('#history-panel .table-wrap').clientWidth,
      }));
      // What a phone shows with the call log scrolled up to the sticky top bar.
      await d.page.evaluate(() => window.scrollTo(0, window.scrollY + document.getElementById('history-panel').getBoundingClientRect().top - document.querySelector('.topbar').offsetHeight));
      await d.page.screenshot({ path: screenshotPath('call-log-phone') });
      assert.ok(fit.table <= fit.wrap, `the call log is ${fit.table} px wide in ${fit.wrap} px`);
    } finally {
      await d.page.setViewportSize({ width: 1280, height: 900 });
    }
  });
});
