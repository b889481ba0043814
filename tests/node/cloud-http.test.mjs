// The cloud's HTTP side: /health, the token web service, registered clients, /events, static files (MIME, traversal).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { basicAuth, DIST, startTestCloud } from './cloud-helpers.mjs';

let cloud;
let site;

before(async () => {
  site = mkdtempSync(join(tmpdir(), 'acw-site-'));
  for (const d of ['web', 'web/sub', 'dist', 'js']) mkdirSync(join(site, d), { recursive: true });
  writeFileSync(join(site, 'web/index.html'), '<!doctype html><title>dialler</title>');
  writeFileSync(join(site, 'web/app.js'), 'export const x = 1;');
  writeFileSync(join(site, 'web/style.css'), 'body{}');
  writeFileSync(join(site, 'web/sub/index.html'), 'sub');
  writeFileSync(join(site, 'dist/acw-core.mjs'), 'export default 1;');
  writeFileSync(join(site, 'dist/acw-core.wasm'), Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
  writeFileSync(join(site, 'js/index.js'), 'export {};');
  // The cloud needs its SIP module in the dist it serves.
  for (const f of ['acw-sip.mjs', 'acw-sip.wasm']) copyFileSync(join(DIST, f), join(site, 'dist', f));
  writeFileSync(join(site, 'secret.txt'), 'secret');
  symlinkSync(join(site, 'secret.txt'), join(site, 'web/link.txt'));
  cloud = await startTestCloud({ webRoot: join(site, 'web'), jsRoot: join(site, 'js'), dist: join(site, 'dist') });
});
after(() => cloud.stop());

const get = (path, init) => fetch(new URL(path, cloud.url), init);
const auth = () => ({ Authorization: basicAuth(cloud) });
const claimsOf = (token) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());

// fetch() normalises "..": raw paths go through node:http as they are.
function rawGet(path) {
  return new Promise((resolvePromise, reject) => {
    const u = new URL(cloud.url);
    const req = request({ host: u.hostname, port: u.port, path, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolvePromise({ status: res.statusCode, body, type: res.headers['content-type'] }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('/health answers JSON', async () => {
  const res = await get('/health');
  assert.equal(res.status, 200);
  const h = await res.json();
  assert.equal(h.ok, true);
  assert.equal(h.cloudId, '1-2-0');
  assert.equal(typeof h.uptimeMs, 'number');
});

test('token: GET with basic auth gives {token} with the requested claims', async () => {
  const res = await get('/webrtc_generate_token?client_id=alice&ttl=600&enable_incoming=false&call_client=bob&call_client=sales*', { headers: auth() });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^application\/json/);
  const body = await res.json();
  assert.deepEqual(Object.keys(body), ['token']);
  const c = claimsOf(body.token);
  assert.equal(c.sub, 'alice');
  assert.equal(c.aud, '1-2-0');
  assert.equal(c.exp - c.iat, 600);
  assert.equal(c.enable_incoming, false);
  assert.deepEqual(c.call_client, ['bob', 'sales*']);
  assert.equal(cloud.tokens.verify(body.token, { clientId: 'alice' }).ok, true);
});

test('token: defaults ttl 3600 and enable_incoming true; webrtc: prefix stripped; POST form and JSON', async () => {
  let c = claimsOf((await (await get('/webrtc_generate_token?client_id=webrtc:bob', { headers: auth() })).json()).token);
  assert.equal(c.sub, 'bob');
  assert.equal(c.exp - c.iat, 3600);
  assert.equal(c.enable_incoming, true);
  assert.deepEqual(c.call_client, []);
  const form = await get('/webrtc_generate_token', {
    method: 'POST', headers: { ...auth(), 'Content-Type': 'application/x-www-form-urlencoded' },
    body: 'client_id=carol&ttl=86400&call_client=*',
  });
  assert.equal(form.status, 200);
  c = claimsOf((await form.json()).token);
  assert.equal(c.sub, 'carol');
  assert.equal(c.exp - c.iat, 86400);
  assert.deepEqual(c.call_client, ['*']);
  const json = await get('/webrtc_generate_token', {
    method: 'POST', headers: { ...auth(), 'Content-Type': 'application/json' },
    body: JSON.stringify({ client_id: 'dave', enable_incoming: false, call_client: ['a', 'b*'] }),
  });
  assert.equal(json.status, 200);
  c = claimsOf((await json.json()).token);
  assert.equal(c.sub, 'dave');
  assert.equal(c.enable_incoming, false);
  assert.deepEqual(c.call_client, ['a', 'b*']);
});

test('token: bad credentials give 401 with a Basic challenge', async () => {
  const cases = [
    {},
    { Authorization: basicAuth(cloud, '1-2-0/local', 'wrong') },
    { Authorization: basicAuth(cloud, 'local', cloud.config.apiKey) },
    { Authorization: basicAuth(cloud, '9-9-9/local', cloud.config.apiKey) },
    { Authorization: 'Bearer abc' },
    { Authorization: 'Basic !!!' },
  ];
  for (const headers of cases) {
    const res = await get('/webrtc_generate_token?client_id=alice', { headers });
    assert.equal(res.status, 401, JSON.stringify(headers));
    assert.match(res.headers.get('www-authenticate'), /^Basic realm=/);
    assert.equal(typeof (await res.json()).error, 'string');
  }
});

test('token: bad parameters give 400 with a JSON error', async () => {
  const bad = ['', 'client_id=', 'client_id=al%20ice', 'client_id=a&client_id=b', 'client_id=a&ttl=599', 'client_id=a&ttl=86401',
    'client_id=a&ttl=1e3', 'client_id=a&ttl=-600', 'client_id=a&enable_incoming=maybe', 'client_id=a&call_client=b%20c', 'client_id=a&call_client=**'];
  for (const q of bad) {
    const res = await get(`/webrtc_generate_token?${q}`, { headers: auth() });
    assert.equal(res.status, 400, q);
    const body = await res.json();
    assert.equal(body.status, 400);
    assert.equal(typeof body.error, 'string');
  }
  const notJson = await get('/webrtc_generate_token', { method: 'POST', headers: { ...auth(), 'Content-Type': 'application/json' }, body: '{' });
  assert.equal(notJson.status, 400);
  const big = await get('/webrtc_generate_token', { method: 'POST', headers: { ...auth(), 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'client_id=a&x=' + 'y'.repeat(70000) }).catch(() => ({ status: 413 }));
  assert.equal(big.status, 413);
  const put = await get('/webrtc_generate_token?client_id=a', { method: 'PUT', headers: auth() });
  assert.equal(put.status, 405);
});

test('registered clients: needs auth, lists nobody on a fresh cloud', async () => {
  assert.equal((await get('/webrtc_registered_clients')).status, 401);
  const res = await get('/webrtc_registered_clients', { headers: auth() });
  assert.equal(res.status, 200);
  assert.deepEqual((await res.json()).clients, []);
});

test('/events lists recent events, filters with since, and the JSON lines log has them', async () => {
  assert.equal((await get('/events')).status, 401, 'the account credentials');
  const all = await (await get('/events', { headers: auth() })).json();
  assert.ok(all.events.some((e) => e.type === 'cloud.start'));
  const start = all.events.find((e) => e.type === 'cloud.start');
  cloud.events.add('test.marker', { n: 1 });
  const newer = await (await get(`/events?since=${start.seq}`, { headers: auth() })).json();
  assert.ok(newer.events.every((e) => e.seq > start.seq));
  assert.ok(newer.events.some((e) => e.type === 'test.marker' && e.n === 1));
  assert.equal((await get('/events?since=-1', { headers: auth() })).status, 400);
  await new Promise((r) => setTimeout(r, 50));
  const lines = readFileSync(cloud.config.eventsLog, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.ok(lines.some((e) => e.type === 'test.marker'));
});

test('static: the dialler at /, package files with the right MIME types', async () => {
  const cases = [
    ['/', 'text/html; charset=utf-8', '<!doctype html><title>dialler</title>'],
    ['/index.html', 'text/html; charset=utf-8'],
    ['/app.js', 'text/javascript; charset=utf-8'],
    ['/style.css', 'text/css; charset=utf-8'],
    ['/sub/', 'text/html; charset=utf-8', 'sub'],
    ['/dist/acw-core.mjs', 'text/javascript; charset=utf-8'],
    ['/dist/acw-core.wasm', 'application/wasm'],
    ['/js/index.js', 'text/javascript; charset=utf-8'],
  ];
  for (const [path, type, body] of cases) {
    const res = await get(path);
    assert.equal(res.status, 200, path);
    assert.equal(res.headers.get('content-type'), type, path);
    const text = await res.text();
    if (body !== undefined) assert.equal(text, body);
  }
  const wasm = await (await get('/dist/acw-core.wasm')).arrayBuffer();
  assert.deepEqual([...new Uint8Array(wasm)].slice(0, 4), [0, 0x61, 0x73, 0x6d]);
  const head = await get('/app.js', { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('content-length'), '19');
});

test('static: traversal, encoded dots, NUL, backslashes and symlinks out of the root are 404', async () => {
  const paths = ['/../secret.txt', '/%2e%2e/secret.txt', '/dist/..%2f..%2fsecret.txt', '/dist/%2e%2e/%2e%2e/secret.txt', '/js/..%2F..%2Fsecret.txt',
    '/..%5csecret.txt', '/app.js%00.html', '/%E0%A4%A', '/link.txt', '/nothing.html', '/dist/', '/dist/nope.wasm', '//etc/passwd',
    '/recordings/../../secret.txt'];
  for (const p of paths) {
    const res = await rawGet(p);
    assert.equal(res.status, 404, p);
    assert.ok(!res.body.includes('secret'), p);
  }
  assert.equal((await get('/app.js', { method: 'POST' })).status, 405);
});
