// Client-to-client calls: the caller's INVITE is relayed to the callee's registered connection (a B2BUA: one dialog each side).
//
// The cloud answers the caller as UAS and calls the callee as UAC, relaying provisional and final
// responses, CANCEL and BYE between the two legs. SDP passes through unchanged, so the two
// browsers exchange media directly.
import { ServerLeg } from './ua.mjs';
import { TokenService } from './tokens.mjs';

export class ClientCall {
  constructor(router, connection, invite, target) {
    this.router = router;
    this.cloud = router.cloud;
    this.ua = router.ua;
    this.connection = connection;
    this.invite = invite;
    this.target = target;
    this.done = false;
  }

  start() {
    const { invite, target, ua } = this;
    const config = this.cloud.config;
    const a = new ServerLeg(ua, this.connection, invite);
    this.a = a;
    a.trying();
    const caller = invite.from.uri.user;
    this.record = this.router.newRecord({ kind: 'client', from: caller, to: target, sipCallId: invite.callId }, { connection: this.connection });
    this.record.stop = (status) => this.finish(status, 'cloud', status === 500 ? 'service fault' : 'max call duration');
    a.record = this.record;

    // A call to a client needs a token whose call_client covers it (PROTOCOL.md "Calls").
    const now = Date.now();
    const realm = `realm="${config.proxyDomain}"`;
    if (invite.from.uri.host.toLowerCase() !== config.clientDomain) return this.refuse(403, `caller ${invite.from.uri.host} is not a client of this cloud`);
    if (!invite.bearer) return this.refuse(401, 'no Bearer token', [['WWW-Authenticate', `Bearer ${realm}`]]);
    const check = this.cloud.tokens.verify(invite.bearer, { clientId: caller, now });
    if (!check.ok) {
      if (check.reason === 'wrong-client') return this.refuse(403, 'token is for another client');
      return this.refuse(401, `token ${check.reason}`, [['WWW-Authenticate', `Bearer ${realm}, error="invalid_token"`]]);
    }
    if (!TokenService.allowsCall(check.claims, target)) return this.refuse(403, `token does not allow calling ${target}`);
    const binding = this.cloud.registrar.lookup(target);
    if (!binding) return this.refuse(480, `${target} is not registered`);

    // Application headers (X-...) travel to the callee (PROTOCOL.md: extraSipHeaders), and the
    // callee's (answer()'s extraSipHeaders) back to the caller in its responses: the public client's
    // getSipHeaders on an outgoing call reads them from the 200.
    const extra = appHeaders(invite);
    const b = this.router.dial(binding, { fromUser: caller, fromHost: config.clientDomain, sdp: invite.body, headers: extra });
    this.b = b;
    b.record = this.record;
    this.record.event('call.routed', { connection: binding.connection.id });

    b.on('provisional', (response) => {
      if (response.status === 183 && response.body) a.progress(response.body, appHeaders(response));
      else a.send(response.status, { reason: response.reason, headers: appHeaders(response) });
      this.record.ringing(response.status);
    });
    b.on('answer', (response) => {
      this.lastSdp.set(b, response.body);
      a.accept(response.body, appHeaders(response));
      this.record.answered();
    });
    this.lastSdp = new Map([[a, invite.body]]);
    a.onReinvite = (request) => this.reinvite(a, b, request);
    b.onReinvite = (request) => this.reinvite(b, a, request);
    b.on('failure', ({ status, reason }) => this.finish(status, 'callee', reason));
    b.on('bye', () => this.finish(200, 'callee', 'BYE'));
    b.on('end', (why, extra2) => {
      if (extra2.connectionLost) this.finish(this.record.answeredAt ? 200 : 480, 'callee', why);
    });
    a.on('cancel', () => this.finish(487, 'caller', 'CANCEL'));
    a.on('bye', () => this.finish(200, 'caller', 'BYE'));
    a.on('end', (why) => this.finish(this.record.answeredAt ? 200 : 487, 'caller', why));
    this.ringTimer = setTimeout(() => {
      if (!this.record.answeredAt) this.finish(480, 'cloud', 'no answer');
    }, config.ringTimeout * 1000);
    b.start();
  }

  /**
   * A re-INVITE from one side (hold, ICE restart, a target refresh after a reconnect) goes to the
   * other, and its final response comes back (while that side is reconnecting it waits: 408 if it
   * never returns). An offer identical to the last one this side made (RFC 3264 §8: no change,
   * as a target refresh sends) is answered here with the other side's last SDP.
   */
  reinvite(from, to, request) {
    if (!request.body || request.body === this.lastSdp.get(from)) return { status: 200, body: this.lastSdp.get(to) ?? '' };
    return new Promise((resolvePromise) => {
      to.sendReinvite({ sdp: request.body, headers: appHeaders(request) }, (response) => {
        const ok = response.status >= 200 && response.status < 300;
        if (ok) {
          this.lastSdp.set(from, request.body);
          this.lastSdp.set(to, response.body);
        }
        resolvePromise({ status: response.status, reason: response.reason ?? '', body: ok ? response.body : '', headers: response.headers ? appHeaders(response) : [] });
      });
    });
  }

  refuse(status, why, headers = []) {
    this.cloud.log.info('proxy', `call ${this.invite.from.uri.user} -> ${this.target} refused ${status}: ${why}`);
    this.a.send(status, { headers });
    this.a.end(`refused ${status}`);
    this.done = true;
    this.record.end({ status, by: 'cloud', reason: why });
  }

  /** Ends both legs (each in the way its state needs) and the record, once. */
  finish(status, by, reason) {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.ringTimer);
    this.a.hangUp(status >= 300 ? status : 480);
    this.b?.hangUp();
    this.record.end({ status, by, reason });
  }
}

/** The X- headers of a message (not the cloud's own X-AculabTurnRequest), as [[name, value]]. */
function appHeaders(message) {
  return message.headers.filter(([name]) => /^x-/i.test(name) && name.toLowerCase() !== 'x-aculabturnrequest');
}
