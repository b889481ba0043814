// With autoplay blocked (--autoplay-policy=user-gesture-required) the page offers a control that starts the remote audio.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertBuilt, endProcessSoon, launchBrowser, screenshotPath, startCloud, toneFile, until } from './helpers.mjs';

// Fails, saying what is missing, where dist/ or Chromium is absent (the suite below then fails too).
test('dist/ is built and Chromium is installed', () => assertBuilt());

describe('dialler with autoplay blocked', { timeout: 180000 }, () => {
  let cloud;
  let browser;
  before(async () => {
    assertBuilt();
    cloud = await startCloud();
    browser = await launchBrowser({ wav: toneFile('autoplay'), autoplay: false });
  });
  after(async () => {
    await browser?.close();
    await cloud?.stop();
    endProcessSoon();
  });

  test('a call made with no user gesture shows "Start audio"; pressing it plays the call', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    // Playwright's own evaluate counts as a user gesture; plain CDP evaluation with
    // userGesture false does not, so the page stays without user activation until the click.
    const cdp = await context.newCDPSession(page);
    const js = async (expression) => {
      const r = await cdp.send('Runtime.evaluate', { expression, userGesture: false, returnByValue: true, awaitPromise: true });
      if (r.exceptionDetails) throw new Error(r.exceptionDetails.exception?.description ?? r.exceptionDetails.text);
      return r.result.value;
    };
    try {
      const c = cloud.config;
      const url = new URL(cloud.url);
      for (const [k, v] of Object.entries({ clientId: 'autoplay-user', cloudId: c.cloudId, accessKey: c.accessKey, processing: '0' })) url.searchParams.set(k, v);
      await page.goto(url.href);
      await until(() => js('document.body.dataset.ready === "yes"'), { what: 'the package to load' });
      await js('document.getElementById("start-button").click()');
      await until(() => js('document.body.dataset.client === "running"'), { what: 'the client to start' });
      await js('document.getElementById("target").value = "echo"; document.getElementById("call-button").click()');
      await until(() => js('document.querySelector("#calls li.call")?.dataset.state === "connected"'), { what: 'the call to connect' });
      assert.equal(await js('navigator.userActivation.hasBeenActive'), false, 'no user activation so far');

      await until(() => page.isVisible('#audio-unlock'), { what: 'the Start audio control' });
      assert.equal(await js('document.querySelector("#players audio").paused'), true);
      await js('window.scrollTo(0, 0)');
      await page.screenshot({ path: screenshotPath('autoplay-blocked'), fullPage: true });

      await page.click('#audio-unlock-button'); // a real click: user activation
      await until(() => js('!document.querySelector("#players audio").paused'), { what: 'the remote audio to play' });
      await until(async () => !(await page.isVisible('#audio-unlock')), { what: 'the control to go' });

      await page.click('#calls li.call .hang-up');
      await until(() => js('document.querySelector("#call-log tbody tr")?.dataset.cause'), { what: 'the call log entry' });
      assert.equal(await js('document.querySelector("#call-log tbody tr").dataset.cause'), 'NORMAL');
    } finally {
      await context.close();
    }
  });
});
