// A session recorded by the dialler in Chromium (an outgoing call with DTMF that the far end hangs
// up, an incoming call the page answers and hangs up) replays in Node through the package's
// command to what the page saw: the same callbacks in order and the same SIP, byte for byte.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertBuilt, cloudCalls, Dialler, endProcessSoon, launchBrowser, OUTPUT, ROOT, startCloud, toneFile, until } from './helpers.mjs';
import { parseJournal, replayJournal } from '../../bin/replay.mjs';

// Fails, saying what is missing, where dist/ or Chromium is absent (the suite below then fails too).
test('dist/ is built and Chromium is installed', () => assertBuilt());

// The callbacks the core decides (the shim adds the media ones: onMedia, onLocalMedia...).
const CORE_CALLBACKS = ['onIncomingState', 'onIncoming', 'onRinging', 'onConnected', 'onDisconnect', 'onError', 'onTokenExpiring'];

// Before any page script: every frame the page's WebSockets send and receive.
function recordFrames() {
  window.__sip = [];
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => window.__sip.push(['received', e.data]));
    }

    send(data) {
      window.__sip.push(['sent', data]);
      return super.send(data);
    }
  };
}

// Once the package has loaded: every core callback the package fires on the page's handlers, in
// order, as accessors on the classes' prototypes (a handler set later is wrapped as it is set).
async function recordCallbacks(names) {
  window.__callbacks = [];
  const m = await import('/js/index.js');
  for (const proto of [m.AculabCloudClient.prototype, m.AculabCloudCall.prototype]) {
    for (const name of names) {
      const own = Object.getOwnPropertyDescriptor(proto, name);
      if (proto === m.AculabCloudCall.prototype && name.match(/^on(Incoming|TokenExpiring)/)) continue;
      const slot = new WeakMap();
      Object.defineProperty(proto, name, {
        configurable: true,
        get() {
          return own ? own.get.call(this) : (slot.get(this) ?? null);
        },
        set(fn) {
          const wrapped = typeof fn === 'function' ? function (...args) {
            window.__callbacks.push(name);
            return fn.apply(this, args);
          } : fn;
          if (own) own.set.call(this, wrapped);
          else slot.set(this, wrapped);
        },
      });
    }
  }
}

describe('a journal recorded in Chromium replays in Node', { timeout: 600000 }, () => {
  let cloud;
  let browser;
  let d;
  before(async () => {
    assertBuilt();
    cloud = await startCloud();
    browser = await launchBrowser({ wav: toneFile('journal', { freq: 440, seconds: 2 }) });
  });
  after(async () => {
    await d?.close();
    await browser?.close();
    await cloud?.stop();
    endProcessSoon();
  });

  test('outgoing with DTMF and a far-end hang-up, incoming answered: same callbacks, same SIP', async () => {
    d = await Dialler.open(browser, cloud, { clientId: 'jay', maxConcurrent: 2 });
    await d.page.addInitScript(recordFrames);
    await d.page.reload();
    await until(() => d.body('ready').then((r) => r === 'yes'), { what: 'the package to load again' });
    await d.page.evaluate(recordCallbacks, CORE_CALLBACKS);
    await d.start();
    await d.enableIncoming();

    // Outgoing: ivr takes the digits and hangs up after '#'.
    const out = await d.dial('ivr');
    await d.waitState(out, 'connected');
    await d.waitStat(out, 'loss', (v) => v >= 0, 'known (packets in)');
    for (const k of ['1', '2', '#']) await d.page.click(`#keypad [data-key="${k}"]`);
    assert.equal(await d.waitCause(out), 'NORMAL');

    // Incoming from the cloud's API: answered, echoed, hung up by the page.
    await cloudCalls(cloud, { destination: 'webrtc:jay', action: 'echo' });
    const inc = await d.waitIncomingPanel();
    await d.incomingPanel(inc).locator('.answer').click();
    await d.waitState(inc, 'connected');
    await d.hangUp(inc);
    assert.equal(await d.waitCause(inc), 'NORMAL');

    // What the page saw, and its journal, at one moment.
    const seen = await d.page.evaluate(async () => {
      const { page } = await import('/state.js');
      // journal() takes the records when called: the copies below are of the same moment.
      const journal = page.client.journal();
      return { sip: [...window.__sip], callbacks: [...window.__callbacks], journal: await journal };
    });
    // The dialler's "Save call journal" gives the same text (a later frame may have been added).
    const [download] = await Promise.all([d.page.waitForEvent('download'), d.page.click('#journal-button')]);
    const saved = join(OUTPUT, 'journal-replay.jsonl');
    await download.saveAs(saved);
    assert.ok(readFileSync(saved, 'utf8').startsWith(seen.journal), 'the saved journal is the session\'s');

    // Redacted by default: no token the page sent is in the journal.
    const tokens = [...new Set(seen.sip.filter(([dir]) => dir === 'sent').flatMap(([, text]) => [...text.matchAll(/^Authorization: Bearer (\S+)\r$/gm)].map((m) => m[1])))];
    assert.ok(tokens.length >= 1, 'the page sent its token');
    for (const token of tokens) {
      assert.ok(!seen.journal.includes(token), 'no token in the journal');
      assert.ok(!seen.journal.includes(token.split('.')[2]), 'nor its signature');
    }

    const { events } = await replayJournal(parseJournal(seen.journal));
    const replayedCallbacks = events.filter((e) => e.type === 'callback').map((e) => e.name);
    assert.deepEqual(replayedCallbacks, seen.callbacks);
    for (const name of ['onIncomingState', 'onRinging', 'onConnected', 'onIncoming', 'onDisconnect']) assert.ok(seen.callbacks.includes(name), name);
    // The SIP: what the replay sends carries the redacted token where the page sent the real one.
    const redact = (text) => tokens.reduce((t, token) => t.replaceAll(token, `${token.split('.').slice(0, 2).join('.')}.redacted`), text);
    const pageSip = seen.sip.map(([dir, text]) => `${dir}\n${dir === 'sent' ? redact(text) : text}`);
    const replayedSip = events.filter((e) => e.type === 'sent' || e.type === 'received').map((e) => `${e.type}\n${e.text}`);
    assert.equal(replayedSip.length, pageSip.length);
    for (let i = 0; i < pageSip.length; i++) assert.equal(replayedSip[i], pageSip[i], `SIP message ${i}`);
    assert.match(seen.journal, /"in":"sendDtmf"/);

    // The package's command prints it.
    const r = await new Promise((resolve) => execFile(process.execPath, [join(ROOT, 'bin', 'aculab-webrtc-wasm.mjs'), 'replay', saved, '--brief'],
      { maxBuffer: 1 << 24 }, (error, stdout, stderr) => resolve({ code: error ? error.code : 0, stdout, stderr })));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /page\s+sendDtmf\(call 1, "1"\)/);
    assert.match(r.stdout, /callback\s+onDisconnect call 1 \{"cause":"NORMAL"/);
    assert.match(r.stdout, /SIP received INVITE sip:/);
    const inputs = parseJournal(seen.journal).inputs;
    const minutes = (inputs.at(-1).t - inputs[0].t) / 60000;
    console.log(`# journal: ${seen.journal.length} bytes, ${inputs.length} inputs over ${minutes.toFixed(2)} min (${Math.round(seen.journal.length / minutes)} bytes per minute)`);
  });
});
