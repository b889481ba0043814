// The cloud's SIP user agent: request dispatch over the core's transactions, and the two dialog legs (UAS and UAC).
//
// Every frame is parsed by the wasm core (sip.mjs) and every frame sent is built by it; the
// transactions (RFC 3261 §17: matching, retransmitted requests, the ACK for a non-2xx, CANCEL
// matching, Timers B/F/H/L/M) are the core's too (cpp/sip/transaction.*, one layer per connection).
// This file only decides what to send.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { header } from './sip.mjs';

// What the cloud offers as a registrar and a UAS (the client's own list is another: it takes no REGISTER).
export const ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER, INFO';
// Methods RFC 3261 and its extensions define that the cloud does not offer: 405 (§8.2.1).
const KNOWN_METHODS = new Set(['SUBSCRIBE', 'NOTIFY', 'PUBLISH', 'MESSAGE', 'REFER', 'UPDATE', 'PRACK', 'INFO']);

const token = (bytes = 8) => randomBytes(bytes).toString('hex');
export const newTag = () => token(6);
export const newCallId = () => `${token(10)}@acw-cloud`;
export const newBranch = () => `z9hG4bK${token(10)}`; // RFC 3261 §8.1.1.7 magic cookie

/**
 * The core's transaction layer for one connection. Sans-I/O: every input carries `now`, and after
 * each one what the layer queued is sent and its one timer re-armed.
 */
class ConnectionTransactions {
  constructor(ua, connection) {
    this.ua = ua;
    this.connection = connection;
    this.layer = ua.sip.transactions();
    this.clients = new Map(); // client transaction id -> {onResponse, onTimeout}
    this.timer = null;
  }

  now() {
    return performance.now();
  }

  /** Starts a client transaction for a request text; its id, 0 when the layer refused it. */
  sendRequest(text, handlers) {
    const id = this.layer.sendRequest(text, this.now());
    if (id) this.clients.set(id, handlers);
    this.flush();
    return id;
  }

  /** {match, id, cancels} for a parsed request (§17.2.3); a retransmission is answered here. */
  receiveRequest(request) {
    const disposition = JSON.parse(this.layer.receiveRequest(request.raw, this.now())) ?? { match: 'refused', id: 0, cancels: 0 };
    this.flush();
    return disposition;
  }

  /** The handlers of the client transaction a response matches, when it is for the TU (§17.1.3). */
  receiveResponse(response) {
    const match = JSON.parse(this.layer.receiveResponse(response.raw, this.now()));
    const handlers = match && this.clients.get(match.id);
    this.flush(); // a final response may end the transaction, and for an INVITE queue its ACK
    return match?.toTu ? handlers : undefined;
  }

  /** A response within server transaction `id`; false when the transaction is gone or already final. */
  respond(id, text) {
    const sent = this.layer.respond(id, text, this.now());
    this.flush();
    return sent;
  }

  flush() {
    for (const text of JSON.parse(this.layer.takeOutbox())) this.connection.send(text);
    for (const id of this.clients.keys()) if (!this.layer.exists(id)) this.clients.delete(id);
    clearTimeout(this.timer);
    this.timer = null;
    const deadline = this.layer.nextDeadline();
    if (deadline < 0) return;
    this.timer = setTimeout(() => this.timeout(), Math.max(0, Math.ceil(deadline - this.now())));
    this.timer.unref?.();
  }

  // Timers B and F end a client transaction with no final response: its TU hears of it. (H, no ACK
  // for a failure, needs nothing more: the leg ended with the failure.)
  timeout() {
    const failed = JSON.parse(this.layer.handleTimeout(this.now())).filter((f) => f.client).map((f) => this.clients.get(f.id));
    this.flush();
    for (const handlers of failed) {
      try {
        handlers?.onTimeout();
      } catch (e) {
        this.ua.log.error('sip', `timeout handler: ${e.stack ?? e}`);
      }
    }
  }

  // §17.1.4: the transport is gone; every transaction ends without a word.
  close() {
    clearTimeout(this.timer);
    this.clients.clear();
    this.layer.delete();
  }
}

export class UserAgent {
  constructor(cloud) {
    this.cloud = cloud;
    this.sip = cloud.sip;
    this.config = cloud.config;
    this.log = cloud.log;
    this.events = cloud.events;
    const h = cloud.config.host;
    this.host = h === '0.0.0.0' || h === '::' ? '127.0.0.1' : h.includes(':') ? `[${h}]` : h;
    this.contact = this.sip.formatNameAddr({ uriText: `sip:cloud@${this.host};transport=ws` });
    this.legs = new Map(); // `${connection.id} ${Call-ID}` -> ServerLeg | ClientLeg
    this.transactions = new Map(); // connection -> ConnectionTransactions
    this.registrar = null;
    this.router = null;
  }

  activeCalls() {
    return this.router ? this.router.calls.size : 0;
  }

  // ---- sending ---------------------------------------------------------------------------

  /** The transaction layer of an open connection (none once it closed). */
  transactionsOf(connection) {
    if (!connection.open) return undefined;
    let t = this.transactions.get(connection);
    if (!t) {
      t = new ConnectionTransactions(this, connection);
      this.transactions.set(connection, t);
    }
    return t;
  }

  /**
   * Builds and sends a response to a parsed request on its connection: within the request's server
   * transaction (request.transaction) when it has one, else statelessly (a 400 to a malformed one).
   */
  respond(connection, request, status, options = {}) {
    const text = this.sip.response(request.raw, status, options);
    this.log.debug('sip', `-> ${connection.id} ${status} ${request.method} ${request.callId}`);
    if (!request.transaction) connection.send(text);
    else if (!this.transactionsOf(connection)?.respond(request.transaction, text)) {
      this.log.debug('sip', `connection ${connection.id}: ${status} not sent: the ${request.method} transaction has ended`);
    }
    return text;
  }

  /** Builds a request: Via with a new branch (unless given), Max-Forwards, the given fields, body. */
  buildRequest({ method, uri, branch = newBranch(), from, to, callId, cseq, contact, headers = [], body = '', contentType = '' }) {
    const list = [
      ['Via', this.sip.formatVia({ transport: 'WSS', host: this.host, params: [['branch', branch]] })],
      ['Max-Forwards', '70'],
      ['From', from],
      ['To', to],
      ['Call-ID', callId],
      ['CSeq', `${cseq} ${method}`],
    ];
    if (contact) list.push(['Contact', contact]);
    list.push(...headers);
    if (body) list.push(['Content-Type', contentType || 'application/sdp']);
    return { text: this.sip.build({ request: true, method, uri, headers: list, body }), branch };
  }

  /**
   * Sends a request (built from spec, or spec.text as it is) as a client transaction: responses
   * matching it go to onResponse; with no final response in time (Timer F, or for an INVITE no
   * response at all: Timer B), onTimeout runs. An ACK for a 2xx is the TU's and goes out as it is.
   * Returns the request's text.
   */
  sendRequest(connection, spec, { onResponse = () => {}, onTimeout = () => {} } = {}) {
    const text = spec.text ?? this.buildRequest(spec).text;
    if (spec.method === 'ACK') {
      connection.send(text);
      return text;
    }
    this.log.debug('sip', `-> ${connection.id} ${spec.method} ${spec.uri ?? ''}`);
    const transactions = this.transactionsOf(connection);
    if (transactions && !transactions.sendRequest(text, { onResponse, onTimeout })) {
      this.log.warn('sip', `connection ${connection.id}: ${spec.method} refused by the transaction layer`);
    }
    return text;
  }

  // ---- receiving -------------------------------------------------------------------------

  receive(connection, text) {
    const message = this.sip.parse(text);
    if (!message.ok) {
      this.events.add('sip.malformed', { connection: connection.id, error: message.error, method: message.method || undefined });
      if (message.answerable && message.method !== 'ACK') {
        this.log.warn('sip', `connection ${connection.id}: 400 to a bad ${message.method}: ${message.error}`);
        this.respond(connection, message, 400, { headers: [['Warning', `399 acw-cloud "${message.error.replace(/["\\]/g, '')}"`]] });
      } else {
        this.log.warn('sip', `connection ${connection.id}: dropped a malformed message: ${message.error}`);
      }
      return;
    }
    // The digest fields every handler reads must be there (the parser's own checks should
    // already guarantee it; this keeps a gap there from becoming a fault here).
    if (!message.from || !message.to || !message.cseq || message.via.length === 0 || !message.viaOk) {
      this.events.add('sip.malformed', { connection: connection.id, error: 'unreadable From/To/CSeq/Via', method: message.method });
      if (message.request && message.method !== 'ACK' && message.via.length > 0) this.respond(connection, message, 400);
      return;
    }
    if (message.request) this.receiveRequest(connection, message);
    else this.receiveResponse(connection, message);
  }

  receiveResponse(connection, response) {
    const handlers = this.transactionsOf(connection)?.receiveResponse(response);
    if (!handlers) {
      this.log.debug('sip', `connection ${connection.id}: response ${response.status} matches no transaction (or was absorbed)`);
      return;
    }
    handlers.onResponse(response);
  }

  receiveRequest(connection, request) {
    const method = request.method;
    if (method !== request.cseq.method) {
      if (method !== 'ACK') this.respond(connection, request, 400, { reason: 'CSeq Method Mismatch' });
      return;
    }
    const disposition = this.transactionsOf(connection)?.receiveRequest(request);
    if (!disposition) return;
    // A retransmission got the last response again, an ACK for a non-2xx final ended its
    // transaction (§17.2.1), a full table answered 503: nothing for the TU.
    if (disposition.match !== 'new' && disposition.match !== 'ackForTu') return;
    request.transaction = disposition.id;
    const key = `${connection.id} ${request.callId}`;
    const leg = this.legs.get(key);
    if (method === 'ACK') {
      if (leg) leg.receive(request); // the ACK for a 2xx: the dialog's (§13.3.1.4)
      return;
    }
    if (request.maxForwards === 0) {
      this.respond(connection, request, 483);
      return;
    }
    if (method === 'CANCEL') {
      // §9.2: the layer found the INVITE server transaction the CANCEL matches.
      if (leg && leg.isServer && disposition.cancels && leg.invite.transaction === disposition.cancels) leg.receiveCancel(request);
      else this.respond(connection, request, 481);
      return;
    }
    if (request.to.tag) {
      // In a dialog (§12.2.2). A request of a dialog whose leg is on another connection is the
      // client back on a new one (RFC 5626 flow): the leg moves to it, or 481 when it cannot.
      const dialog = leg?.matches(request) ? leg : this.legOnOtherConnection(connection, request);
      if (!dialog) this.respond(connection, request, 481);
      else if (dialog.connection === connection || this.moveLeg(dialog, connection, request)) dialog.receive(request);
      return;
    }
    switch (method) {
      case 'REGISTER':
        this.registrar.receive(connection, request);
        return;
      case 'OPTIONS':
        this.receiveOptions(connection, request);
        return;
      case 'INVITE':
        if (leg && leg.isServer) {
          // Another INVITE with this Call-ID (a retransmission never gets here: the layer absorbed it).
          this.respond(connection, request, 482);
          return;
        }
        this.router.receiveInvite(connection, request);
        return;
      case 'BYE':
        this.respond(connection, request, 481);
        return;
      default:
        if (KNOWN_METHODS.has(method)) this.respond(connection, request, 405, { headers: [['Allow', ALLOW]] });
        else this.respond(connection, request, 501, { headers: [['Allow', ALLOW]] });
    }
  }

  // OPTIONS with X-AculabTurnRequest: 1 asks for the ICE servers (PROTOCOL.md "ICE servers").
  receiveOptions(connection, request) {
    const toTag = newTag();
    if (header(request, 'X-AculabTurnRequest') === '1') {
      this.respond(connection, request, 200, { toTag, body: JSON.stringify(this.cloud.iceServersFor(request.from?.uri?.user ?? '')), contentType: 'application/json' });
    } else {
      this.respond(connection, request, 200, { toTag, headers: [['Allow', ALLOW], ['Accept', 'application/sdp'], ['Supported', 'outbound']] });
    }
  }

  connectionClosed(connection) {
    this.transactions.get(connection)?.close();
    this.transactions.delete(connection);
    for (const leg of [...this.legs.values()]) if (leg.connection === connection) leg.connectionLost();
    this.registrar?.connectionClosed(connection);
  }

  /** The leg of the request's dialog (Call-ID and tags) that is held by another connection. */
  legOnOtherConnection(connection, request) {
    for (const leg of this.legs.values()) {
      if (leg.connection !== connection && leg.callId === request.callId && leg.matches(request)) return leg;
    }
    return undefined;
  }

  /**
   * Moves a leg to the connection its client's in-dialog request came on; false when the request
   * was answered here instead: 481 for a request without a Contact while the leg's connection is
   * still open, 403 for a Contact that is not the dialog's (a flow is replaced only by the same
   * client instance, RFC 5626 §4.2), 481 for a re-INVITE while the test switch
   * (config.refuseTargetRefresh: '*' or client ids) refuses target refreshes.
   */
  moveLeg(leg, connection, request) {
    const contact = request.contact[0]?.uri;
    if (!contact && leg.connection.open) {
      // While the dialog's connection lives, only a target refresh (with its Contact) moves it.
      this.respond(connection, request, 481);
      return false;
    }
    const target = this.sip.parseUri(leg.remoteTarget);
    if (contact && target && (contact.user !== target.user || contact.host.toLowerCase() !== target.host.toLowerCase())) {
      this.respond(connection, request, 403, { reason: 'Contact Is Not The Dialog\'s' });
      return false;
    }
    if (request.method === 'INVITE' && refusesTargetRefresh(this.config.refuseTargetRefresh, leg.clientId)) {
      this.respond(connection, request, 481);
      this.events.add('dialog.refused', { sipCallId: leg.callId, client: leg.clientId, connection: connection.id, reason: 'test switch' });
      leg.giveUp('target refresh refused');
      return false;
    }
    const from = leg.connection.id;
    this.removeLeg(leg);
    leg.connection = connection;
    this.addLeg(leg);
    this.events.add('dialog.moved', { sipCallId: leg.callId, client: leg.clientId, from, to: connection.id, method: request.method });
    this.log.info('sip', `${leg.callId}: dialog moved from connection ${from} to ${connection.id} (${request.method})`);
    leg.reattached();
    return true;
  }

  addLeg(leg) {
    this.legs.set(`${leg.connection.id} ${leg.callId}`, leg);
  }

  removeLeg(leg) {
    const key = `${leg.connection.id} ${leg.callId}`;
    if (this.legs.get(key) === leg) this.legs.delete(key);
  }

  /** Ends every call (BYE, CANCEL or 503), then gives the frames a moment to leave. */
  async shutdown() {
    for (const leg of [...this.legs.values()]) if (leg.detached) leg.giveUp('server shutting down');
    for (const leg of [...this.legs.values()]) leg.hangUp(503, 'server shutting down');
    if (this.router) this.router.shutdown();
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Whether the test switch (a list of client ids, or '*' for all) refuses a client's target refresh. */
export function refusesTargetRefresh(setting, clientId) {
  const list = Array.isArray(setting) ? setting : String(setting ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  return list.includes('*') || list.includes(clientId);
}

/**
 * Common to both legs: one dialog with one client connection. When that connection closes, a
 * confirmed leg waits config.reconnectLimit seconds for its client to come back on another one
 * (an in-dialog request moves it there: UserAgent.moveLeg); requests the cloud sends meanwhile
 * wait for it. States: early, accepted (2xx sent, no ACK yet), confirmed, ended.
 */
class Leg {
  constructor(ua, connection) {
    this.ua = ua;
    this.connection = connection;
    this.state = 'early';
    this.handlers = {};
    this.localCSeq = 0;
    this.endedWith = null;
    this.waiting = []; // requests for the client while it has no connection: [{spec, handlers}]
    this.reinvite = null; // the re-INVITE exchange in progress: {ours, cseq, connection?}
    this.onReinvite = null; // async (request) => {status, body?, headers?}: who answers an offer
  }

  /** on('ack'|'cancel'|'bye'|'end'|'provisional'|'answer'|'failure'|'info', fn). */
  on(name, fn) {
    (this.handlers[name] ??= []).push(fn);
    return this;
  }

  emit(name, ...args) {
    for (const fn of this.handlers[name] ?? []) {
      try {
        const result = fn(...args);
        // A service's async handler that rejects is a fault of this call only: it ends it.
        if (typeof result?.then === 'function') result.then(undefined, (e) => this.fault(name, e));
      } catch (e) {
        this.ua.log.error('call', `${name} handler: ${e.stack ?? e}`);
      }
    }
  }

  /** A handler of this leg failed (asynchronously): its call ends (CallRecord.fault), or the leg when it has no call. */
  fault(name, error) {
    this.ua.log.error('call', `${name} handler rejected: ${error?.stack ?? error}`);
    if (this.record) this.record.fault(error);
    else this.hangUp?.(500);
  }

  get ended() {
    return this.state === 'ended';
  }

  end(reason, extra = {}) {
    if (this.ended) return;
    this.state = 'ended';
    clearTimeout(this.ackTimer);
    clearTimeout(this.cancelTimer);
    // A BYE waiting for the client keeps the leg findable until its client comes back or gives up.
    if (this.waiting.length === 0) this.ua.removeLeg(this);
    this.endedWith = reason;
    this.emit('end', reason, extra);
  }

  get detached() {
    return Boolean(this.detachTimer);
  }

  /** The leg's connection closed: a confirmed call waits for the client's return, anything else ends now. */
  connectionLost() {
    const limit = this.ua.config.reconnectLimit ?? 0;
    if (this.state !== 'confirmed' || limit <= 0) {
      this.giveUp('connection closed');
      return;
    }
    this.ua.events.add('dialog.detached', { sipCallId: this.callId, client: this.clientId, connection: this.connection.id, limitS: limit });
    if (this.reinvite?.ours) this.reinvite.resend();
    this.detachTimer = setTimeout(() => this.giveUp('connection closed: no reconnect'), limit * 1000);
    this.detachTimer.unref?.();
  }

  /** On the new connection: what waited for it goes out, in order. */
  reattached() {
    clearTimeout(this.detachTimer);
    this.detachTimer = null;
    for (const { spec, handlers } of this.waiting.splice(0)) this.ua.sendRequest(this.connection, spec, handlers);
    if (this.ended) this.ua.removeLeg(this);
  }

  /**
   * The client is not coming back: what waited for it fails as a request with no answer does
   * (Timer B/F: its onTimeout), and the call ends as when a connection is lost.
   */
  giveUp(reason) {
    clearTimeout(this.detachTimer);
    this.detachTimer = null;
    for (const { handlers } of this.waiting.splice(0)) handlers.onTimeout?.();
    if (this.reinvite?.ours) this.reinvite.fail(); // sent on a connection that is gone
    if (this.ended) this.ua.removeLeg(this);
    else this.end(reason, { connectionLost: true });
  }

  /** A request in the dialog, now or once the client is back on a connection. */
  sendInDialog(spec, handlers = {}) {
    if (this.connection.open || !this.detached) this.ua.sendRequest(this.connection, spec, handlers);
    else this.waiting.push({ spec, handlers });
  }

  // In-dialog requests from the client.
  receive(request) {
    if (request.method === 'ACK') {
      if (this.reinvite && !this.reinvite.ours && request.cseq.number === this.reinvite.cseq) {
        this.reinvite = null; // the ACK for our 2xx to its re-INVITE (§14.2)
        this.emit('reinvite-ack', request);
      } else this.receiveAck(request);
      return;
    }
    if (this.ended) {
      // The cloud has ended the call (its BYE went out just now, on the client's return).
      this.ua.respond(this.connection, request, 481);
      return;
    }
    if (request.method === 'BYE') {
      this.ua.respond(this.connection, request, 200);
      // §15.1.2: a BYE in an early dialog ends the INVITE too: 487 to it.
      if (this.isServer && !this.finalStatus) this.send(487);
      const wasUp = this.state !== 'early';
      this.end('remote BYE');
      if (wasUp) this.emit('bye', request);
      return;
    }
    if (request.method === 'INFO') {
      this.ua.respond(this.connection, request, 200);
      this.emit('info', request);
      return;
    }
    if (request.method === 'INVITE') {
      this.receiveReinvite(request);
      return;
    }
    if (request.method === 'OPTIONS') {
      this.ua.respond(this.connection, request, 200, { headers: [['Allow', ALLOW]] });
      return;
    }
    this.ua.respond(this.connection, request, 405, { headers: [['Allow', ALLOW]] });
  }

  receiveAck() {}

  /**
   * A re-INVITE (§14.2): a target refresh (§12.2.2: its Contact is the new remote target) and an
   * offer (hold, ICE restart) for onReinvite to answer; without an onReinvite, 488 and the call
   * carries on as it was.
   */
  receiveReinvite(request) {
    const connection = this.connection;
    if (this.state !== 'confirmed' || this.reinvite) {
      // §14.1: one at a time. Ours pending: 491; theirs still unanswered: 500 with Retry-After.
      const busy = this.reinvite && !this.reinvite.ours;
      this.ua.respond(connection, request, busy ? 500 : 491, { headers: busy ? [['Retry-After', '1']] : [] });
      return;
    }
    if (request.contact[0]) this.remoteTarget = request.contact[0].uri.text;
    if (!this.onReinvite) {
      this.ua.respond(connection, request, 488);
      return;
    }
    const exchange = { ours: false, cseq: request.cseq.number };
    this.reinvite = exchange;
    const reply = ({ status, reason = '', body = '', headers = [] }) => {
      if (this.reinvite !== exchange) return;
      const ok = status >= 200 && status < 300;
      if (!ok) this.reinvite = null;
      // §13.3.1.4: no ACK for the 2xx in time, and the exchange is over all the same.
      else setTimeout(() => this.reinvite === exchange && (this.reinvite = null), this.ua.sip.timers.ackWait).unref?.();
      const list = ok ? [['Contact', this.ua.contact], ...headers] : headers;
      this.ua.respond(connection, request, status, { reason, headers: list, body, contentType: body ? 'application/sdp' : '' });
    };
    Promise.resolve()
      .then(() => this.onReinvite(request))
      .then(reply, (e) => {
        this.ua.log.warn('call', `${this.callId}: re-INVITE refused: ${e.message}`);
        reply({ status: e.status ?? 500 });
      });
  }

  /**
   * Our re-INVITE with an offer (§14.1); onFinal(response) gets its final response ({status: 408}
   * when none comes, or the client never comes back). A 2xx is ACKed here.
   */
  sendReinvite({ sdp, headers = [] }, onFinal) {
    if (this.ended || this.state !== 'confirmed' || this.reinvite) {
      onFinal({ status: 491, body: '', headers: [] });
      return;
    }
    const spec = {
      method: 'INVITE',
      uri: this.remoteTarget,
      from: this.localHeader,
      to: this.remoteHeader,
      callId: this.callId,
      cseq: this.nextCSeq(),
      contact: this.ua.contact,
      headers,
      body: sdp,
    };
    const exchange = { ours: true, spec };
    this.reinvite = exchange;
    const done = (response) => {
      if (exchange.finished) return;
      exchange.finished = true;
      if (this.reinvite === exchange) this.reinvite = null;
      onFinal(response);
    };
    const handlers = {
      onResponse: (response) => {
        if (response.status < 200) return;
        if (response.status < 300 && !exchange.finished) {
          if (response.contact[0]) this.remoteTarget = response.contact[0].uri.text;
          this.ua.sendRequest(this.connection, { method: 'ACK', uri: this.remoteTarget, from: this.localHeader, to: this.remoteHeader, callId: this.callId, cseq: spec.cseq });
        }
        done(response);
      },
      onTimeout: () => done({ status: 408, body: '', headers: [] }),
    };
    // Sent, and then the connection went with its transaction: it goes again, first, on the
    // client's return (a new CSeq: the client may have seen the first one).
    exchange.resend = () => {
      if (exchange.finished || this.waiting.some((w) => w.spec === spec)) return;
      spec.cseq = this.nextCSeq();
      spec.uri = this.remoteTarget;
      this.waiting.unshift({ spec, handlers });
    };
    exchange.fail = () => handlers.onTimeout();
    this.sendInDialog(spec, handlers);
  }

  /** Our BYE in the dialog (§15.1.1). */
  sendBye() {
    this.sendInDialog({
      method: 'BYE',
      uri: this.remoteTarget,
      from: this.localHeader,
      to: this.remoteHeader,
      callId: this.callId,
      cseq: this.nextCSeq(),
    });
  }

  nextCSeq() {
    this.localCSeq += 1;
    return this.localCSeq;
  }
}

/** The cloud as UAS for an INVITE a client sent (a call to a service or the caller's side of a client call). */
export class ServerLeg extends Leg {
  constructor(ua, connection, invite) {
    super(ua, connection);
    this.isServer = true;
    this.invite = invite;
    this.callId = invite.callId;
    this.localTag = newTag();
    this.remoteTag = invite.from.tag;
    this.clientId = invite.from.uri.user;
    this.remoteTarget = invite.contact[0]?.uri.text ?? invite.from.uri.text;
    this.remoteHeader = header(invite, 'From');
    this.localHeader = ua.sip.formatNameAddr({
      displayName: invite.to.displayName,
      uriText: invite.to.uri.text,
      params: [...invite.to.params, ['tag', this.localTag]],
    });
    this.finalStatus = 0;
    ua.addLeg(this);
  }

  matches(request) {
    return request.from.tag === this.remoteTag && request.to.tag === this.localTag;
  }

  /** A response to the INVITE: 1xx (Contact from 101 up), 2xx with the answer, or a final failure. */
  send(status, { reason = '', body = '', contentType = 'application/sdp', headers = [] } = {}) {
    if (this.ended || this.finalStatus) return false;
    const list = status > 100 && status < 300 ? [['Contact', this.ua.contact], ...headers] : headers;
    this.ua.respond(this.connection, this.invite, status, {
      reason,
      toTag: status > 100 ? this.localTag : '',
      headers: list,
      body,
      contentType: body ? contentType : '',
    });
    if (status >= 200) this.finalStatus = status;
    return true;
  }

  trying() {
    return this.send(100);
  }

  ringing() {
    return this.send(180);
  }

  progress(sdp, headers = []) {
    return this.send(183, { body: sdp, headers });
  }

  /** 200 with the answer; the call is up once the ACK comes (or ends without one: §13.3.1.4). */
  accept(sdp, headers = []) {
    if (!this.send(200, { body: sdp, headers })) return false;
    this.state = 'accepted';
    this.ackTimer = setTimeout(() => {
      if (this.state !== 'accepted') return;
      this.ua.log.warn('call', `${this.callId}: no ACK for 200: BYE`);
      this.sendBye();
      this.end('no ACK');
    }, this.ua.sip.timers.ackWait);
    this.ackTimer.unref?.();
    return true;
  }

  reject(status, reason = '', headers = []) {
    if (!this.send(status, { reason, headers })) return false;
    this.end(`rejected ${status}`);
    return true;
  }

  receiveAck() {
    if (this.state !== 'accepted') return;
    clearTimeout(this.ackTimer);
    this.state = 'confirmed';
    this.emit('ack');
  }

  // §9.2: 200 to the CANCEL; if the INVITE has no final response yet, 487 to it.
  receiveCancel(cancel) {
    this.ua.respond(this.connection, cancel, 200, { toTag: this.localTag });
    if (this.finalStatus) return;
    this.send(487);
    this.end('cancelled');
    this.emit('cancel');
  }

  /** Ends the call from the cloud's side, whatever its state. */
  hangUp(status = 480, reason = '') {
    if (this.ended) return;
    if (!this.finalStatus) this.reject(status, reason);
    else {
      this.sendBye();
      this.end('local BYE');
    }
  }
}

/** The cloud as UAC: an INVITE to a registered client (outbound call or the callee's side of a client call). */
export class ClientLeg extends Leg {
  /**
   * target: the client's Contact URI; from / to: name-addr texts (From without tag); sdp: the offer;
   * headers: extra [[name, value]] (X- headers relayed from the caller).
   */
  constructor(ua, connection, { target, from, fromUri, to, sdp, headers = [], clientId = '' }) {
    super(ua, connection);
    this.isServer = false;
    this.clientId = clientId;
    this.callId = newCallId();
    this.localTag = newTag();
    this.target = target;
    this.localHeader = ua.sip.formatNameAddr({ uriText: fromUri, displayName: from?.displayName ?? '', params: [['tag', this.localTag]] });
    this.toHeader = to;
    this.remoteHeader = to;
    this.remoteTarget = target;
    this.remoteTag = '';
    this.sdp = sdp;
    this.extra = headers;
    this.cseq = this.nextCSeq();
    this.status = 0;
    ua.addLeg(this);
  }

  matches(request) {
    return request.to.tag === this.localTag && (!this.remoteTag || request.from.tag === this.remoteTag);
  }

  start() {
    this.inviteText = this.ua.sendRequest(this.connection, {
      method: 'INVITE',
      uri: this.target,
      from: this.localHeader,
      to: this.toHeader,
      callId: this.callId,
      cseq: this.cseq,
      contact: this.ua.contact,
      headers: this.extra,
      body: this.sdp,
    }, {
      onResponse: (response) => this.receiveResponse(response),
      onTimeout: () => {
        if (this.ended || this.status >= 100) return;
        this.end('no response', { status: 408 });
        this.emit('failure', { status: 408, reason: this.ua.sip.reasonPhrase(408) });
      },
    });
    return this;
  }

  receiveResponse(response) {
    const status = response.status;
    if (this.ended) {
      // A 2xx after we gave up (a CANCEL that crossed the answer): ACK and BYE it (§15).
      if (status >= 200 && status < 300 && !this.byeAfterEnd) {
        this.byeAfterEnd = true;
        this.adoptDialog(response);
        this.sendAck();
        this.sendBye();
      }
      return;
    }
    if (status < 200) {
      this.status = Math.max(this.status, status);
      if (status > 100) {
        if (response.to.tag) this.remoteTag = response.to.tag;
        this.emit('provisional', response);
      }
      return;
    }
    this.status = status;
    if (status < 300) {
      if (this.state === 'confirmed') {
        this.sendAck(); // a retransmitted 2xx
        return;
      }
      this.adoptDialog(response);
      this.sendAck();
      clearTimeout(this.cancelTimer);
      if (this.cancelled) {
        this.sendBye();
        this.end('cancelled');
        return;
      }
      this.state = 'confirmed';
      this.emit('answer', response);
      return;
    }
    // §17.1.1.3: the transaction layer has sent the ACK for this non-2xx final.
    this.end(`final ${status}`, { status });
    this.emit('failure', { status, reason: response.reason, response });
  }

  adoptDialog(response) {
    this.remoteTag = response.to.tag;
    this.remoteHeader = header(response, 'To');
    // §12.1.2: the remote target is the Contact of the 2xx.
    if (response.contact[0]) this.remoteTarget = response.contact[0].uri.text;
  }

  sendAck() {
    this.ua.sendRequest(this.connection, {
      method: 'ACK',
      uri: this.remoteTarget,
      from: this.localHeader,
      to: this.remoteHeader,
      callId: this.callId,
      cseq: this.cseq,
    });
  }

  /** CANCEL while ringing (§9.1); if no final response follows in time the leg ends anyway. */
  cancel() {
    if (this.ended || this.state !== 'early' || this.cancelled) return;
    this.cancelled = true;
    this.ua.sendRequest(this.connection, { method: 'CANCEL', text: this.ua.sip.cancelFor(this.inviteText) });
    this.cancelTimer = setTimeout(() => this.end('cancelled (no answer to CANCEL)'), this.ua.sip.timers.cancelWait);
    this.cancelTimer.unref?.();
  }

  hangUp() {
    if (this.ended) return;
    if (this.state === 'early') this.cancel();
    else {
      this.sendBye();
      this.end('local BYE');
    }
  }
}
