// SIP over WebSocket against a running cloud: the trace's OPTIONS, bad input, unknown methods, oversize frames, floods.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { bodyOf, headerOf, isResponse, loadTrace, SipPeer, sipText, startTestCloud, statusOf } from './cloud-helpers.mjs';

const trace = loadTrace('official-client.txt').filter((m) => m.dir !== 'event');
const traceOptions = () => trace.find((m) => m.dir === 'in' && m.text.startsWith('OPTIONS')).text;
let cloud;

before(async () => {
  cloud = await startTestCloud({ rateLimit: 200, iceServers: [{ urls: 'stun:127.0.0.1:3478' }] });
});
after(() => cloud?.stop());


test('the trace OPTIONS (X-AculabTurnRequest) gets 200 with the ICE servers as JSON, shaped like the stub', async () => {
  const peer = await SipPeer.connect(cloud);
  assert.equal(peer.ws.protocol, 'sip');
  peer.send(traceOptions());
  const res = await peer.next('SIP/2.0');
  const expected = trace.find((m) => m.dir === 'out' && /CSeq: 1 OPTIONS/.test(m.text)).text;
  assert.equal(res.split('\r\n')[0], 'SIP/2.0 200 OK');
  for (const name of ['Via', 'From', 'Call-ID', 'CSeq', 'Content-Type']) assert.equal(headerOf(res, name), headerOf(expected, name), name);
  assert.match(headerOf(res, 'To'), /^<sip:webrtc-1-2-0\.aculabcloud\.net>;tag=[0-9a-f]+$/);
  assert.deepEqual(JSON.parse(bodyOf(res)), [{ urls: 'stun:127.0.0.1:3478' }]);
  assert.equal(Number(headerOf(res, 'Content-Length')), Buffer.byteLength(bodyOf(res)));
  await peer.close();
});

test('a plain OPTIONS gets 200 with Allow', async () => {
  const peer = await SipPeer.connect(cloud);
  peer.send(traceOptions().replace('X-AculabTurnRequest: 1\r\n', ''));
  const res = await peer.next('SIP/2.0');
  assert.equal(statusOf(res), 200);
  assert.match(headerOf(res, 'Allow'), /INVITE/);
  assert.equal(bodyOf(res), '');
  await peer.close();
});

test('the upgrade needs path /sipproxy and the sip subprotocol', async () => {
  const base = cloud.url.replace(/^http/, 'ws');
  await assert.rejects(new Promise((ok, fail) => {
    const ws = new WebSocket(base + 'sipproxy', 'chat');
    ws.on('open', ok);
    ws.on('unexpected-response', (req, res) => fail(new Error(`HTTP ${res.statusCode}`)));
    ws.on('error', fail);
  }), /HTTP 400/);
  await assert.rejects(new Promise((ok, fail) => {
    const ws = new WebSocket(base + 'other', 'sip');
    ws.on('open', ok);
    ws.on('unexpected-response', (req, res) => fail(new Error(`HTTP ${res.statusCode}`)));
    ws.on('error', fail);
  }), /HTTP 404/);
});

test('malformed SIP: unparseable frames are dropped and logged, a request missing To gets 400, the connection lives on', async () => {
  const peer = await SipPeer.connect(cloud);
  const before = cloud.events.seq;
  peer.send('garbage');
  peer.send('INVITE sip:echo@sip-1-2-0.aculab.com SIP/2.0\r\nContent-Length: 99\r\n\r\nshort');
  peer.send('\u0000\u0001\u0002');
  assert.equal(await peer.silentFor(200), true);
  const noTo = sipText('INVITE sip:echo@sip-1-2-0.aculab.com SIP/2.0', [
    ['Via', 'SIP/2.0/WSS x.invalid;branch=z9hG4bKnoto'], ['From', '<sip:a@b>;tag=1'], ['Call-ID', 'noto'], ['CSeq', '1 INVITE'], ['Max-Forwards', '70']]);
  peer.send(noTo);
  const res = await peer.next('SIP/2.0');
  assert.equal(statusOf(res), 400);
  assert.equal(headerOf(res, 'Via'), 'SIP/2.0/WSS x.invalid;branch=z9hG4bKnoto');
  assert.equal(headerOf(res, 'Call-ID'), 'noto');
  const logged = cloud.events.list({ since: before, type: 'sip.malformed' });
  assert.ok(logged.length >= 4, JSON.stringify(logged));
  peer.send(traceOptions());
  assert.equal(statusOf(await peer.next('SIP/2.0')), 200);
  await peer.close();
});

test('unknown methods get 501, known but unsupported ones 405 with Allow, out-of-dialog BYE 481', async () => {
  const peer = await SipPeer.connect(cloud);
  const req = (method, callId) => sipText(`${method} sip:webrtc-1-2-0.aculabcloud.net SIP/2.0`, [
    ['Via', `SIP/2.0/WSS x.invalid;branch=z9hG4bK${callId}`], ['To', '<sip:webrtc-1-2-0.aculabcloud.net>'], ['From', '<sip:a@abc123.webrtc-1-2-0.aculabcloud.net>;tag=1'],
    ['Call-ID', callId], ['CSeq', `1 ${method}`], ['Max-Forwards', '70']]);
  peer.send(req('FROB', 'm1'));
  let res = await peer.next('SIP/2.0');
  assert.equal(statusOf(res), 501);
  assert.equal(headerOf(res, 'CSeq'), '1 FROB');
  for (const [method, status] of [['MESSAGE', 405], ['SUBSCRIBE', 405], ['REFER', 405], ['BYE', 481]]) {
    peer.send(req(method, `x${method}`));
    res = await peer.next('SIP/2.0');
    assert.equal(statusOf(res), status, method);
    if (status === 405) assert.match(headerOf(res, 'Allow'), /REGISTER/);
  }
  // Max-Forwards: 0 -> 483
  peer.send(req('OPTIONS', 'mf').replace('Max-Forwards: 70', 'Max-Forwards: 0'));
  assert.equal(statusOf(await peer.next('SIP/2.0')), 483);
  // A response that matches no transaction, and an ACK outside any dialog: silence.
  peer.send(sipText('SIP/2.0 200 OK', [['Via', 'SIP/2.0/WSS 127.0.0.1;branch=z9hG4bKnothing'], ['To', '<sip:a@b>;tag=2'], ['From', '<sip:c@d>;tag=1'], ['Call-ID', 'none'], ['CSeq', '1 BYE']]));
  peer.send(req('ACK', 'ack1'));
  assert.equal(await peer.silentFor(200), true);
  await peer.close();
});

test('a binary frame carries a SIP message too (RFC 7118 §5.1)', async () => {
  const peer = await SipPeer.connect(cloud);
  peer.ws.send(Buffer.from(traceOptions()), { binary: true });
  assert.equal(statusOf(await peer.next('SIP/2.0')), 200);
  await peer.close();
});

test('a frame over 64 KiB closes that connection (1009); another client is still served', async () => {
  const big = await SipPeer.connect(cloud);
  const other = await SipPeer.connect(cloud);
  big.send(traceOptions().replace('Content-Length: 0', `X-Pad: ${'a'.repeat(70 * 1024)}\r\nContent-Length: 0`));
  const closed = await big.closePromise;
  assert.equal(closed.code, 1009);
  other.send(traceOptions());
  assert.equal(statusOf(await other.next('SIP/2.0')), 200);
  // Exactly 64 KiB is allowed through the transport (and then refused or answered by SIP rules).
  await other.close();
});

test('a flood over the rate limit is cut off (1008) while a second client is served promptly', async () => {
  const flood = await SipPeer.connect(cloud);
  const other = await SipPeer.connect(cloud);
  const text = traceOptions();
  const started = Date.now();
  for (let i = 0; i < 2000 && flood.ws.readyState === 1; i++) flood.send(text);
  const t0 = Date.now();
  other.send(text);
  assert.equal(statusOf(await other.next('SIP/2.0')), 200);
  // Served while the flood is under way, not after it; the bound only catches starvation.
  assert.ok(Date.now() - t0 < 15000, `second client waited ${Date.now() - t0} ms`);
  const closed = await flood.closePromise;
  assert.equal(closed.code, 1008);
  // The flood got at most the burst (2x the rate) plus what the rate refilled while it lasted.
  const seconds = (Date.now() - started) / 1000;
  const answered = flood.frames.filter((f) => f.startsWith('SIP/2.0 200')).length;
  assert.ok(answered <= cloud.config.rateLimit * (2 + seconds), `answered ${answered} in ${seconds} s`);
  assert.ok(answered < 1000, `answered ${answered}`);
  assert.ok(answered >= cloud.config.rateLimit, `answered ${answered}`);
  await other.close();
});

test('mutated trace messages never crash the server: it answers or drops each, then still serves', async () => {
  const peer = await SipPeer.connect(cloud);
  const inputs = trace.filter((m) => m.dir === 'in').map((m) => m.text);
  let seed = 12345;
  const rand = (n) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  let sent = 0;
  for (let round = 0; round < 300; round++) {
    const base = inputs[rand(inputs.length)];
    const chars = [...base];
    const kind = rand(4);
    if (kind === 0) chars.length = rand(chars.length);
    else if (kind === 1) for (let i = 0; i < 5; i++) chars[rand(chars.length)] = String.fromCharCode(rand(256));
    else if (kind === 2) chars.splice(rand(chars.length), 0, ...'\r\n: ;<>@"'.split('').slice(rand(8)));
    else chars.splice(rand(chars.length), rand(50));
    peer.send(chars.join(''));
    sent++;
    if (sent % 100 === 0) await new Promise((r) => setTimeout(r, 1100)); // stay under the rate limit
  }
  await new Promise((r) => setTimeout(r, 300));
  const fresh = await SipPeer.connect(cloud);
  fresh.send(traceOptions());
  assert.equal(statusOf(await fresh.next(isResponse(200, 'OPTIONS'))), 200);
  await fresh.close();
  await peer.close();
});

test('pathological but well-formed frames (thousands of headers, Vias, Contacts) are answered or refused quickly', async () => {
  const peer = await SipPeer.connect(cloud);
  const head = 'OPTIONS sip:webrtc-1-2-0.aculabcloud.net SIP/2.0\r\nVia: SIP/2.0/WSS x.invalid;branch=z9hG4bKpath\r\nTo: <sip:a@b>\r\nFrom: <sip:a@b>;tag=1\r\nCall-ID: path\r\nCSeq: 1 OPTIONS\r\n';
  const frames = [
    head + 'X-A: b\r\n'.repeat(7000) + '\r\n',
    head + 'Contact: ' + '<sip:a@b>,'.repeat(5000) + '<sip:a@b>\r\n\r\n',
    head + 'Via: ' + 'SIP/2.0/WSS x;branch=z9hG4bK1,'.repeat(1800) + 'SIP/2.0/WSS x\r\n\r\n',
  ];
  const statuses = [];
  const t0 = Date.now();
  for (const f of frames) {
    assert.ok(f.length < 64 * 1024);
    peer.send(f);
    statuses.push(statusOf(await peer.next('SIP/2.0')));
  }
  const elapsed = Date.now() - t0;
  assert.deepEqual(statuses, [400, 200, 200]);
  // Only a blow-up (quadratic work per header) fails this on a loaded machine; speed is bench/'s.
  assert.ok(elapsed < 10000, `${elapsed} ms for three worst-case frames`);
  await peer.close();
});

test('with --tls-cert/--tls-key the cloud serves https and wss', async (t) => {
  const { execFileSync } = await import('node:child_process');
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { request } = await import('node:https');
  const dir = mkdtempSync(join(tmpdir(), 'acw-tls-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
      '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  } catch {
    t.skip('openssl is not available');
    return;
  }
  const { loadConfig } = await import('../../cloud/config.mjs');
  const { Cloud } = await import('../../cloud/cloud.mjs');
  const config = loadConfig({ argv: ['--tls-cert', join(dir, 'cert.pem'), '--tls-key', join(dir, 'key.pem'), '--port', '0', '--log-level', 'silent', '--events-log', ''] });
  const secure = new Cloud(config);
  await secure.start();
  try {
    assert.match(secure.url, /^https:\/\/127\.0\.0\.1:\d+\/$/);
    const ca = (await import('node:fs')).readFileSync(join(dir, 'cert.pem'));
    const health = await new Promise((resolvePromise, reject) => {
      request(new URL('health', secure.url), { ca }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolvePromise(JSON.parse(body)));
      }).on('error', reject).end();
    });
    assert.equal(health.ok, true);
    const ws = new WebSocket(secure.url.replace(/^https/, 'wss') + 'sipproxy', 'sip', { ca });
    await new Promise((resolvePromise, reject) => {
      ws.once('open', resolvePromise);
      ws.once('error', reject);
    });
    ws.send(traceOptions());
    const answer = await new Promise((resolvePromise) => ws.once('message', (d) => resolvePromise(d.toString())));
    assert.equal(statusOf(answer), 200);
    ws.close();
  } finally {
    await secure.stop();
  }
});
