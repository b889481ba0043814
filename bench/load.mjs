// Load figures for the local cloud: N registered clients and M concurrent echo calls with real media (werift far peers).
//
//   node bench/load.mjs [--clients 500] [--calls 50] [--seconds 20] [--service echo] [--json FILE]
//
// Starts the cloud as a child process, registers N clients over N WebSockets, then runs M echo
// calls at once: each far peer (werift, in this process) sends 20 ms Opus packets and counts the
// ones that come back. Prints the cloud's CPU and memory, calls completed and packet loss. The
// far peers' own CPU is not the cloud's: on a small machine they compete with it, so the figures
// are a floor. (The issue asks for this under bench/; it lives here until it is moved.)
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import * as werift from 'werift';
import { loadAudio } from '../cloud/audio.mjs';
import { withoutDefaultStun } from '../cloud/media.mjs';
import { applyWeriftFixes } from '../cloud/werift-fixes.mjs';

const { RTCPeerConnection, MediaStreamTrack, RTCRtpCodecParameters } = applyWeriftFixes(werift);

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = Object.fromEntries(process.argv.slice(2).join(' ').split('--').filter(Boolean).map((a) => a.trim().split(/\s+/)));
const CLIENTS = Number(args.clients ?? 500);
const CALLS = Number(args.calls ?? 50);
const SECONDS = Number(args.seconds ?? 20);
const SERVICE = args.service ?? 'echo';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const within = (ms, what, promise) => Promise.race([promise, sleep(ms).then(() => {
  throw new Error(`${what}: no result in ${ms} ms`);
})]);
const CRLF = '\r\n';
let seq = 0;
const uid = (p) => `${p}${process.pid.toString(36)}${(++seq).toString(36)}`;

function sip(start, headers, body = '') {
  return [start, ...headers.map(([k, v]) => `${k}: ${v}`), `Content-Length: ${Buffer.byteLength(body)}`].join(CRLF) + CRLF + CRLF + body;
}
const header = (text, name) => text.split(CRLF + CRLF)[0].split(CRLF).find((l) => l.toLowerCase().startsWith(name.toLowerCase() + ':'))?.slice(name.length + 1).trim();

function procStats(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const ticks = Number(stat[11]) + Number(stat[12]); // utime + stime (fields 14, 15)
  const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024;
  return { cpuMs: ticks * 10, rss };
}

async function startCloud() {
  const child = spawn(process.execPath, [...(process.env.ACW_CLOUD_NODE_ARGS ?? '').split(' ').filter(Boolean), join(root, 'cloud', 'server.mjs'), '--port', '0', '--max-calls', String(CALLS + 10),
    '--rate-limit', '1000', '--events-log', '', '--api-key', 'local-api-key', '--max-connections-per-address', '100000', '--max-calls-per-address', '100000', '--log-level', 'error'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const url = await new Promise((resolvePromise, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (\S+)/.exec(out);
      if (m) resolvePromise(m[1]);
    });
    child.on('exit', () => reject(new Error(`cloud exited: ${out}`)));
  });
  return { child, url };
}

class Peer {
  constructor(url) {
    this.ws = new WebSocket(url, 'sip');
    this.waiters = [];
    this.ws.on('message', (d) => {
      const text = d.toString();
      const i = this.waiters.findIndex((w) => w.test(text));
      if (i >= 0) this.waiters.splice(i, 1)[0].resolve(text);
      else this.onRequest?.(text);
    });
    this.opened = new Promise((r, j) => {
      this.ws.once('open', r);
      this.ws.once('error', j);
    });
  }

  next(test, ms = 20000) {
    return new Promise((resolvePromise, reject) => {
      const w = { test, resolve: resolvePromise };
      this.waiters.push(w);
      setTimeout(() => reject(new Error('timeout')), ms).unref();
    });
  }
}

async function main() {
  const audio = await loadAudio(join(root, 'dist'));
  if (!audio) throw new Error('dist/acw-media not built');
  const tone = audio.encodePcm(audio.tone({ tone: 'dtmf', digits: '5', onMs: 1000, offMs: 0 }, 1000), 'lowdelay');
  const { child, url } = await startCloud();
  const wsUrl = url.replace(/^http/, 'ws') + 'sipproxy';
  const auth = 'Basic ' + Buffer.from('1-2-0/local:local-api-key').toString('base64');
  const domain = 'abc123.webrtc-1-2-0.aculabcloud.net';
  const base = procStats(child.pid);
  const t0 = Date.now();

  // N registrations.
  const peers = [];
  let registered = 0;
  for (let i = 0; i < CLIENTS; i += 50) {
    await Promise.all(Array.from({ length: Math.min(50, CLIENTS - i) }, async (_, k) => {
      const id = `load${i + k}`;
      const token = (await (await fetch(`${url}webrtc_generate_token?client_id=${id}`, { headers: { Authorization: auth } })).json()).token;
      const p = new Peer(wsUrl);
      await p.opened;
      const callId = uid('r');
      p.ws.send(sip(`REGISTER sip:${domain} SIP/2.0`, [['Via', `SIP/2.0/WSS ${id}.invalid;branch=z9hG4bK${uid('b')}`], ['To', `<sip:${id}@${domain}>`],
        ['From', `<sip:${id}@${domain}>;tag=${uid('t')}`], ['Call-ID', callId], ['CSeq', '1 REGISTER'], ['Max-Forwards', '70'],
        ['Authorization', `Bearer ${token}`], ['Contact', `<sip:${id}@${id}.invalid;transport=ws>;expires=600`]]));
      const res = await p.next((t) => header(t, 'Call-ID') === callId);
      if (res.startsWith('SIP/2.0 200')) registered++;
      peers.push(p);
    }));
  }
  const afterRegister = procStats(child.pid);
  const registerMs = Date.now() - t0;

  // M concurrent calls, each with its own far peer and WebSocket.
  const results = [];
  const callOne = async (n, r) => {
    const p = new Peer(wsUrl);
    await p.opened;
    const pc = new RTCPeerConnection({ iceServers: [], iceAdditionalHostAddresses: ['127.0.0.1'], iceUseIpv6: false,
      codecs: { audio: [new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48000, channels: 2, payloadType: 111 })] } });
    const track = new MediaStreamTrack({ kind: 'audio' });
    const tr = pc.addTransceiver(track, { direction: 'sendrecv' });
    withoutDefaultStun(pc); // as the cloud: no query to werift's default STUN server
    let counting = false;
    tr.onTrack.subscribe((remote) => remote.onReceiveRtp.subscribe(() => {
      if (counting) r.received++;
    }));
    await pc.setLocalDescription(await pc.createOffer());
    await within(10000, 'ICE gathering', new Promise((res) => (pc.iceGatheringState === 'complete' ? res() : pc.iceGatheringStateChange.subscribe((s) => s === 'complete' && res()))));
    const callId = uid('c');
    const fromTag = uid('f');
    const from = `<sip:caller${n}@${domain}>;tag=${fromTag}`;
    p.ws.send(sip(`INVITE sip:${SERVICE}@sip-1-2-0.aculab.com;transport=tcp SIP/2.0`, [['Via', `SIP/2.0/WSS c${n}.invalid;branch=z9hG4bK${uid('b')}`],
      ['To', `<sip:${SERVICE}@sip-1-2-0.aculab.com>`], ['From', from], ['Call-ID', callId], ['CSeq', '1 INVITE'], ['Max-Forwards', '70'],
      ['Contact', `<sip:c${n}@c${n}.invalid;transport=ws;ob>`], ['Content-Type', 'application/sdp']], pc.localDescription.sdp));
    const ok = await p.next((t) => header(t, 'Call-ID') === callId && /^SIP\/2\.0 [2-6]\d\d/.test(t) && !t.startsWith('SIP/2.0 1'));
    r.answerMs = Date.now() - r.started;
    if (!ok.startsWith('SIP/2.0 200')) {
      r.status = Number(ok.slice(8, 11));
      return;
    }
    const to = header(ok, 'To');
    p.ws.send(sip('ACK sip:cloud@127.0.0.1;transport=ws SIP/2.0', [['Via', `SIP/2.0/WSS c${n}.invalid;branch=z9hG4bK${uid('b')}`], ['To', to], ['From', from],
      ['Call-ID', callId], ['CSeq', '1 ACK'], ['Max-Forwards', '70']]));
    await pc.setRemoteDescription({ type: 'answer', sdp: ok.slice(ok.indexOf(CRLF + CRLF) + 4) });
    try {
      await within(30000, 'media connection', new Promise((res) => (pc.connectionState === 'connected' ? res() : pc.connectionStateChange.subscribe((s) => s === 'connected' && res()))));
    } catch (e) {
      // Which step stalled: ICE (connectivity checks) or DTLS after it.
      throw new Error(`${e.message} (ice ${pc.iceConnectionState}, connection ${pc.connectionState})`, { cause: e });
    }
    r.connected = true;
    r.setupMs = Date.now() - r.started;
    const packetizer = audio.packetizer(111);
    // Half a second for the cloud's side to be up, then count what is sent and what comes back.
    await sleep(500);
    counting = true;
    const end = Date.now() + SECONDS * 1000;
    let next = Date.now();
    let i = 0;
    while (Date.now() < end) {
      const bytes = packetizer.packetize(tone[i++ % tone.length], 960, i === 1);
      track.writeRtp(Buffer.from(bytes));
      r.sent++;
      next += 20;
      await sleep(Math.max(0, next - Date.now()));
    }
    await sleep(500);
    counting = false;
    packetizer.delete();
    p.ws.send(sip('BYE sip:cloud@127.0.0.1;transport=ws SIP/2.0', [['Via', `SIP/2.0/WSS c${n}.invalid;branch=z9hG4bK${uid('b')}`], ['To', to], ['From', from],
      ['Call-ID', callId], ['CSeq', '2 BYE'], ['Max-Forwards', '70']]));
    await p.next((t) => header(t, 'Call-ID') === callId && t.startsWith('SIP/2.0 200'), 5000).catch(() => {});
    r.ok = true;
    await pc.close();
    p.ws.close();
  };
  const callsStart = Date.now();
  const ownCpu = process.cpuUsage();
  const beforeCalls = procStats(child.pid);
  let peakRss = beforeCalls.rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, procStats(child.pid).rss);
  }, 500);
  const progress = setInterval(() => {
    const up = results.filter((r) => r.connected).length;
    process.stderr.write(`  ${Math.round((Date.now() - callsStart) / 1000)} s: ${results.length} started, ${up} with media, ${results.filter((r) => r.ok).length} done\n`);
  }, 5000);
  await Promise.all(Array.from({ length: CALLS }, async (_, n) => {
    await sleep(n * 40); // a call setup every 40 ms, not all at the same instant
    const r = { sent: 0, received: 0, connected: false, ok: false, started: Date.now() };
    results.push(r);
    try {
      await callOne(n, r);
    } catch (e) {
      r.error = e.message;
    }
  }));
  clearInterval(sampler);
  clearInterval(progress);
  const afterCalls = procStats(child.pid);
  const own = process.cpuUsage(ownCpu);
  const callsMs = Date.now() - callsStart;
  const sent = results.reduce((a, r) => a + (r.sent ?? 0), 0);
  const received = results.reduce((a, r) => a + (r.received ?? 0), 0);
  const pct = (cpuMs, ms) => `${((100 * cpuMs) / ms).toFixed(0)}% of one core`;
  console.log(JSON.stringify({ clients: CLIENTS, calls: CALLS, seconds: SECONDS, service: SERVICE }));
  console.log(`registered       ${registered}/${CLIENTS} in ${registerMs} ms; cloud CPU ${pct(afterRegister.cpuMs - base.cpuMs, registerMs)}, RSS ${(afterRegister.rss / 2 ** 20).toFixed(0)} MiB`);
  const setups = results.filter((r) => r.setupMs).map((r) => r.setupMs).sort((a, b) => a - b);
  console.log(`calls completed  ${results.filter((r) => r.ok).length}/${CALLS} (media connected ${results.filter((r) => r.connected).length}; INVITE to media up: median ${setups[setups.length >> 1]} ms, max ${setups.at(-1)} ms)`);
  const answers = results.filter((r) => r.answerMs).map((r) => r.answerMs).sort((a, b) => a - b);
  console.log(`INVITE to 200    median ${answers[answers.length >> 1]} ms, max ${answers.at(-1)} ms`);
  console.log(`packets          sent ${sent}, echoed back ${received}, loss ${sent ? (100 * (1 - received / sent)).toFixed(2) : '?'}%`);
  console.log(`cloud CPU        ${pct(afterCalls.cpuMs - beforeCalls.cpuMs, callsMs)} over ${callsMs} ms of calls; peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB`);
  console.log(`far peers' CPU   ${pct((own.user + own.system) / 1000, callsMs)} (this process: the callers' werift peers)`);
  const errors = results.filter((r) => r.error || r.status).map((r) => r.error ?? r.status);
  if (errors.length) console.log(`failures         ${errors.slice(0, 10).join(', ')}`);
  const summary = {
    clients: CLIENTS, calls: CALLS, seconds: SECONDS, service: SERVICE, registered,
    completed: results.filter((r) => r.ok).length, mediaConnected: results.filter((r) => r.connected).length,
    setupMedianMs: setups[setups.length >> 1] ?? null, setupMaxMs: setups.at(-1) ?? null,
    answerMedianMs: answers[answers.length >> 1] ?? null, answerMaxMs: answers.at(-1) ?? null,
    packetsSent: sent, packetsEchoed: received, lossPct: sent ? Number((100 * (1 - received / sent)).toFixed(2)) : null,
    cloudCpuPctOfCore: Math.round((100 * (afterCalls.cpuMs - beforeCalls.cpuMs)) / callsMs),
    cloudCpuMs: afterCalls.cpuMs - beforeCalls.cpuMs, callsMs,
    cloudPeakRssMiB: Math.round(peakRss / 2 ** 20), farPeersCpuPctOfCore: Math.round((100 * (own.user + own.system)) / 1000 / callsMs),
    failures: errors.slice(0, 10).map(String),
  };
  if (args.json) writeFileSync(args.json, JSON.stringify(summary, null, 2));
  console.log(JSON.stringify(summary));
  for (const p of peers) p.ws.close();
  child.kill('SIGTERM');
  await new Promise((r) => child.on('exit', r));
  process.exit(0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
