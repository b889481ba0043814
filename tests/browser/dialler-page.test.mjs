// The dialler page itself: its CSP and text-only rendering, loading the package, settings, registration, log pane, layouts.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertBuilt, basicAuth, Dialler, endProcessSoon, launchBrowser, ROOT, startCloud, toneFile, until } from './helpers.mjs';

const html = readFileSync(join(ROOT, 'web', 'index.html'), 'utf8');
const scripts = readdirSync(join(ROOT, 'web')).filter((f) => f.endsWith('.js')).map((f) => [f, readFileSync(join(ROOT, 'web', f), 'utf8')]);

describe('dialler source', () => {
  test('the scripts never turn a string into markup or code', () => {
    assert.ok(scripts.length >= 5);
    for (const [name, text] of scripts) {
      for (const sink of [/\.innerHTML\b/, /\.outerHTML\b/, /insertAdjacentHTML/, /document\.write/, /\beval\(/, /new Function/, /setAttribute\(\s*['"]on/]) {
        assert.doesNotMatch(text, sink, name);
      }
    }
  });

  test('every script opens with one line saying what it is', () => {
    for (const [name, text] of scripts) assert.match(text, /^\/\/ [A-Z][^\n]{20,}\n/, name);
  });

  test('the page carries a strict Content-Security-Policy and no inline code', () => {
    const m = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html);
    assert.ok(m, 'CSP meta tag');
    const csp = Object.fromEntries(m[1].split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v.join(' ')]));
    assert.equal(csp['default-src'], "'none'");
    assert.equal(csp['script-src'], "'self' 'wasm-unsafe-eval'");
    assert.equal(csp['style-src'], "'self'");
    assert.equal(csp['connect-src'], "'self' ws: wss:");
    assert.equal(csp['object-src'], "'none'");
    assert.equal(csp['base-uri'], "'none'");
    assert.equal(csp['require-trusted-types-for'], "'script'");
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script');
    assert.doesNotMatch(html, /\sstyle=|\son[a-z]+=/i, 'no inline style or handler attributes');
  });

  test('every form control has a label', () => {
    const ids = [...html.matchAll(/<(?:input|select)\b[^>]*\bid="([^"]+)"/g)].map((x) => x[1]);
    assert.ok(ids.length > 8);
    for (const id of ids) {
      const labelled = html.includes(`for="${id}"`) || new RegExp(`<label[^>]*>\\s*<input id="${id}"`).test(html);
      assert.ok(labelled, `a label for #${id}`);
    }
  });
});

// Fails, saying what is missing, where dist/ or Chromium is absent (the suite below then fails too).
test('dist/ is built and Chromium is installed', () => assertBuilt());

describe('dialler page in Chromium', { timeout: 240000 }, () => {
  let cloud;
  let browser;
  before(async () => {
    assertBuilt();
    cloud = await startCloud();
    browser = await launchBrowser({ wav: toneFile('page') });
  });
  after(async () => {
    await browser?.close();
    await cloud?.stop();
    endProcessSoon();
  });

  test('loads the package under its CSP; defaults point at the cloud serving it', async () => {
    const d = await Dialler.open(browser, cloud, { clientId: 'page-alice' });
    try {
      const port = new URL(cloud.url).port;
      assert.equal(await d.page.inputValue('#cloud-url'), `ws://127.0.0.1:${port}/sipproxy`);
      assert.equal(await d.page.inputValue('#cloud-id'), cloud.config.cloudId);
      assert.equal(await d.page.inputValue('#client-id'), 'page-alice');
      assert.match(await d.page.textContent('#token-settings'), /its own server/);
      assert.equal(await d.body('client'), 'stopped');
      assert.equal(await d.page.isDisabled('#call-button'), true);
      await d.screenshot('idle');
      assert.deepEqual(d.problems, []);
    } finally {
      await d.close();
    }
  });

  test('settings the client refuses show its error and leave it stopped', async () => {
    const d = await Dialler.open(browser, cloud, { clientId: 'page-bad' });
    try {
      await d.page.fill('#client-id', 'has space');
      await d.page.click('#start-button');
      await until(() => d.page.isVisible('#page-error'), { what: 'the error banner' });
      assert.match(await d.page.textContent('#page-error'), /refused these settings/);
      assert.equal(await d.body('client'), 'stopped');
    } finally {
      await d.close();
    }
  });

  test('a wrong API key: the token service\'s refusal shows and incoming stays off', async () => {
    const d = await Dialler.open(browser, cloud, { clientId: 'page-nokey' });
    try {
      await d.page.fill('#api-key', 'not-the-key');
      await d.start();
      await d.page.click('#enable-button');
      await d.waitIncoming('not-ready');
      assert.match(await d.page.textContent('#incoming-detail'), /No token: token service said 401/);
    } finally {
      await d.close();
    }
  });

  test('registers for incoming calls, shows ready, and unregisters', async () => {
    const d = await Dialler.open(browser, cloud, { clientId: 'page-reg' });
    try {
      await d.start();
      assert.equal(await d.page.isDisabled('#client-id'), true, 'settings locked while running');
      await d.enableIncoming();
      assert.match(await d.page.textContent('#incoming-state'), /Ready/);
      const res = await fetch(new URL('webrtc_registered_clients', cloud.url), { headers: { Authorization: basicAuth(cloud) } });
      assert.ok((await res.json()).clients.includes('page-reg'));
      await d.screenshot('registered');

      await d.page.setViewportSize({ width: 390, height: 844 });
      const overflow = await d.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `no sideways scrolling at phone width (overflow ${overflow}px)`);
      await d.screenshot('registered-phone');
      await d.page.setViewportSize({ width: 1280, height: 900 });

      await d.page.click('#disable-button');
      await d.waitIncoming('off');
      const history = await d.page.$$eval('#reg-history li', (lis) => lis.map((li) => li.dataset.state));
      assert.ok(history.includes('ready') && history[0] === 'off', `history ${history}`);
      await d.page.click('#stop-button');
      await until(() => d.body('client').then((s) => s === 'stopped'), { what: 'the client to stop' });
      assert.equal(await d.page.isDisabled('#client-id'), false);
      assert.deepEqual(d.problems, []);
    } finally {
      await d.close();
    }
  });

  test('the log pane follows logLevel: SIP text at 6, nothing at 0', async () => {
    const loud = await Dialler.open(browser, cloud, { clientId: 'page-loud', logLevel: 6 });
    const quiet = await Dialler.open(browser, cloud, { clientId: 'page-quiet', logLevel: 0 });
    try {
      for (const d of [loud, quiet]) {
        await d.start();
        await d.enableIncoming();
      }
      await until(async () => (await loud.page.textContent('#log')).includes('REGISTER'), { what: 'REGISTER in the log at level 6' });
      const levels = await loud.page.$$eval('#log li[data-source="client"]', (lis) => lis.map((li) => Number(li.dataset.level)));
      assert.ok(levels.length > 0 && levels.every((l) => l >= 1 && l <= 6));
      assert.equal(await quiet.page.$$eval('#log li', (lis) => lis.length), 0);
    } finally {
      await loud.close();
      await quiet.close();
    }
  });
});
