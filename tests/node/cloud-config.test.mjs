// Local cloud settings (flags, environment, defaults), the banner, and npm start's process: start, /health, clean stop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { banner, ConfigError, loadConfig, ROOT, usage } from '../../cloud/config.mjs';

test('defaults: 127.0.0.1:8080, cloud 1-2-0, empty ICE list, derived domains', () => {
  const c = loadConfig();
  assert.equal(c.host, '127.0.0.1');
  assert.equal(c.port, 8080);
  assert.equal(c.cloudId, '1-2-0');
  assert.equal(c.accessKey, 'abc123');
  assert.deepEqual(c.iceServers, []);
  assert.equal(c.clientDomain, 'abc123.webrtc-1-2-0.aculabcloud.net');
  assert.equal(c.serviceDomain, 'sip-1-2-0.aculab.com');
  assert.equal(c.proxyDomain, 'webrtc-1-2-0.aculabcloud.net');
  assert.equal(c.dist, join(ROOT, 'dist'));
  assert.equal(c.tls, undefined);
});

test('environment sets values and flags override it, in both --flag value and --flag=value forms', () => {
  const env = { ACW_PORT: '9000', ACW_CLOUD_ID: '2-3-4', ACW_ACCESS_KEY: 'k9', ACW_MAX_CALLS: '7', ACW_RATE_LIMIT: '12' };
  const c = loadConfig({ env, argv: ['--port', '9001', '--access-key=zz1', '--ice-servers', '[{"urls":"stun:127.0.0.1:3478"}]'] });
  assert.equal(c.port, 9001);
  assert.equal(c.cloudId, '2-3-4');
  assert.equal(c.accessKey, 'zz1');
  assert.equal(c.maxCalls, 7);
  assert.equal(c.rateLimit, 12);
  assert.deepEqual(c.iceServers, [{ urls: 'stun:127.0.0.1:3478' }]);
  assert.equal(c.clientDomain, 'zz1.webrtc-2-3-4.aculabcloud.net');
});

test('bad settings are refused with the name of the setting', () => {
  const bad = [
    [['--port', '70000'], /--port/],
    [['--port', '-1'], /--port/],
    [['--cloud-id', '1-2'], /--cloud-id/],
    [['--access-key', 'ABC'], /--access-key/],
    [['--ice-servers', '{}'], /--ice-servers/],
    [['--ice-servers', 'nope'], /--ice-servers/],
    [['--max-calls', '0'], /--max-calls/],
    [['--log-level', 'loud'], /--log-level/],
    [['--bogus', '1'], /unknown argument --bogus/],
    [['--port'], /needs a value/],
    [['--tls-cert', '/nonexistent.pem'], /go together/],
    [['--tls-cert', '/nonexistent.pem', '--tls-key', '/nonexistent.key'], /TLS files/],
    [['--min-expires', '100', '--max-expires', '50'], /min-expires/],
  ];
  for (const [argv, re] of bad) assert.throws(() => loadConfig({ argv }), (e) => e instanceof ConfigError && re.test(e.message), argv.join(' '));
  assert.throws(() => loadConfig({ env: { ACW_PORT: 'x' } }), /ACW_PORT/);
});

test('a non-loopback --host needs TLS or --insecure-host true', () => {
  assert.throws(() => loadConfig({ argv: ['--host', '0.0.0.0'] }), (e) => e instanceof ConfigError && /not loopback/.test(e.message));
  assert.throws(() => loadConfig({ env: { ACW_HOST: '192.168.1.5' } }), /not loopback/);
  assert.equal(loadConfig({ argv: ['--host', '0.0.0.0', '--insecure-host', 'true'] }).host, '0.0.0.0');
  for (const host of ['127.0.0.1', 'localhost', '::1', '127.1.2.3']) assert.equal(loadConfig({ argv: ['--host', host] }).host, host);
});

test('usage lists every flag with its variable; the banner shows URL and credentials', () => {
  const u = usage();
  for (const flag of ['--host', '--port', '--cloud-id', '--access-key', '--account-user', '--api-key', '--prompts', '--recordings', '--tls-cert', '--tls-key', '--ice-servers', '--max-calls', '--rate-limit']) {
    assert.ok(u.includes(flag), flag);
  }
  assert.ok(u.includes('ACW_API_KEY'));
  const b = banner(loadConfig({ overrides: { apiKey: 'local-api-key' } }), 'http://127.0.0.1:8080/');
  assert.match(b, /open\s+http:\/\/127\.0\.0\.1:8080\//);
  assert.match(b, /ws:\/\/127\.0\.0\.1:8080\/sipproxy/);
  assert.match(b, /user 1-2-0\/local\s+API key local-api-key/);
  assert.match(b, /access key\s+abc123/);
});

function runServer(args, env = {}) {
  const child = spawn(process.execPath, [join(ROOT, 'cloud', 'server.mjs'), ...args], {
    env: { ...process.env, ACW_LOG_LEVEL: 'error', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise((resolvePromise) => child.on('exit', (code, signal) => resolvePromise({ code, signal })));
  const url = new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner: ${out}`)), 15000);
    child.stdout.on('data', () => {
      const m = /listening on (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolvePromise(m[1]);
      }
    });
    child.on('exit', () => {
      clearTimeout(timer);
      reject(new Error(`exited early: ${out}`));
    });
  });
  return { child, url, exited, output: () => out };
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  test(`server process prints the banner, serves /health and stops cleanly on ${signal}`, async () => {
    const s = runServer(['--port', '0', '--events-log', '']);
    const url = await s.url;
    const health = await (await fetch(new URL('health', url))).json();
    assert.equal(health.ok, true);
    assert.equal(health.cloudId, '1-2-0');
    s.child.kill(signal);
    const { code } = await s.exited;
    assert.equal(code, 0, s.output());
    assert.match(s.output(), /stopped/);
  });
}

test('server process refuses bad flags with exit code 2 and the usage', async () => {
  const s = runServer(['--port', 'eighty']);
  s.url.catch(() => {});
  const { code } = await s.exited;
  assert.equal(code, 2);
  assert.match(s.output(), /--port: not a whole number/);
  assert.match(s.output(), /Usage:/);
});
