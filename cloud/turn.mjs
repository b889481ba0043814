// The local cloud's TURN server: coturn on loopback, run with explicit flags, and the short-lived
// REST-API credentials (a shared secret) it checks, as handed out in the ICE-servers answer.
import { spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 10000;
// Relay ports: a random window of this size in the configured range, so that clouds started at
// once (tests run files in parallel) rarely draw from the same ports.
const RELAY_WINDOW = 200;

/**
 * The TURN REST API credentials (draft-uberti-behave-turn-rest, coturn's --use-auth-secret):
 * username "EXPIRY:CLIENTID" (Unix seconds), credential base64(HMAC-SHA1(secret, username)).
 */
export function turnCredentials(secret, clientId, ttlSeconds, nowMs = Date.now()) {
  const username = `${Math.floor(nowMs / 1000) + ttlSeconds}:${clientId}`;
  const credential = createHmac('sha1', secret).update(username).digest('base64');
  return { username, credential };
}

/** "MIN-MAX" to [min, max]; throws a string naming what is wrong. */
export function parsePortRange(text) {
  const m = /^([0-9]{1,5})-([0-9]{1,5})$/.exec(String(text));
  const min = m && Number(m[1]);
  const max = m && Number(m[2]);
  if (!m || min < 1024 || max > 65535 || max - min < 1) throw `not a port range MIN-MAX within 1024-65535: ${text}`;
  return [min, max];
}

export class TurnServer {
  /** options: { relayPorts: [min, max], ttlSeconds, realm, log, command } */
  constructor({ relayPorts = [49152, 65535], ttlSeconds = 600, realm = 'local', log, command = 'turnserver' } = {}) {
    this.relayPorts = relayPorts;
    this.ttlSeconds = ttlSeconds;
    this.realm = realm;
    this.log = log;
    this.command = command;
    this.secret = randomBytes(24).toString('base64url');
    this.port = 0;
    this.child = null;
    this.dir = '';
    this.lastLines = [];
  }

  async start() {
    this.dir = mkdtempSync(join(tmpdir(), 'acw-turn-'));
    let lastError;
    // The free port is found, then given to coturn: another process may take it in between.
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await this.#run(await freePort());
        this.log?.info('turn', `coturn (pid ${this.child.pid}) on ${HOST}:${this.port}, relay ports ${this.relayFlags.join(' ')}`);
        return this;
      } catch (e) {
        lastError = e;
        await this.#kill();
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
    throw lastError;
  }

  async #run(port) {
    const [min, max] = this.relayPorts;
    const span = Math.min(RELAY_WINDOW, max - min + 1);
    const low = min + Math.floor(Math.random() * (max - min + 2 - span));
    this.relayFlags = [`--min-port=${low}`, `--max-port=${low + span - 1}`];
    const args = [
      '-c', '/dev/null', // no turnserver.conf from the usual places
      '--no-cli',
      `--listening-ip=${HOST}`,
      `--relay-ip=${HOST}`,
      `--listening-port=${port}`,
      ...this.relayFlags,
      '--use-auth-secret',
      `--static-auth-secret=${this.secret}`,
      `--realm=${this.realm}`,
      '--fingerprint',
      '--no-tls',
      '--no-dtls',
      // The peers (the cloud's media, other clients) are on loopback too; coturn refuses them by default.
      '--allow-loopback-peers',
      '--no-multicast-peers',
      '--no-rfc5780',
      '--no-software-attribute',
      `--userdb=${join(this.dir, 'turndb')}`,
      `--pidfile=${join(this.dir, 'turnserver.pid')}`,
      '--log-file=stdout',
      '--simple-log',
    ];
    const child = spawn(this.command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.port = port;
    const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    this.exited = exited;
    const spawnError = new Promise((resolve) => child.once('error', resolve));
    for (const stream of [child.stdout, child.stderr]) {
      let rest = '';
      stream.setEncoding('utf8');
      stream.on('data', (text) => {
        const lines = (rest + text).split('\n');
        rest = lines.pop();
        for (const line of lines) {
          if (!line.trim()) continue;
          this.lastLines.push(line);
          if (this.lastLines.length > 20) this.lastLines.shift();
          this.log?.debug('turn', line);
        }
      });
    }
    const ready = await Promise.race([
      stunAnswers(port, READY_TIMEOUT_MS).then((ok) => (ok ? 'ready' : 'timeout')),
      exited.then(({ code, signal }) => `exited (${signal || code})`),
      spawnError.then((e) => `cannot run ${this.command}: ${e.message} (install the Debian package coturn)`),
    ]);
    if (ready !== 'ready') throw new Error(`TURN server ${ready}: ${this.lastLines.slice(-3).join(' | ')}`);
    exited.then(({ code, signal }) => {
      if (this.child === child) this.log?.error('turn', `coturn exited (${signal || code})`);
    });
  }

  /** The RTCIceServer list for one client, with credentials good for ttlSeconds. */
  iceServers(clientId) {
    const { username, credential } = turnCredentials(this.secret, clientId, this.ttlSeconds);
    return [{ urls: [`turn:${HOST}:${this.port}?transport=udp`, `turn:${HOST}:${this.port}?transport=tcp`], username, credential }];
  }

  async #kill() {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
    await this.exited;
    clearTimeout(timer);
  }

  async stop() {
    await this.#kill();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = '';
  }
}

// A port free on loopback for both UDP and TCP (coturn listens on both).
async function freePort() {
  for (;;) {
    const udp = createSocket('udp4');
    await new Promise((resolve, reject) => udp.bind(0, HOST, resolve).once('error', reject));
    const { port } = udp.address();
    const tcp = createServer();
    const ok = await new Promise((resolve) => {
      tcp.once('error', () => resolve(false));
      tcp.listen(port, HOST, () => resolve(true));
    });
    udp.close();
    if (ok) {
      await new Promise((resolve) => tcp.close(resolve));
      return port;
    }
  }
}

// True once a STUN Binding request to the port gets its answer (RFC 5389 §6), false after timeoutMs.
function stunAnswers(port, timeoutMs) {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    const id = randomBytes(12);
    const request = Buffer.concat([Buffer.from([0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42]), id]);
    const end = (ok) => {
      clearInterval(timer);
      clearTimeout(giveUp);
      socket.close();
      resolve(ok);
    };
    socket.on('message', (msg) => {
      if (msg.length >= 20 && msg.readUInt16BE(0) === 0x0101 && msg.subarray(8, 20).equals(id)) end(true);
    });
    socket.on('error', () => {}); // ICMP port unreachable before coturn listens
    const send = () => socket.send(request, port, HOST);
    const timer = setInterval(send, 100);
    const giveUp = setTimeout(() => end(false), timeoutMs);
    socket.bind(0, HOST, send);
  });
}
