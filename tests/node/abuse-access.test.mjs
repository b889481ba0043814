// Abuse suite, who may reach what: foreign Host (DNS rebinding), foreign Origin, the account's data without credentials; a bystander's echo call carries on.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import WebSocket from 'ws';
import { bystanderCall, endProcess } from './cloud-audio-peer.mjs';
import { basicAuth, startTestCloud } from './cloud-helpers.mjs';

let cloud;
let bystander;
before(async () => {
  cloud = await startTestCloud();
  bystander = await bystanderCall(cloud, 'bystander');
  await bystander.audioIntact();
});
after(async () => {
  await bystander?.hangUp();
  await cloud?.stop();
  endProcess();
});

/** A raw GET with the headers given as they are (fetch will not send a foreign Host). */
function rawGet(path, headers = {}) {
  const u = new URL(cloud.url);
  return new Promise((resolvePromise, reject) => {
    const req = request({ host: u.hostname, port: u.port, path, method: 'GET', headers }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolvePromise({ status: res.statusCode, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens the SIP WebSocket with extra options; resolves with 'open' or the HTTP status that refused it. */
function upgrade(options) {
  return new Promise((resolvePromise) => {
    const ws = new WebSocket(cloud.url.replace(/^http/, 'ws') + 'sipproxy', 'sip', options);
    ws.once('open', () => {
      ws.close();
      resolvePromise('open');
    });
    ws.once('unexpected-response', (req, res) => {
      resolvePromise(res.statusCode);
      req.destroy();
    });
    ws.once('error', () => resolvePromise('error'));
  });
}

test('DNS rebinding: a foreign Host gets 421 on every path, the WebSocket too; our names are served', async () => {
  const port = new URL(cloud.url).port;
  const auth = { Authorization: basicAuth(cloud) };
  for (const host of [`evil.example:${port}`, 'evil.example', `127.0.0.1.evil.example:${port}`, 'localhost.evil.example']) {
    for (const path of ['/events', '/health', '/', '/recordings/x.ogg', '/dialler_credentials', '/webrtc_generate_token?client_id=a']) {
      const res = await rawGet(path, { ...auth, Host: host });
      assert.equal(res.status, 421, `${host} ${path}`);
      assert.ok(!res.body.includes('cloud.start') && !res.body.includes(cloud.config.apiKey), `${host} ${path}: nothing leaks`);
    }
    assert.equal(await upgrade({ headers: { Host: host } }), 421, `upgrade with Host ${host}`);
  }
  assert.equal((await rawGet('/health', { Host: `127.0.0.1:${Number(port) + 1}` })).status, 421, 'another port');
  for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `webrtc-${cloud.config.cloudId}.aculabcloud.net`]) {
    assert.equal((await rawGet('/health', { Host: host })).status, 200, host);
  }
  assert.ok(cloud.events.list({ type: 'access.refused' }).some((e) => e.why === 'host' && e.host === 'evil.example'));
  await bystander.audioIntact();
});

test('a foreign Origin cannot open the WebSocket; our own origin and non-browser clients can', async () => {
  for (const origin of ['https://evil.example', 'http://evil.example', 'null', `https://127.0.0.1:${new URL(cloud.url).port}`]) {
    assert.equal(await upgrade({ origin }), 403, origin);
  }
  assert.equal(await upgrade({ origin: cloud.url.replace(/\/$/, '') }), 'open', 'own origin');
  assert.equal(await upgrade({ origin: cloud.url.replace('127.0.0.1', 'localhost').replace(/\/$/, '') }), 'open', 'own origin by name');
  assert.equal(await upgrade({}), 'open', 'no Origin: not a browser');
  assert.ok(cloud.events.list({ type: 'access.refused' }).some((e) => e.why === 'origin' && e.origin === 'https://evil.example'));
  await bystander.audioIntact();
});

test('an allow-listed origin may connect', async () => {
  cloud.config.allowedOrigins = ['https://app.example'];
  try {
    assert.equal(await upgrade({ origin: 'https://app.example' }), 'open');
    assert.equal(await upgrade({ origin: 'https://app.example.evil' }), 403);
  } finally {
    cloud.config.allowedOrigins = [];
  }
});

test('/events and /recordings/ need the account credentials; the dialler route is for this machine only', async () => {
  for (const path of ['/events', '/events?type=call', '/recordings/', '/recordings/anything.ogg']) {
    const res = await rawGet(path);
    assert.equal(res.status, 401, path);
    assert.ok(!res.body.includes('bystander'), `${path}: no client ids`);
    const wrong = await rawGet(path, { Authorization: 'Basic ' + Buffer.from(`${cloud.config.cloudId}/local:local-api-key`).toString('base64') });
    assert.equal(wrong.status, 401, `${path} with the old fixed key`);
  }
  const events = await rawGet('/events', { Authorization: basicAuth(cloud) });
  assert.equal(events.status, 200);
  assert.ok(events.body.includes('bystander'));
  assert.equal((await rawGet('/dialler_credentials', { 'Sec-Fetch-Site': 'cross-site' })).status, 403);
  assert.equal((await rawGet('/dialler_credentials', { Origin: 'https://evil.example' })).status, 403);
  const own = await rawGet('/dialler_credentials', { 'Sec-Fetch-Site': 'same-origin' });
  assert.equal(own.status, 200);
  assert.equal(JSON.parse(own.body).apiKey, cloud.config.apiKey);
  await bystander.audioIntact();
});

test('the API key is random, kept with the state, and the same after a restart', async () => {
  assert.notEqual(cloud.config.apiKey, 'local-api-key');
  assert.ok(cloud.config.apiKey.length >= 24);
  assert.match(cloud.config.apiKeyShown, /shown this once/);
  const again = await startTestCloud({ stateDir: cloud.config.stateDir });
  try {
    assert.equal(again.config.apiKey, cloud.config.apiKey);
    assert.ok(!again.config.apiKeyShown.includes(cloud.config.apiKey), 'not printed again');
  } finally {
    await again.stop();
  }
  const other = await startTestCloud();
  try {
    assert.notEqual(other.config.apiKey, cloud.config.apiKey, 'another state, another key');
  } finally {
    await other.stop();
  }
});

test('a signing-key file makes tokens outlive a restart; without it they do not', async () => {
  const { fetchToken } = await import('./cloud-helpers.mjs');
  const { join } = await import('node:path');
  const signingKey = join(cloud.tmp, 'signing.pem');
  const first = await startTestCloud({ signingKey });
  const token = await fetchToken(first, { client_id: 'alice' });
  await first.stop();
  const second = await startTestCloud({ signingKey });
  const third = await startTestCloud();
  try {
    assert.equal(second.tokens.verify(token, { clientId: 'alice' }).ok, true, 'same key file');
    assert.equal(third.tokens.verify(token, { clientId: 'alice' }).reason, 'bad-signature', 'a new key');
  } finally {
    await second.stop();
    await third.stop();
  }
});
