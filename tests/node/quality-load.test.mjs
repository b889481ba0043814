// Call quality's lazy load (js/quality.js, dist/acw-quality.wasm) in Node with @roamhq/wrtc: the
// page's locateFile is asked for 'acw-quality.wasm'; when it cannot be loaded, getQuality() stays
// null, the client logs why and the call goes on, and the next getQuality() loads it; nothing is
// sampled before ICE first connects.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { load } from '../../js/manual.js';

let qualityMissing = true;
const asked = [];
const locateFile = (path, dir) => {
  asked.push(path);
  return qualityMissing && path === 'acw-quality.wasm' ? '/nonexistent/acw-quality.wasm' : dir + path;
};
// Before the helpers import the package (whose index.js loads the core with no options).
const { AculabCloudClient } = await load({ locateFile });
const { CLOUD_ID, KEY, CallbackLog, ScriptedCloud, exitWhenDone, sleep, until } = await import('./client-helpers.mjs');
const { makeEnvironment } = await import('./wrtc-env.mjs');

const guard = exitWhenDone(after);

test('the quality module missing: null, a log line, the call goes on; the next getQuality() loads it; no sample before ICE connects', { timeout: 60000 }, guard(async (t) => {
  const cloud = await ScriptedCloud.start();
  const env = makeEnvironment({ toneHz: 1000 });
  const logs = [];
  const client = new AculabCloudClient(CLOUD_ID, KEY, 'alice', 1, { url: cloud.url, environment: env, logger: (level, text) => logs.push({ level, text }) });
  t.after(async () => {
    client.close();
    env.stop();
    await cloud.close();
  });
  const call = client.callService('quality');
  const log = new CallbackLog();
  for (const name of ['onError', 'onDisconnect']) call[name] = log.record(name);
  assert.equal(call.getQuality(), null, 'null before the first sample');
  await until(() => logs.some((l) => l.level === 1 && /call quality not sampled: .*nonexistent\/acw-quality\.wasm/.test(l.text)),
    { what: 'the log line' });
  assert.ok(asked.includes('acw-quality.wasm'), `locateFile asked for ${asked.join(', ')}`);
  const invite = await cloud.next('INVITE');

  qualityMissing = false;
  assert.equal(call.getQuality(), null);
  await call._watching;
  assert.equal(asked.filter((p) => p === 'acw-quality.wasm').length, 2, 'tried again, and found');
  assert.equal(logs.filter((l) => /quality/.test(l.text)).length, 1, JSON.stringify(logs));
  // Loaded and ticking, but the call has not connected (no answer): nothing is sampled.
  await sleep(2500);
  assert.equal(call.getQuality(), null);

  cloud.reply(invite, 486, { toTag: 'q' });
  assert.equal((await log.next('onDisconnect')).payload.cause, 'BUSY');
  assert.deepEqual(log.names(), ['onDisconnect'], 'no onError: the quality module is not the call\'s business');
}));
