// The dialler's device pickers in a call (the package's setMicrophone and playRemoteStream) and its
// ringing-tone setting (the package's options.sounds instead of the page's own tones).
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertBuilt, Dialler, endProcessSoon, launchBrowser, LEVEL_HEARD, sleep, startCloud, toneFile, until } from './helpers.mjs';

test('dist/ is built and Chromium is installed', () => assertBuilt());

describe('dialler: devices in a call, the package\'s ringing tones', { timeout: 300000 }, () => {
  let cloud;
  let browser;
  let d;
  before(async () => {
    assertBuilt();
    cloud = await startCloud();
    browser = await launchBrowser({ wav: toneFile('dialler-devices', { freq: 440, seconds: 2 }) });
    d = await Dialler.open(browser, cloud, { clientId: 'dev-user', query: { sounds: 'uk' } });
    await d.start();
  });
  afterEach(() => d?.hangUpAll());
  after(async () => {
    await d?.close();
    await browser?.close();
    await cloud?.stop();
    endProcessSoon();
  });

  test('with the package\'s UK tones chosen, the package plays the ringback and the page\'s own stays silent', async () => {
    assert.equal(await d.page.inputValue('#sounds'), 'uk');
    const id = await d.dial('ring');
    await d.waitState(id, 'ringing');
    // js/sounds.js (the module the package imported) has made its output: it is playing.
    await until(() => d.page.evaluate(async () => !!(await import('/js/sounds.js')).output), { what: 'the package\'s ringback' });
    assert.equal(await d.page.locator('.call.ringback').count(), 1, 'the card says it rings');
    assert.equal(await d.body('tones'), 'package', 'the page\'s own tones are not started');
    await d.waitState(id, 'connected');
    await d.hangUp(id);
    assert.equal(await d.waitCause(id), 'NORMAL');
  });

  test('the card\'s microphone picker switches the microphone mid-call; the speaker picker plays the call', async () => {
    const id = await d.dial('echo');
    await d.waitState(id, 'connected');
    await d.waitStat(id, 'level-in', (v) => v > LEVEL_HEARD, 'above the bound before the switch');
    const card = d.card(id);
    const mics = await card.locator('.call-mic option').evaluateAll((os) => os.map((o) => [o.value, o.textContent]));
    assert.ok(mics.length >= 3, `Default and Chromium's fake microphones: ${mics.join(', ')}`);
    await card.locator('.call-mic').selectOption(mics[2][0]);
    // The page logs the label of the track setMicrophone resolved to: the device chosen.
    await until(() => d.page.locator('#log').textContent().then((t) => t.includes(`microphone now ${mics[2][1]}`)), { what: 'the page\'s log of the switch' });
    await sleep(1500); // what was buffered before the switch has played out
    await d.waitStat(id, 'level-in', (v) => v > LEVEL_HEARD, 'above the bound after the switch');

    const speaker = card.locator('.call-speaker');
    const outputs = await speaker.locator('option').evaluateAll((os) => os.map((o) => o.value));
    await speaker.selectOption(outputs[outputs.length - 1]);
    await speaker.dispatchEvent('change');
    await until(() => d.page.evaluate((call) => {
      const a = document.querySelector(`#players audio[data-call="${call}"]`);
      return a && !a.paused && !!a.srcObject;
    }, id), { what: 'the call\'s audio playing on the chosen speaker' });
    await d.screenshot('dialler-devices');
    assert.deepEqual(d.problems, []);
    await d.hangUp(id);
    assert.equal(await d.waitCause(id), 'NORMAL');
  });
});
