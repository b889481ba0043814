// The client's ringing tones (options.sounds) in Chromium against the local cloud: ringback while
// an outgoing call rings without early media, ringtone while an incoming call is offered, each
// heard by an AnalyserNode on js/sounds.js's output and gone once the call moves on.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertBuilt, basicAuth, cloudCalls, endProcessSoon, launchBrowser, sleep, startCloud, toneFile, until } from './helpers.mjs';
import { openClient } from './devices-page.mjs';

test('dist/ is built and Chromium is installed', () => assertBuilt());

// In the page: an AnalyserNode on js/sounds.js's output, sampled every 20 ms; heard[phase] is
// set when a tone of `freqs` is in it while window.__t.phase is `phase`.
async function listen(page, freqs) {
  await page.evaluate(async (f) => {
    const sounds = await import('/js/sounds.js');
    const t = window.__t;
    t.heard = {};
    t.phase = 'idle';
    // The phase a little after the event, so that the analyser's window has left what came before.
    t.settle = (phase) => setTimeout(() => { t.phase = phase; }, 200);
    let analyser = null;
    let data = null;
    t.sampler = setInterval(() => {
      if (!sounds.output) return;
      if (!analyser) {
        analyser = sounds.output.context.createAnalyser();
        analyser.fftSize = 2048;
        analyser.smoothingTimeConstant = 0;
        sounds.output.connect(analyser);
        data = new Float32Array(analyser.frequencyBinCount);
      }
      analyser.getFloatFrequencyData(data);
      const bin = (hz) => Math.round((hz * analyser.fftSize) / analyser.context.sampleRate);
      if (f.every((hz) => data[bin(hz)] > -60)) t.heard[t.phase] = true;
    }, 20);
  }, freqs);
}

describe('ringback and ringtone (options.sounds) in Chromium', { timeout: 300000 }, () => {
  let cloud;
  let browser;
  let page;
  before(async () => {
    assertBuilt();
    cloud = await startCloud();
    browser = await launchBrowser({ wav: toneFile('sounds') });
    page = await (await browser.newContext()).newPage();
    if (process.env.ACW_TEST_LOG) page.on('console', (m) => console.log('page:', m.text()));
    await page.goto(new URL('js/index.js', cloud.url).href);
  });
  after(async () => {
    await browser?.close();
    await cloud?.stop();
    endProcessSoon();
  });

  test('ringback (UK, 400+450 Hz) while the call rings, none once connected', async () => {
    await openClient(page, cloud, 'sounds-out', { ringback: 'uk', ringtone: 'us' });
    await listen(page, [400, 450]);
    await page.evaluate(() => {
      const t = window.__t;
      t.call = t.client.callService('ring'); // rings 3 s, then echo
      t.call.onRinging = () => { t.phase = 'ringing'; };
      t.call.onConnected = () => t.settle('connected');
    });
    await until(() => page.evaluate(() => window.__t.heard.ringing), { what: 'the ringback heard while ringing', timeout: 60000 });
    await until(() => page.evaluate(() => window.__t.phase === 'connected'), { what: 'the call connected', timeout: 60000 });
    // More than one whole cadence (3 s): a tone still playing would be heard.
    await sleep(4000);
    assert.equal(await page.evaluate(() => window.__t.heard.connected), undefined, 'no ringback once connected');
    await page.evaluate(() => window.__t.call.disconnect());
  });

  test('no ringback over early media', async () => {
    await page.evaluate(() => {
      const t = window.__t;
      t.heard = {};
      t.phase = 'idle';
      t.call = t.client.callService('early-media');
      t.call.onMedia = () => t.settle('early');
    });
    await until(() => page.evaluate(() => window.__t.phase === 'early'), { what: 'early media', timeout: 60000 });
    await sleep(4000);
    assert.equal(await page.evaluate(() => window.__t.heard.early), undefined, 'no ringback while early media plays');
    await page.evaluate(() => window.__t.call.disconnect());
    await page.evaluate(() => { clearInterval(window.__t.sampler); window.__t.client.close(); });
  });

  test('ringtone (US, 440+480 Hz) while a call is offered, none once answered or rejected', async () => {
    await openClient(page, cloud, 'sounds-in', { ringtone: 'us' });
    await listen(page, [440, 480]);
    const res = await fetch(new URL('webrtc_generate_token?client_id=sounds-in', cloud.url), { headers: { Authorization: basicAuth(cloud) } });
    const { token } = await res.json();
    await page.evaluate((tok) => {
      const t = window.__t;
      t.calls = [];
      t.client.onIncomingState = (s) => { t.ready = s.ready; };
      t.client.onIncoming = ({ call }) => {
        t.calls.push(call);
        t.phase = `offered${t.calls.length}`;
        call.onDisconnect = ({ cause }) => t.events.push(`onDisconnect ${cause}`);
      };
      // How many tones js/sounds.js plays, before and just after answer() or reject(): the
      // stop does not wait for the call's next callback (that needs the network).
      const playing = async () => (await import('/js/sounds.js')).playing;
      const after = async (act, phase) => {
        const before = await playing();
        act();
        t.settle(phase);
        await new Promise((r) => setTimeout(r, 0));
        return [before, await playing()];
      };
      t.answer = () => after(() => t.calls[0].answer(), 'answered');
      t.reject = () => after(() => t.calls[1].reject(486), 'rejected');
      t.client.enableIncoming(tok);
    }, token);
    await until(() => page.evaluate(() => window.__t.ready), { what: 'the registration' });

    await cloudCalls(cloud, { destination: 'webrtc:sounds-in', action: 'echo' });
    await until(() => page.evaluate(() => window.__t.heard.offered1), { what: 'the ringtone while offered', timeout: 60000 });
    assert.deepEqual(await page.evaluate(() => window.__t.answer()), [1, 0], 'one tone, stopped by answer()');
    await until(() => page.evaluate(() => window.__t.phase === 'answered'), { what: 'answered' });
    await sleep(7000); // more than one whole US cadence (6 s)
    assert.equal(await page.evaluate(() => window.__t.heard.answered), undefined, 'no ringtone once answered');
    await page.evaluate(() => window.__t.calls[0].disconnect());
    await until(() => page.evaluate(() => window.__t.events.length === 1), { what: 'the first call\'s end' });

    await cloudCalls(cloud, { destination: 'webrtc:sounds-in', action: 'echo' });
    await until(() => page.evaluate(() => window.__t.heard.offered2), { what: 'the ringtone for the second call', timeout: 60000 });
    assert.deepEqual(await page.evaluate(() => window.__t.reject()), [1, 0], 'one tone, stopped by reject()');
    await until(() => page.evaluate(() => window.__t.phase === 'rejected'), { what: 'rejected' });
    await sleep(7000);
    assert.equal(await page.evaluate(() => window.__t.heard.rejected), undefined, 'no ringtone once rejected');
    await page.evaluate(() => { clearInterval(window.__t.sampler); window.__t.client.close(); });
  });
});
