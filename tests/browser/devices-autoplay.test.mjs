// playRemoteStream with Chromium's autoplay blocked (--autoplay-policy=user-gesture-required): the
// page hears of it through onAutoplayBlocked, the guide's troubleshooting note.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertBuilt, endProcessSoon, launchBrowser, startCloud, toneFile, until } from './helpers.mjs';

test('dist/ is built and Chromium is installed', () => assertBuilt());

describe('playRemoteStream with autoplay blocked', { timeout: 180000 }, () => {
  let cloud;
  let browser;
  before(async () => {
    assertBuilt();
    cloud = await startCloud();
    browser = await launchBrowser({ wav: toneFile('devices-blocked'), autoplay: false });
  });
  after(async () => {
    await browser?.close();
    await cloud?.stop();
    endProcessSoon();
  });

  test('onAutoplayBlocked is called, and the element plays after a click', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    // No user activation: plain CDP evaluation with userGesture false (dialler-autoplay.test.mjs).
    const cdp = await context.newCDPSession(page);
    const js = async (expression) => {
      const r = await cdp.send('Runtime.evaluate', { expression, userGesture: false, returnByValue: true, awaitPromise: true });
      if (r.exceptionDetails) throw new Error(r.exceptionDetails.exception?.description ?? r.exceptionDetails.text);
      return r.result.value;
    };
    try {
      await page.goto(new URL('js/index.js', cloud.url).href);
      await js(`(async () => {
        const { AculabCloudClient } = await import('/js/index.js');
        const t = (window.__t = { blocked: [], played: [] });
        t.client = new AculabCloudClient(${JSON.stringify(cloud.config.cloudId)}, ${JSON.stringify(cloud.config.accessKey)}, 'devices-blocked', 0, { url: 'ws://' + location.host + '/sipproxy' });
        t.audio = document.createElement('audio');
        document.body.append(t.audio);
        t.call = t.client.callService('echo');
        t.call.onMedia = () => t.call.playRemoteStream(t.audio, { onAutoplayBlocked: (o) => t.blocked.push([o.call === t.call, o.element === t.audio, o.error.name]) }).then((p) => t.played.push(p));
      })()`);
      await until(() => js('window.__t.played.length > 0'), { what: 'playRemoteStream to settle', timeout: 60000 });
      assert.equal(await js('navigator.userActivation.hasBeenActive'), false, 'no user activation so far');
      assert.deepEqual(await js('window.__t.played'), [false]);
      assert.deepEqual(await js('window.__t.blocked'), [[true, true, 'NotAllowedError']]);
      assert.equal(await js('window.__t.audio.paused'), true);
      // What the page does with onAutoplayBlocked: a button whose click plays the element.
      await js(`(() => {
        const b = document.createElement('button');
        b.id = 'play';
        b.textContent = 'Start audio';
        b.onclick = () => window.__t.audio.play();
        document.body.prepend(b);
      })()`);
      await page.click('#play'); // a real click: user activation
      await until(() => js('!window.__t.audio.paused'), { what: 'the element to play after the click' });
      await js('window.__t.client.close()');
    } finally {
      await context.close();
    }
  });
});

