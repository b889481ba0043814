// Where an INVITE goes (a service, another client, or nowhere), the call records, and calls from the cloud to clients.
import { randomBytes } from 'node:crypto';
import { ClientLeg, ServerLeg } from './ua.mjs';
import { ClientCall } from './proxy.mjs';
import { findService } from './services/index.mjs';
import { HttpError } from './http.mjs';

let nextCall = 1;

/** One call's life as events: call.start, call.ringing, call.answered, call.digits..., call.end. */
export class CallRecord {
  constructor(router, fields, { connection } = {}) {
    this.router = router;
    // Who started it, for the per-connection and per-address call limits.
    this.connection = connection;
    this.address = connection?.address;
    this.id = `c${nextCall++}-${randomBytes(3).toString('hex')}`;
    this.startedAt = Date.now();
    this.answeredAt = 0;
    this.fields = fields;
    this.digits = '';
    this.media = {};
    this.ended = false;
    this.cleanups = [];
    router.calls.set(this.id, this);
    this.event('call.start', fields);
    const limit = router.config.maxCallSeconds;
    if (limit) {
      const timer = setTimeout(() => {
        router.log.info('call', `${this.id}: longer than ${limit} s: hung up`);
        const status = this.answeredAt ? 200 : 408;
        this.end({ status, by: 'cloud', reason: 'max call duration' });
        this.stop?.(status);
      }, limit * 1000);
      timer.unref?.();
      this.cleanups.push(() => clearTimeout(timer));
    }
  }

  event(type, data = {}) {
    return this.router.events.add(type, { call: this.id, ...data });
  }

  ringing(status = 180) {
    if (this.ended) return;
    this.event('call.ringing', { status });
  }

  answered() {
    if (this.answeredAt) return;
    this.answeredAt = Date.now();
    this.event('call.answered', { afterMs: this.answeredAt - this.startedAt });
  }

  addDigit(digit) {
    this.digits += digit;
    this.event('call.digit', { digit, digits: this.digits });
  }

  /** A fault in code working for this call (a rejected handler): logged, and this call alone ends. */
  fault(error) {
    if (this.ended) return;
    this.router.log.error('call', `${this.id}: service fault, ending the call: ${error?.stack ?? error}`);
    this.end({ status: this.answeredAt ? 200 : 500, by: 'cloud', reason: `service fault: ${error?.message ?? String(error)}` });
    try {
      this.stop?.(500);
    } catch (e) {
      this.router.log.error('call', `${this.id}: ending it: ${e.stack ?? e}`);
    }
  }

  /** Runs at the end of the call, once (media sessions, timers). */
  onEnd(fn) {
    if (this.ended) fn();
    else this.cleanups.push(fn);
  }

  /**
   * status: the final SIP status the call got (200 when it was answered); by: who ended it.
   * The cause is the one a client reports for it (PROTOCOL.md).
   */
  end({ status, by = 'cloud', reason = '' } = {}) {
    if (this.ended) return;
    this.ended = true;
    for (const fn of this.cleanups.splice(0)) {
      try {
        fn();
      } catch (e) {
        this.router.log.error('call', `cleanup: ${e.stack ?? e}`);
      }
    }
    this.router.calls.delete(this.id);
    const now = Date.now();
    const finalStatus = status ?? (this.answeredAt ? 200 : 487);
    this.event('call.end', {
      ...this.fields,
      status: finalStatus,
      cause: this.router.ua.sip.causeOf(finalStatus),
      by,
      reason,
      durationMs: now - this.startedAt,
      connectedMs: this.answeredAt ? now - this.answeredAt : 0,
      digits: this.digits,
      ...this.media,
    });
  }
}

export class Router {
  constructor(cloud) {
    this.cloud = cloud;
    this.ua = cloud.ua;
    this.config = cloud.config;
    this.events = cloud.events;
    this.log = cloud.log;
    this.calls = new Map();
  }

  newRecord(fields, options) {
    return new CallRecord(this, fields, options);
  }

  /** Why one more call from this connection is refused, or '' (config: maxCalls*). */
  overLimit(connection) {
    if (this.calls.size >= this.config.maxCalls) return 'max concurrent calls';
    let mine = 0;
    let address = 0;
    for (const r of this.calls.values()) {
      if (r.connection === connection) mine++;
      if (r.address !== undefined && r.address === connection.address) address++;
    }
    if (mine >= this.config.maxCallsPerConnection) return 'max calls per connection';
    if (address >= this.config.maxCallsPerAddress) return 'max calls per address';
    return '';
  }

  receiveInvite(connection, invite) {
    const ruri = invite.ruri;
    if (!ruri || ruri.scheme !== 'sip' && ruri.scheme !== 'sips') {
      this.ua.respond(connection, invite, 416);
      return;
    }
    const over = this.overLimit(connection);
    if (over) {
      this.events.add('call.refused', { status: 503, reason: over, to: ruri.text, connection: connection.id });
      this.ua.respond(connection, invite, 503, { headers: [['Retry-After', '5']] });
      return;
    }
    const host = ruri.host.toLowerCase();
    if (host === this.config.serviceDomain) return this.startService(connection, invite, ruri.user);
    if (host === this.config.clientDomain) return this.startClientCall(connection, invite, ruri.user);
    this.events.add('call.refused', { status: 404, reason: 'unknown domain', to: ruri.text });
    this.ua.respond(connection, invite, 404, { toTag: 'x' + randomBytes(4).toString('hex') });
  }

  /** An INVITE to sip:SERVICE@sip-C.aculab.com: the service named by the user part. */
  startService(connection, invite, name) {
    const leg = new ServerLeg(this.ua, connection, invite);
    leg.trying();
    const service = findService(name);
    const record = new CallRecord(this, { kind: 'service', service: name, from: invite.from.uri.user, fromHost: invite.from.uri.host, sipCallId: invite.callId }, { connection });
    record.stop = (status) => leg.hangUp(status);
    leg.record = record;
    if (!service) {
      leg.reject(404);
      record.end({ status: 404, reason: 'no such service' });
      return;
    }
    leg.on('end', (why, extra) => {
      if (extra.connectionLost) record.end({ status: record.answeredAt ? 200 : 487, by: 'caller', reason: why });
    });
    Promise.resolve()
      .then(() => service.run({ cloud: this.cloud, leg, record, name, invite }))
      .catch((e) => {
        this.log.error('service', `${name}: ${e.stack ?? e}`);
        leg.hangUp(500);
        record.end({ status: record.answeredAt ? 200 : 500, reason: `service fault: ${e.message}` });
      });
  }

  /** An INVITE to sip:OTHER@KEY.webrtc-C.aculabcloud.net: to that client's connection. */
  startClientCall(connection, invite, target) {
    const call = new ClientCall(this, connection, invite, target);
    call.start();
  }

  /**
   * The outbound-call web service: calls webrtc:CLIENT from the cloud (From host sip-C.aculab.com,
   * so the client sees a "service" call), and runs `action` (echo, playback, ivr...) on answer.
   */
  async outboundCall(params) {
    const one = (k) => params[k]?.[params[k].length - 1];
    const destination = one('destination') ?? one('to');
    if (!destination) throw new HttpError(400, 'destination is required (webrtc:CLIENT)');
    const m = /^webrtc:(.+)$/i.exec(destination);
    const clientId = m && this.ua.sip.clientId(m[1]);
    if (!clientId) throw new HttpError(400, 'destination must be webrtc:CLIENTID');
    const callFromText = one('call_from') ?? one('from') ?? 'localcloud';
    const callFrom = this.ua.sip.clientId(callFromText);
    if (!callFrom || callFrom.length > 64) throw new HttpError(400, 'call_from must be 1-64 of A-Z a-z 0-9 + - _ .');
    const action = one('action') ?? 'echo';
    const service = findService(action);
    if (!service || !service.outbound) throw new HttpError(400, `action must be one of ${listOutboundActions().join(', ')}`);
    const timeout = one('timeout') === undefined ? this.config.ringTimeout : Number(one('timeout'));
    if (!Number.isInteger(timeout) || timeout < 1 || timeout > 600) throw new HttpError(400, 'timeout must be 1..600 seconds');
    if (this.calls.size >= this.config.maxCalls) throw new HttpError(503, 'too many calls');
    const binding = this.cloud.registrar.lookup(clientId);
    const record = new CallRecord(this, { kind: 'outbound', to: clientId, from: callFrom, action });
    if (!binding) {
      record.end({ status: 480, reason: 'not registered' });
      return { call: record.id, state: 'failed', status: 480, cause: 'UNOBTAINABLE' };
    }
    Promise.resolve()
      .then(() => service.outbound({ cloud: this.cloud, record, binding, clientId, callFrom, timeout, params }))
      .catch((e) => {
        this.log.error('outbound', `${action}: ${e.stack ?? e}`);
        record.end({ status: record.answeredAt ? 200 : 500, reason: `fault: ${e.message}` });
      });
    return { call: record.id, state: 'calling', to: `webrtc:${clientId}` };
  }

  /** A UAC leg to a registered client's binding, From sip:FROM@HOST. */
  dial(binding, { fromUser, fromHost, sdp, headers = [] }) {
    const sip = this.ua.sip;
    const leg = new ClientLeg(this.ua, binding.connection, {
      target: binding.contactUri,
      fromUri: sip.formatUri({ scheme: 'sip', user: fromUser, host: fromHost }),
      to: sip.formatNameAddr({ uri: { scheme: 'sip', user: binding.clientId, host: this.config.clientDomain } }),
      sdp,
      headers,
      clientId: binding.clientId,
    });
    return leg;
  }

  shutdown() {
    for (const record of [...this.calls.values()]) record.end({ by: 'cloud', reason: 'shutdown' });
  }
}

export function listOutboundActions() {
  return ['echo', 'playback', 'ivr', 'record'];
}
