// The local cloud as an object: HTTP(S) server, token service, events, SIP over WebSocket, registrar, calls.
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { mkdirSync } from 'node:fs';
import { Access, accountApiKey, signingKeyPair } from './access.mjs';
import { EventLog } from './events.mjs';
import { Recordings } from './recordings.mjs';
import { Faults } from './faults.mjs';
import { createHttpHandler } from './http.mjs';
import { createLogger } from './log.mjs';
import { loadSip } from './sip.mjs';
import { TokenService } from './tokens.mjs';
import { SipTransport } from './transport.mjs';
import { unwatchRejections, watchRejections } from './rejections.mjs';
import { TurnServer } from './turn.mjs';

export class Cloud {
  /** config: the result of loadConfig(). */
  constructor(config, { logger } = {}) {
    this.config = config;
    this.log = logger ?? createLogger(config.logLevel);
    this.events = new EventLog({ file: config.eventsLog, maxBytes: config.eventsLogMaxBytes, files: config.eventsLogFiles, maxField: config.eventFieldMax, log: this.log });
    this.recordings = new Recordings(this);
    this.tokens = new TokenService({ audience: config.cloudId, keyPair: signingKeyPair(config) });
    this.access = new Access(config);
    this.faults = new Faults(this);
    this.startedAt = Date.now();
    this.sip = null;
    this.ua = null;
    this.registrar = null;
    this.media = null;
    this.audio = null;
    this.buildPrompts = () => new Map();
    this.outbound = null;
    this.server = null;
    this.transport = null;
    this.url = '';
    this.turn = null;
  }

  /** The prompts, made on first use (npm start makes them straight after starting). */
  get prompts() {
    this.promptCache ??= this.buildPrompts();
    return this.promptCache;
  }

  health() {
    return {
      ok: true,
      cloudId: this.config.cloudId,
      uptimeMs: Date.now() - this.startedAt,
      sip: Boolean(this.sip),
      media: Boolean(this.media?.available),
      audio: Boolean(this.audio),
      connections: this.transport ? this.transport.connections.size : 0,
      registrations: this.registrar ? this.registrar.list().length : 0,
      calls: this.ua ? this.ua.activeCalls() : 0,
    };
  }

  async start() {
    const { config, log } = this;
    mkdirSync(config.recordings, { recursive: true });
    const apiKey = accountApiKey(config);
    config.apiKey = apiKey.key;
    // A key the cloud made is shown at its first start only; later starts say where it is kept.
    config.apiKeyShown = apiKey.created ? `${apiKey.key}  (new: kept in ${apiKey.file}, shown this once)`
      : apiKey.file ? `(kept in ${apiKey.file})` : apiKey.key;
    // Every SIP rule (and the client-id check of the token service) is the core's: no cloud without it.
    this.sip = await loadSip(config.dist);
    log.info('sip', `SIP core loaded from ${this.sip.dir}`);
    await this.startSignalling();
    if (config.turn) {
      this.turn = await new TurnServer({ relayPorts: config.turnRelayPorts, log }).start();
    }

    const handler = createHttpHandler(this);
    this.server = config.tls ? createHttpsServer(config.tls, handler) : createHttpServer(handler);
    this.server.on('clientError', (e, socket) => socket.destroy());
    this.transport = new SipTransport({
      server: this.server,
      log,
      rateLimit: config.rateLimit,
      onMessage: (connection, text) => this.ua?.receive(connection, text),
      onClose: (connection) => this.ua?.connectionClosed(connection),
      faults: this.faults,
      admit: (request) => this.admitUpgrade(request),
      limits: config,
    });
    this.transport.onRefused = (why, request, connection) => this.events.add(why === 'idle' ? 'connection.idle' : 'connection.refused', {
      why, remote: request?.socket.remoteAddress ?? connection?.address, connection: connection?.id,
    });
    await new Promise((resolvePromise, reject) => {
      this.server.once('error', reject);
      this.server.listen(config.port, config.host, () => {
        this.server.off('error', reject);
        resolvePromise();
      });
    });
    const { port } = this.server.address();
    this.port = port;
    this.access.port = port;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    this.url = `${config.tls ? 'https' : 'http'}://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${port}/`;
    this.events.add('cloud.start', { url: this.url });
    watchRejections(this);
    this.recordings.start();
    for (const fault of config.faults ?? []) this.faults.add(fault);
    return this;
  }

  /** Why a WebSocket upgrade is refused ([status, reason]), or null to accept it. */
  admitUpgrade(request) {
    if (!this.access.hostAllowed(request.headers.host)) {
      this.events.add('access.refused', { what: 'upgrade', why: 'host', host: clip(request.headers.host), remote: request.socket.remoteAddress });
      return [421, 'Misdirected Request'];
    }
    if (!this.access.originAllowed(request.headers.origin)) {
      this.events.add('access.refused', { what: 'upgrade', why: 'origin', origin: clip(request.headers.origin), remote: request.socket.remoteAddress });
      return [403, 'Forbidden'];
    }
    return null;
  }

  async startSignalling() {
    const { UserAgent } = await import('./ua.mjs');
    const { Registrar } = await import('./registrar.mjs');
    this.ua = new UserAgent(this);
    this.registrar = new Registrar(this);
    this.ua.registrar = this.registrar;
    const { Router } = await import('./router.mjs');
    this.router = new Router(this);
    this.ua.router = this.router;
    this.outbound = (params) => this.router.outboundCall(params);
    const { MediaEngine } = await import('./media.mjs');
    this.media = await new MediaEngine(this).load();
    const { loadAudio } = await import('./audio.mjs');
    try {
      this.audio = await loadAudio(this.config.dist);
    } catch (e) {
      this.log.error('media', `media module: ${e.message}`);
    }
    if (this.audio) {
      const { buildPrompts } = await import('./prompts.mjs');
      this.buildPrompts = () => buildPrompts(this.audio, this.config.prompts, this.log);
      this.log.info('media', `media module loaded from ${this.audio.dir}`);
    } else {
      this.log.warn('media', 'media module (acw-media) not built: playback, ivr, early-media and record answer 503');
    }
  }

  /** The ICE servers for a client's OPTIONS (PROTOCOL.md "ICE servers"): the configured ones, then ours. */
  iceServersFor(clientId) {
    return [...this.config.iceServers, ...(this.turn ? this.turn.iceServers(clientId) : [])];
  }

  /** BYE to calls in progress, sockets closed, server closed. */
  async stop() {
    this.log.info('cloud', 'shutting down');
    this.faults.close();
    if (this.ua) await this.ua.shutdown();
    this.registrar?.close();
    if (this.transport) await this.transport.close();
    if (this.server) {
      this.server.closeAllConnections?.();
      await new Promise((resolvePromise) => this.server.close(() => resolvePromise()));
    }
    if (this.media) await this.media.close?.();
    await this.recordings.close();
    await this.turn?.stop();
    this.events.add('cloud.stop', {});
    await this.events.close();
    unwatchRejections(this);
  }
}

const clip = (text) => String(text ?? '').slice(0, 200);

export async function startCloud(config, options) {
  const cloud = new Cloud(config, options);
  return cloud.start();
}
