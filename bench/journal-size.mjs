// What a call journal costs a page (options.journal): the client (the package in Node with wrtc, as
// tests/node/client-network runs it) registers, makes an echo call to the local cloud, holds it for
// --seconds, hangs up; the journal's size (journal(), JSON lines) and the core's records (what the
// page holds in memory while recording) at each step, and the cost per minute of a connected call.
//
//   node bench/journal-size.mjs [--seconds 60] [--json FILE]
import { handOff, parseArgs, printTable } from './common.mjs';
import { fetchToken, startTestCloud } from '../tests/node/cloud-helpers.mjs';

const args = parseArgs();
const seconds = Number(args.seconds ?? 60);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(predicate, what, ms = 30000) {
  const t0 = Date.now();
  while (!predicate()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

const cloud = await startTestCloud();
const wrtcEnv = await import('../tests/node/wrtc-env.mjs');
const { AculabCloudClient } = await import('../js/index.js');
await AculabCloudClient.ready;
const env = wrtcEnv.makeEnvironment({ toneHz: 1000 });
const client = new AculabCloudClient(cloud.config.cloudId, cloud.config.accessKey, 'journal', 0, {
  url: cloud.url.replace(/^http/, 'ws') + 'sipproxy',
  environment: env,
  journal: true,
});
const sizes = [];
const measure = async (step) => {
  const text = await client.journal();
  sizes.push({ step, bytes: Buffer.byteLength(text), lines: text.split('\n').length - 1 });
};
try {
  let ready = false;
  client.onIncomingState = (s) => { ready = s.ready; };
  client.enableIncoming(await fetchToken(cloud, { client_id: 'journal' }));
  await until(() => ready, 'registration');
  await measure('registered');
  const call = client.callService('echo');
  let connected = false;
  let ended = false;
  call.onConnected = () => { connected = true; };
  call.onDisconnect = () => { ended = true; };
  await until(() => connected, 'the echo call');
  await measure('echo call connected');
  await sleep(seconds * 1000);
  await measure(`after ${seconds} s connected`);
  call.disconnect();
  await until(() => ended, 'onDisconnect');
  await measure('hung up');
} finally {
  client.close();
  env.stop();
  await cloud.stop();
}

const at = (step) => sizes.find((s) => s.step.startsWith(step));
const perMinute = ((at('after').bytes - at('echo call connected').bytes) * 60) / seconds;
const setUp = at('echo call connected').bytes - at('registered').bytes;
printTable(`Journal size (journal(), JSON lines), one echo call held ${seconds} s`, [
  ['step', 'bytes', 'lines'],
  ...sizes.map((s) => [s.step, String(s.bytes), String(s.lines)]),
  ['call set-up (INVITE to connected)', String(setUp), ''],
  ['per minute connected', String(Math.round(perMinute)), ''],
]);
handOff(args, {
  title: 'journal-size',
  figures: {
    'journal.call_setup_bytes': { value: setUp, unit: 'B', peers: {} },
    'journal.bytes_per_connected_minute': { value: Math.round(perMinute), unit: 'B', peers: {} },
  },
});
process.exit(0);
