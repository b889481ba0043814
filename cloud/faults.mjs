// Fault injection: closed, refused and half-dead WebSockets, and lost, delayed or blackholed media, per client, connection or call.
//
// A fault is a rule with a target and an optional lifetime. SIP faults (close, half-dead) act on
// the sockets the target has when the fault is applied, as a NAT or proxy that forgets a flow
// does: a new socket works. A refusal window and the media faults (blackhole, loss, delay) are
// rules checked as things happen, so they also catch sockets and calls that start inside them.
//
// A connection learns its client id from the first request that names one (From, or To in a
// response, with the cloud's client domain): the wasm core parses every frame once more here,
// which also records each SDP body with the connection and Call-ID it came on, so that a media
// session can find its client from the offer it answers (or the answer it accepts).

export const FAULT_KINDS = ['close', 'half-dead', 'blackhole', 'loss', 'delay'];
const MEDIA_KINDS = new Set(['blackhole', 'loss', 'delay']);
const DIRECTIONS = ['both', 'in', 'out'];
const LAYERS = ['rtp', 'udp'];
const MAX_MS = 24 * 3600 * 1000;
// SDP bodies waiting for the media session that answers (or accepts) them.
const MAX_BODIES = 1000;

/** A bad fault request; the HTTP side answers 400 with it, the config side names the flag. */
export class FaultError extends Error {}

const CLIENT_RE = /^[A-Za-z0-9+\-_.]+$/;

function wholeIn(name, text, min, max) {
  if (text === undefined) return undefined;
  const t = String(text).trim();
  if (!/^[0-9]+$/.test(t)) throw new FaultError(`${name} must be a whole number`);
  const n = Number(t);
  if (n < min || n > max) throw new FaultError(`${name} must be ${min}..${max}`);
  return n;
}

/**
 * A validated fault from request parameters ({name: value | [values]}, as readParams gives or a
 * --fault spec makes): {kind, client, connection, call, ms, percent, delay, direction, code, after, every}.
 */
export function faultRequest(params) {
  const one = (name) => {
    const v = params[name];
    if (!Array.isArray(v)) return v;
    if (v.length > 1) throw new FaultError(`${name} given more than once`);
    return v[0];
  };
  const known = new Set(['fault', 'client', 'connection', 'call', 'ms', 'percent', 'delay', 'direction', 'layer', 'code', 'after', 'every']);
  for (const name of Object.keys(params)) if (!known.has(name)) throw new FaultError(`unknown parameter ${name}`);
  const kind = one('fault');
  if (!FAULT_KINDS.includes(kind)) throw new FaultError(`fault must be one of ${FAULT_KINDS.join(', ')}`);
  const f = { kind };
  const client = one('client');
  if (client !== undefined) {
    const id = String(client).replace(/^(sip|webrtc):/i, '');
    if (id !== '*' && !CLIENT_RE.test(id)) throw new FaultError('client must be a client id or *');
    f.client = id;
  }
  f.connection = wholeIn('connection', one('connection'), 1, Number.MAX_SAFE_INTEGER);
  const call = one('call');
  if (call !== undefined) {
    if (!MEDIA_KINDS.has(kind)) throw new FaultError('call is for the media faults (blackhole, loss, delay)');
    if (!/^[\x21-\x7e]{1,256}$/.test(call)) throw new FaultError('call must be a call id from /events or a SIP Call-ID');
    f.call = call;
  }
  const targets = ['client', 'connection', 'call'].filter((k) => f[k] !== undefined);
  if (targets.length !== 1) throw new FaultError('give exactly one of client (an id, or * for all), connection, call');
  f.ms = wholeIn('ms', one('ms'), 0, MAX_MS);
  f.after = wholeIn('after', one('after'), 0, MAX_MS);
  f.every = wholeIn('every', one('every'), 100, MAX_MS);
  if (kind === 'loss') {
    f.percent = wholeIn('percent', one('percent'), 1, 100);
    if (f.percent === undefined) throw new FaultError('loss needs percent (1..100)');
  } else if (one('percent') !== undefined) throw new FaultError('percent is for loss');
  if (kind === 'delay') {
    f.delay = wholeIn('delay', one('delay'), 1, 10000);
    if (f.delay === undefined) throw new FaultError('delay needs delay (1..10000 ms)');
  } else if (one('delay') !== undefined) throw new FaultError('delay is for the delay fault');
  const direction = one('direction');
  if (direction !== undefined) {
    if (!MEDIA_KINDS.has(kind)) throw new FaultError('direction is for the media faults');
    if (!DIRECTIONS.includes(direction)) throw new FaultError(`direction must be one of ${DIRECTIONS.join(', ')}`);
    f.direction = direction;
  }
  const layer = one('layer');
  if (layer !== undefined) {
    if (!MEDIA_KINDS.has(kind)) throw new FaultError('layer is for the media faults');
    if (!LAYERS.includes(layer)) throw new FaultError(`layer must be one of ${LAYERS.join(', ')}`);
    f.layer = layer;
  }
  const code = one('code');
  if (code !== undefined) {
    if (kind !== 'close') throw new FaultError('code is for close');
    // RFC 6455 §7.4: codes an endpoint may send.
    f.code = wholeIn('code', code, 1000, 4999);
    if ([1004, 1005, 1006, 1015].includes(f.code) || (f.code > 1015 && f.code < 3000)) throw new FaultError('code must be one a server may send (1000-1014, 3000-4999)');
  }
  if (kind === 'close' && f.ms && f.client === undefined && f.connection === undefined) throw new FaultError('close needs client or connection');
  for (const k of Object.keys(f)) if (f[k] === undefined) delete f[k];
  return f;
}

/** A --fault flag's spec, KIND:key=value,key=value (e.g. loss:client=alice,percent=10), as a fault. */
export function parseFaultSpec(spec) {
  const m = /^([a-z-]+)(?::(.*))?$/s.exec(String(spec).trim());
  if (!m) throw new FaultError(`${JSON.stringify(spec)} is not KIND:key=value,...`);
  const params = { fault: m[1] };
  for (const pair of (m[2] ?? '').split(',').filter(Boolean)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new FaultError(`${JSON.stringify(pair)} is not key=value`);
    const key = pair.slice(0, eq).trim();
    if (key in params) throw new FaultError(`${key} given more than once`);
    params[key] = pair.slice(eq + 1).trim();
  }
  return faultRequest(params);
}

// RFC 7983 §7: a first byte of 128..191 is RTP or RTCP; STUN (0..3) and DTLS (20..63) pass.
const isRtpOrRtcp = (data) => data.length > 0 && data[0] >= 128 && data[0] <= 191;

export class Faults {
  constructor(cloud) {
    this.cloud = cloud;
    this.events = cloud.events;
    this.log = cloud.log;
    this.nextId = 1;
    this.active = new Map(); // id -> fault with a lifetime (media rules, refusal windows, half-dead sockets)
    this.schedules = new Map(); // id -> {fault, timers}
    this.media = []; // the active media rules, checked per packet
    this.bodies = new Map(); // SDP body -> {connection, clientId, callId}
    this.random = Math.random;
    this.forget = (connection) => {
      for (const [body, found] of this.bodies) if (found.connection === connection) this.bodies.delete(body);
    };
  }

  /** Applies `fault` (from faultRequest) now, or on its schedule when it has after/every; returns what was done. */
  add(fault) {
    if (fault.after === undefined && fault.every === undefined) return this.apply(fault);
    const id = `s${this.nextId++}`;
    const schedule = { id, fault, timers: [] };
    const start = () => {
      this.applyQuietly(fault, id);
      if (fault.every) schedule.timers.push(setInterval(() => this.applyQuietly(fault, id), fault.every));
    };
    schedule.timers.push(setTimeout(start, fault.after ?? 0));
    for (const t of schedule.timers) t.unref?.();
    this.schedules.set(id, schedule);
    this.events.add('fault.scheduled', { fault: id, ...fault });
    return { id, scheduled: true, ...fault };
  }

  applyQuietly(fault, schedule) {
    try {
      this.apply(fault, schedule);
    } catch (e) {
      this.log.warn('faults', `${schedule}: ${e.message}`);
    }
  }

  apply(fault, schedule) {
    const id = `f${this.nextId++}`;
    const record = { id, ...fault, ...(schedule ? { schedule } : {}), appliedAt: Date.now() };
    if (fault.kind === 'close') return this.closeSockets(record);
    if (fault.kind === 'half-dead') {
      const connections = this.connectionsOf(fault);
      record.connections = connections.map((c) => c.id);
      for (const c of connections) c.halfDead = id;
    } else {
      record.sessions = [...(this.cloud.media?.sessions ?? [])].filter((s) => this.matches(record, s)).length;
      this.media.push(record);
    }
    this.start(record);
    return record;
  }

  // Closes the target's sockets now; with ms, its reconnects are refused for that long.
  closeSockets(record) {
    const connections = this.connectionsOf(record);
    record.connections = connections.map((c) => c.id);
    if (record.ms && record.client === undefined) {
      record.client = connections.find((c) => c.clientId)?.clientId;
      if (!record.client) throw new FaultError('refusing reconnects needs the client id: that connection has not named one yet');
    }
    for (const c of connections) {
      // Without a code: the TCP connection just ends (the page sees close code 1006), as when a
      // proxy or the network goes; with one, a closing handshake with that code.
      if (record.code) c.close(record.code, 'fault injected');
      else c.ws.terminate();
    }
    this.start(record);
    return record;
  }

  // Announces a fault and, when it has a lifetime, ends it after `ms`.
  start(record) {
    const { appliedAt, ...shown } = record;
    this.events.add('fault.applied', { fault: record.id, ...shown });
    this.log.info('faults', `${record.id} ${record.kind} applied`, shown);
    const lasting = record.kind !== 'close' || record.ms;
    if (!lasting) {
      this.events.add('fault.cleared', { fault: record.id, kind: record.kind, reason: 'done' });
      return;
    }
    this.active.set(record.id, record);
    if (record.ms !== undefined) {
      record.timer = setTimeout(() => this.clear(record.id, 'expired'), record.ms);
      record.timer.unref?.();
    }
  }

  /** Ends one fault or schedule by id; returns whether there was one. */
  clear(id, reason = 'cleared') {
    const schedule = this.schedules.get(id);
    if (schedule) {
      for (const t of schedule.timers) clearTimeout(t);
      this.schedules.delete(id);
      this.events.add('fault.cleared', { fault: id, kind: schedule.fault.kind, reason });
      return true;
    }
    const record = this.active.get(id);
    if (!record) return false;
    clearTimeout(record.timer);
    this.active.delete(id);
    this.media = this.media.filter((r) => r !== record);
    for (const c of this.cloud.transport?.connections.values() ?? []) if (c.halfDead === id) c.halfDead = '';
    this.events.add('fault.cleared', { fault: id, kind: record.kind, reason, ms: Date.now() - record.appliedAt });
    this.log.info('faults', `${id} ${record.kind} ${reason}`);
    return true;
  }

  /** Ends every fault and schedule, or those of one client; returns the ids ended. */
  clearAll({ client } = {}) {
    const ids = [...this.schedules.values()].filter((s) => client === undefined || s.fault.client === client).map((s) => s.id);
    ids.push(...[...this.active.values()].filter((r) => client === undefined || r.client === client).map((r) => r.id));
    for (const id of ids) this.clear(id);
    return ids;
  }

  list() {
    const shown = ({ timer, appliedAt, ...rest }) => ({ ...rest, since: new Date(appliedAt).toISOString() });
    return {
      faults: [...this.active.values()].map(shown),
      scheduled: [...this.schedules.values()].map((s) => ({ id: s.id, ...s.fault })),
    };
  }

  connectionsOf({ client, connection }) {
    const all = [...(this.cloud.transport?.connections.values() ?? [])];
    if (connection !== undefined) return all.filter((c) => c.id === connection);
    return all.filter((c) => client === '*' || (c.clientId && c.clientId === client));
  }

  // ---- hooks ---------------------------------------------------------------------------

  /** transport.mjs, on an upgrade: refused (503) while every client's reconnects are. */
  refusesUpgrades() {
    for (const r of this.active.values()) if (r.kind === 'close' && r.client === '*') return true;
    return false;
  }

  /**
   * transport.mjs, for each frame before the SIP stack sees it: true when the frame is swallowed
   * (a half-dead socket, or a client whose reconnects are refused: its socket is then cut).
   */
  receive(connection, text) {
    if (connection.halfDead) return true;
    this.learn(connection, text);
    if (connection.clientId && this.active.size > 0) {
      for (const r of this.active.values()) {
        if (r.kind === 'close' && r.client === connection.clientId) {
          this.events.add('fault.refused', { fault: r.id, client: connection.clientId, connection: connection.id });
          connection.ws.terminate();
          return true;
        }
      }
    }
    return false;
  }

  learn(connection, text) {
    const sip = this.cloud.sip;
    if (!sip) return;
    let message;
    try {
      message = sip.parse(text);
    } catch {
      return;
    }
    if (!message.ok) return;
    const domain = this.cloud.config.clientDomain;
    const named = message.request ? message.from : message.to;
    if (!connection.clientId && named?.uri?.host?.toLowerCase() === domain) connection.clientId = named.uri.user;
    if (message.body) {
      this.bodies.set(message.body, { connection, callId: message.callId });
      if (this.bodies.size > MAX_BODIES) this.bodies.delete(this.bodies.keys().next().value);
      // Bodies no session takes (calls between two clients) go with their connection.
      if (!connection.onClose.has(this.forget)) connection.onClose.add(this.forget);
    }
  }

  /** media.mjs, when a session takes an SDP body from a client: which connection and call it is. */
  claimBody(session, sdp) {
    const found = this.bodies.get(sdp);
    if (!found) return;
    this.bodies.delete(sdp);
    session.peer = { connection: found.connection.id, clientId: found.connection.clientId, callId: found.callId };
  }

  matches(rule, session) {
    const peer = session.peer;
    if (!peer) return rule.client === '*';
    if (rule.client !== undefined) return rule.client === '*' || rule.client === peer.clientId;
    if (rule.connection !== undefined) return rule.connection === peer.connection;
    if (rule.call === peer.callId) return true;
    return this.cloud.router?.calls.get(rule.call)?.fields.sipCallId === peer.callId;
  }

  /**
   * media.mjs, when a session is made and again when it connects: wraps its ICE connection
   * (werift-ice Connection). Layer rtp: where SRTP and SRTCP leave (send) and arrive (onData),
   * below werift's DTLS/SRTP: what is dropped is lost on the wire for both ends, while ICE's
   * own checks go on, so the pair stays up and the call survives (the far end counts the loss in
   * its receiver stats). Layer udp: every datagram of the connection's sockets (each
   * StunProtocol's transport.send and datagramReceived), STUN checks included, as a dead path:
   * ICE consent then fails (RFC 7675) and the ends see the pair go.
   */
  attachMedia(session, ice) {
    if (!ice) return;
    if (!ice.faultsAttached) {
      ice.faultsAttached = true;
      const send = ice.send;
      ice.send = (data) => this.pass(session, data, 'out', 'rtp', send, Promise.resolve());
      const execute = ice.onData.execute;
      ice.onData.execute = (data) => this.pass(session, data, 'in', 'rtp', execute);
    }
    // Sockets are opened while gathering, after the session is made.
    for (const protocol of ice.protocols ?? []) {
      const transport = protocol.transport;
      if (!transport || transport.faultsAttached || typeof transport.send !== 'function') continue;
      transport.faultsAttached = true;
      const send = transport.send.bind(transport);
      transport.send = (data, addr) => this.pass(session, data, 'out', 'udp', () => send(data, addr), Promise.resolve());
      const received = protocol.datagramReceived.bind(protocol);
      protocol.datagramReceived = (data, addr) => this.pass(session, data, 'in', 'udp', () => received(data, addr));
    }
  }

  // Hands `data` on now (forward's result), later, or never (`dropped`).
  pass(session, data, direction, layer, forward, dropped) {
    const delay = this.mediaVerdict(session, data, direction, layer);
    if (delay === 0) return forward(data);
    if (delay > 0) setTimeout(() => Promise.resolve().then(() => forward(data)).catch(() => {}), delay).unref?.();
    return dropped;
  }

  // -1: drop; otherwise the delay in ms (0: as it is).
  mediaVerdict(session, data, direction, layer = 'rtp') {
    if (this.media.length === 0) return 0;
    if (layer === 'rtp' && !isRtpOrRtcp(data)) return 0;
    let delay = 0;
    for (const rule of this.media) {
      if ((rule.layer ?? 'rtp') !== layer) continue;
      if ((rule.direction ?? 'both') !== 'both' && rule.direction !== direction) continue;
      if (!this.matches(rule, session)) continue;
      if (rule.kind === 'blackhole') return -1;
      if (rule.kind === 'loss' && this.random() * 100 < rule.percent) return -1;
      if (rule.kind === 'delay') delay = Math.max(delay, rule.delay);
    }
    return delay;
  }

  close() {
    for (const id of [...this.schedules.keys()]) this.clear(id, 'shutdown');
    for (const id of [...this.active.keys()]) this.clear(id, 'shutdown');
  }
}
