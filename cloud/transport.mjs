// SIP over WebSocket at /sipproxy (RFC 7118): subprotocol 'sip', one message per frame, size and rate limits.
import { WebSocketServer } from 'ws';

export const SIP_PATH = '/sipproxy';
export const MAX_FRAME = 64 * 1024;
// Each COST_BYTES of a frame counts as one more message against the rate limit.
const COST_BYTES = 8192;
// A peer that does not read what we send must not make us buffer without bound.
const MAX_BUFFERED = 4 * 1024 * 1024;

/**
 * A token bucket: `rate` messages per second, bursts up to `burst`. A peer that keeps sending
 * while over the limit runs into debt; at `burst` messages of debt it is cut off.
 */
export class RateLimit {
  constructor(rate, burst = rate * 2, now = Date.now()) {
    this.rate = rate;
    this.burst = burst;
    this.tokens = burst;
    this.last = now;
  }

  /** 'ok' (take it), 'drop' (over the limit) or 'close' (persistently over it). */
  take(now = Date.now(), cost = 1) {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.rate) / 1000);
    this.last = now;
    this.tokens -= cost;
    if (this.tokens >= 0) return 'ok';
    return this.tokens < -this.burst ? 'close' : 'drop';
  }
}

let nextConnectionId = 1;

/** One WebSocket peer. `send(text)` is safe to call at any time (dropped once closed). */
export class Connection {
  constructor(ws, request, limit) {
    this.id = nextConnectionId++;
    this.ws = ws;
    this.address = request.socket.remoteAddress;
    this.remote = `${request.socket.remoteAddress}:${request.socket.remotePort}`;
    this.lastHeard = Date.now();
    this.secure = Boolean(request.socket.encrypted);
    this.limit = limit;
    this.open = true;
    this.received = 0;
    this.dropped = 0;
    this.onClose = new Set();
    // Set by faults.mjs: the client id the connection's requests name, and the id of a
    // half-dead fault (while set, nothing is sent: the peer sees a socket that stays open).
    this.clientId = '';
    this.halfDead = '';
  }

  send(text) {
    if (!this.open || this.ws.readyState !== 1) return false;
    if (this.halfDead) return true;
    if (this.ws.bufferedAmount > MAX_BUFFERED) {
      this.close(1008, 'not reading');
      return false;
    }
    this.ws.send(text);
    return true;
  }

  close(code = 1000, reason = '') {
    if (this.ws.readyState === 0 || this.ws.readyState === 1) this.ws.close(code, reason);
    // A peer that never answers the closing handshake is cut off.
    setTimeout(() => this.ws.terminate(), 2000).unref();
  }
}

/**
 * Accepts WebSocket upgrades on `path` for an http(s) server. `onMessage(connection, text)` gets
 * every frame that passes the limits; `onClose(connection)` runs once per connection. Neither may
 * throw into the socket code: faults are logged and the connection carries on.
 */
export class SipTransport {
  constructor({ server, log, rateLimit, burst, onMessage, onClose, faults, admit, limits = {}, maxFrame = MAX_FRAME }) {
    this.admit = admit;
    // {maxConnectionsPerAddress, idleTimeout (s, 0: none)}: read at each use, so a test may change them.
    this.limits = limits;
    this.idleTimer = setInterval(() => this.sweepIdle(), 1000);
    this.idleTimer.unref();
    this.log = log;
    this.faults = faults;
    this.rateLimit = rateLimit;
    this.burst = burst ?? rateLimit * 2;
    this.onMessage = onMessage;
    this.onCloseHandler = onClose;
    this.connections = new Map();
    this.enabled = true;
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: maxFrame,
      clientTracking: false,
      perMessageDeflate: false,
      handleProtocols: (protocols) => (protocols.has('sip') ? 'sip' : false),
    });
    this.upgradeListener = (request, socket, head) => this.upgrade(request, socket, head);
    server.on('upgrade', this.upgradeListener);
    this.server = server;
  }

  upgrade(request, socket, head) {
    socket.on('error', () => socket.destroy());
    const path = new URL(request.url ?? '/', 'http://local').pathname;
    const refuse = (status, text) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    const refusal = this.admit?.(request);
    if (refusal) return refuse(...refusal);
    if (path !== SIP_PATH) return refuse(404, 'Not Found');
    if (!this.enabled || this.faults?.refusesUpgrades()) return refuse(503, 'Service Unavailable');
    // RFC 7118 §4.1: the client offers the 'sip' subprotocol; a peer that does not speak it is refused.
    const offered = String(request.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim().toLowerCase());
    if (!offered.includes('sip')) return refuse(400, 'Bad Request');
    const perAddress = this.limits.maxConnectionsPerAddress;
    if (perAddress) {
      let n = 0;
      for (const c of this.connections.values()) if (c.address === request.socket.remoteAddress) n++;
      if (n >= perAddress) {
        this.log.warn('ws', `${request.socket.remoteAddress}: ${n} connections open, refused another`);
        this.onRefused?.('connections per address', request);
        return refuse(503, 'Service Unavailable');
      }
    }
    this.wss.handleUpgrade(request, socket, head, (ws) => this.accept(ws, request));
  }

  accept(ws, request) {
    const connection = new Connection(ws, request, new RateLimit(this.rateLimit, this.burst));
    this.connections.set(connection.id, connection);
    this.log.debug('ws', `connection ${connection.id} from ${connection.remote}`);
    ws.on('pong', () => {
      connection.lastHeard = Date.now();
    });
    ws.on('message', (data, isBinary) => {
      connection.received++;
      connection.lastHeard = Date.now();
      // Big frames cost more: parsing time grows with size, and the limit is there to bound it.
      const verdict = connection.limit.take(Date.now(), 1 + Math.floor(data.length / COST_BYTES));
      if (verdict !== 'ok') {
        connection.dropped++;
        if (verdict === 'close') {
          this.log.warn('ws', `connection ${connection.id} closed: over the rate limit (${this.rateLimit}/s), ${connection.dropped} dropped`);
          connection.close(1008, 'rate limit');
        } else if (connection.dropped === 1 || connection.dropped % 100 === 0) {
          this.log.warn('ws', `connection ${connection.id}: over the rate limit, ${connection.dropped} messages dropped`);
        }
        return;
      }
      // RFC 7118 §5.1: text or binary frames both carry one SIP message; binary is decoded as UTF-8.
      const text = isBinary ? new TextDecoder('utf-8').decode(data) : data.toString('utf8');
      try {
        if (this.faults?.receive(connection, text)) return;
        this.onMessage(connection, text);
      } catch (e) {
        this.log.error('sip', `connection ${connection.id}: fault handling a message: ${e.stack ?? e}`);
      }
    });
    ws.on('error', (e) => {
      // ws reports an oversize frame (1009) or a protocol fault here, then closes.
      this.log.warn('ws', `connection ${connection.id}: ${e.message}`);
    });
    ws.on('close', (code) => {
      if (!connection.open) return;
      connection.open = false;
      this.connections.delete(connection.id);
      this.log.debug('ws', `connection ${connection.id} closed (${code})`);
      for (const f of connection.onClose) {
        try {
          f(connection);
        } catch (e) {
          this.log.error('ws', `close handler: ${e.stack ?? e}`);
        }
      }
      try {
        this.onCloseHandler?.(connection);
      } catch (e) {
        this.log.error('ws', `close handler: ${e.stack ?? e}`);
      }
    });
  }

  /**
   * A peer silent for half the idle timeout is pinged (a browser answers by itself); one silent for
   * all of it is gone (a dead NAT path, a suspended laptop, or a peer holding a slot): closed.
   */
  sweepIdle(now = Date.now()) {
    const idleMs = (this.limits.idleTimeout ?? 0) * 1000;
    if (!idleMs) return;
    for (const c of this.connections.values()) {
      const silent = now - c.lastHeard;
      if (silent >= idleMs) {
        this.log.info('ws', `connection ${c.id}: silent for ${Math.round(silent / 1000)} s, closed`);
        this.onRefused?.('idle', null, c);
        c.close(1001, 'idle');
      } else if (silent >= idleMs / 2 && now - (c.pingedAt ?? 0) >= idleMs / 4 && c.open && c.ws.readyState === 1 && !c.halfDead) {
        c.pingedAt = now;
        c.ws.ping();
      }
    }
  }

  /** Stops accepting and closes every connection (going away). */
  close() {
    clearInterval(this.idleTimer);
    this.enabled = false;
    this.server.off('upgrade', this.upgradeListener);
    for (const c of this.connections.values()) c.close(1001, 'server shutting down');
    return new Promise((resolvePromise) => {
      const wait = () => (this.connections.size === 0 ? resolvePromise() : setTimeout(wait, 20));
      wait();
      setTimeout(() => {
        for (const c of this.connections.values()) c.ws.terminate();
      }, 1000).unref();
    });
  }
}
