// The page's journal (options.journal, journal()) against a scripted cloud, replayed by the package's
// command (bin/): redaction, keepSecrets, the size cap, a cut and a corrupted journal; and
// onTokenExpiring once for a JWT about to expire, never for other tokens.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { AculabCloudClient } from 'aculab-webrtc-wasm';
import { CLOUD_ID, KEY, TOKEN, CallbackLog, ScriptedCloud, exitWhenDone, sleep } from './client-helpers.mjs';
import { parseJournal, replayJournal } from '../../bin/replay.mjs';

const guard = exitWhenDone(after, { audio: false });
const env = { WebSocket };
const BIN = fileURLToPath(new URL('../../bin/aculab-webrtc-wasm.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'acw-journal-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
/** A JWS whose exp is `seconds` from now. */
const jwt = (seconds) => `${b64({ alg: 'HS256' })}.${b64({ sub: 'alice', exp: Math.floor(Date.now() / 1000) + seconds })}.c2VjcmV0LXNpZ25hdHVyZQ`;

async function setUp(t, options = {}) {
  const cloud = await ScriptedCloud.start();
  const client = new AculabCloudClient(CLOUD_ID, KEY, 'alice', 6, { url: cloud.url, environment: env, logger: () => {}, ...options });
  const callbacks = new CallbackLog();
  client.onIncomingState = callbacks.record('onIncomingState');
  client.onTokenExpiring = callbacks.record('onTokenExpiring');
  t.after(async () => {
    client.close();
    await cloud.close();
  });
  return { cloud, client, callbacks };
}

/** Runs the package's command; resolves to { code, stdout, stderr }. */
function command(...args) {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], (error, stdout, stderr) => resolve({ code: error ? error.code : 0, stdout, stderr }));
  });
}

test('onTokenExpiring: once, at once for a JWT with less than 60 s left; never for a token without exp', { timeout: 60000 }, guard(async (t) => {
  const { client, callbacks } = await setUp(t);
  client.enableIncoming(TOKEN); // a JWS without exp
  await callbacks.next('onIncomingState');
  client.enableIncoming(jwt(30));
  const { payload } = await callbacks.next('onTokenExpiring');
  assert.ok(payload.secondsLeft > 20 && payload.secondsLeft <= 30, `secondsLeft ${payload.secondsLeft}`);
  await callbacks.next('onIncomingState');
  await sleep(1500); // time enough for a repeat, were there one (the warning's timer was due at once)
  assert.equal(callbacks.names().filter((n) => n === 'onTokenExpiring').length, 1);
}));

test('a default journal: no token or signature in it, and it replays to the same SIP and callbacks', { timeout: 60000 }, guard(async (t) => {
  const token = jwt(3600);
  const { cloud, client, callbacks } = await setUp(t, { journal: true });
  client.enableIncoming(token);
  await callbacks.next('onIncomingState');
  const register = await cloud.next('REGISTER');
  assert.equal(register.get('Authorization'), `Bearer ${token}`);
  await cloud.next('OPTIONS');
  client.disableIncoming();
  await cloud.next((m) => m.method === 'REGISTER' && /expires=0/.test(m.get('Contact') ?? ''));
  // The journal and the callbacks the page got, at one moment: journal() takes the records when
  // called (the journal module may load after more input has come in).
  const journal = client.journal();
  const seen = callbacks.items.map((c) => `${c.name} ${JSON.stringify(c.payload)}`);
  const text = await journal;
  assert.ok(!text.includes(token), 'the token is not in the journal');
  assert.ok(!text.includes('c2VjcmV0LXNpZ25hdHVyZQ'), 'nor its signature');
  assert.match(text, /"secrets":"redacted"/);

  const { events } = await replayJournal(parseJournal(text));
  const sent = events.filter((e) => e.type === 'sent').map((e) => e.text);
  const redacted = `${token.split('.').slice(0, 2).join('.')}.redacted`;
  assert.equal(sent[0].match(/^Authorization: Bearer (\S+)\r$/m)[1], redacted);
  // What the cloud received, message by message (the browser suite compares bytes).
  const startLine = (s) => {
    const [a, b] = s.split('\r\n')[0].split(' ');
    return a === 'SIP/2.0' ? b : `${a} ${b}`;
  };
  assert.deepEqual(sent.map(startLine), cloud.inbox.items.map((m) => (m.method ? `${m.method} ${m.uri}` : String(m.status))));
  assert.deepEqual(events.filter((e) => e.type === 'callback').map((e) => `${e.name} ${e.json}`), seen);
  assert.ok(seen.length >= 1);

  // The command prints it; --until stops early and says so.
  const file = join(dir, 'register.jsonl');
  writeFileSync(file, text);
  const all = await command('replay', file);
  assert.equal(all.code, 0, all.stderr);
  assert.match(all.stdout, /SIP sent\s+\n\s+REGISTER sip:/);
  assert.match(all.stdout, /callback\s+onIncomingState \{"cause":"NORMAL","ready":true/);
  assert.match(all.stdout, /timer\s+armed for \+\d+\.\d{3}s/);
  assert.match(all.stdout, /replayed every input, to line \d+ \(\+\d+\.\d{3}s\)\n$/);
  const early = await command('replay', file, '--until', '0', '--brief');
  assert.equal(early.code, 0, early.stderr);
  assert.match(early.stdout, /stopped at --until 0s, before line \d+/);
  assert.ok(!early.stdout.includes('expires=0'), 'the unregister is after --until');
  const same = await command('replay', file, '--diff', file);
  assert.equal(same.code, 0);
  assert.match(same.stdout, /same \d+ events/);

  // The same session's journal after close() too.
  client.close();
  assert.ok((await client.journal()).startsWith(text));
}));

test('keepSecrets keeps the token; maxBytes ends the journal with a "full" line the command reports', { timeout: 60000 }, guard(async (t) => {
  const token = jwt(3600);
  const kept = await setUp(t, { journal: { keepSecrets: true } });
  kept.client.enableIncoming(token);
  await kept.callbacks.next('onIncomingState');
  assert.ok((await kept.client.journal()).includes(token));
  assert.match(await kept.client.journal(), /"secrets":"kept"/);

  const capped = await setUp(t, { journal: { maxBytes: 400 } });
  capped.client.enableIncoming(token);
  await capped.callbacks.next('onIncomingState');
  const text = await capped.client.journal();
  assert.match(text, /\{"full":400,"t":\d+\}\n$/);
  // The cap holds the core's records; the text they become is longer (names, JSON quoting).
  assert.ok(text.length < 2 * 400, `${text.length} bytes`);
  const file = join(dir, 'full.jsonl');
  writeFileSync(file, text);
  const r = await command('replay', file);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /reached its size cap \(400 bytes\) at line \d+/);
}));

test('a cut journal replays up to the cut and says where; a corrupted one names its line', { timeout: 60000 }, guard(async (t) => {
  const { cloud, client, callbacks } = await setUp(t, { journal: true });
  client.enableIncoming(jwt(3600));
  await callbacks.next('onIncomingState');
  await cloud.next('OPTIONS');
  const lines = (await client.journal()).split('\n').slice(0, -1);
  assert.ok(lines.length >= 5, `${lines.length} lines`);
  // Cut in the middle of line 4 (the first frame received).
  const cut = join(dir, 'cut.jsonl');
  writeFileSync(cut, `${lines.slice(0, 3).join('\n')}\n${lines[3].slice(0, 40)}`);
  const r = await command('replay', cut);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /the journal is cut at line 4 \(bad JSON[^)]*\)\): replayed up to line 3/);
  assert.match(r.stdout, /SIP sent\s+REGISTER /);
  assert.ok(!r.stdout.includes('SIP received'), 'nothing after the cut');
  // Line 3 corrupted: an error naming it, nothing replayed.
  const bad = join(dir, 'bad.jsonl');
  writeFileSync(bad, `${[...lines.slice(0, 2), '{"t":1,"in":"frame","text":', ...lines.slice(3)].join('\n')}\n`);
  const c = await command('replay', bad);
  assert.equal(c.code, 2);
  assert.equal(c.stdout, '');
  assert.match(c.stderr, /bad\.jsonl: line 3: bad JSON/);
  writeFileSync(bad, `${[...lines.slice(0, 3), '{"t":1,"in":"nosuchinput"}', ...lines.slice(4)].join('\n')}\n`);
  assert.match((await command('replay', bad)).stderr, /line 4: unknown input "nosuchinput"/);
  writeFileSync(bad, 'not a journal\n');
  assert.match((await command('replay', bad)).stderr, /line 1: bad JSON/);
}));
