// Registrar (RFC 3261 §10.3): bindings of client ids to WebSocket connections, Bearer tokens, expiry.
import { newTag } from './ua.mjs';
import { TokenService } from './tokens.mjs';
import { param } from './sip.mjs';

const DEFAULT_EXPIRES = 3600; // §10.2.1.1 when neither the Contact nor an Expires header says

export class Registrar {
  constructor(cloud) {
    this.cloud = cloud;
    this.ua = cloud.ua;
    this.config = cloud.config;
    this.tokens = cloud.tokens;
    this.events = cloud.events;
    this.log = cloud.log;
    this.bindings = new Map(); // client id -> [{clientId, contactUri, contact, connection, expiresAt, registeredAt, seq}]
    this.seq = 0;
    this.sweeper = setInterval(() => this.sweep(), 1000);
    this.sweeper.unref();
  }

  /**
   * The binding that receives calls for a client id: the most recently registered (or
   * refreshed) one that has not expired (seed guide, Troubleshooting).
   */
  lookup(clientId, now = Date.now()) {
    let best;
    for (const b of this.bindings.get(clientId) ?? []) {
      if (b.expiresAt > now && b.connection.open && (!best || b.seq > best.seq)) best = b;
    }
    return best;
  }

  list(now = Date.now()) {
    const out = [];
    for (const list of this.bindings.values()) {
      for (const b of list) {
        if (b.expiresAt <= now) continue;
        out.push({ client_id: b.clientId, contact: b.contactUri, expires_in: Math.ceil((b.expiresAt - now) / 1000), registered_at: new Date(b.registeredAt).toISOString() });
      }
    }
    return out;
  }

  sweep(now = Date.now()) {
    for (const [clientId, list] of this.bindings) {
      const keep = list.filter((b) => b.expiresAt > now);
      for (const b of list) if (b.expiresAt <= now) this.events.add('unregister', { client: clientId, contact: b.contactUri, reason: 'expired' });
      if (keep.length) this.bindings.set(clientId, keep);
      else this.bindings.delete(clientId);
    }
  }

  connectionClosed(connection) {
    for (const [clientId, list] of this.bindings) {
      const keep = list.filter((b) => b.connection !== connection);
      if (keep.length !== list.length) this.events.add('unregister', { client: clientId, connection: connection.id, reason: 'connection closed' });
      if (keep.length) this.bindings.set(clientId, keep);
      else this.bindings.delete(clientId);
    }
  }

  refuse(connection, request, clientId, status, why, headers = [], reason = undefined) {
    this.events.add('register.refused', { client: clientId, connection: connection.id, status, reason: why });
    this.log.info('registrar', `REGISTER ${clientId || '?'} refused ${status}: ${why}`);
    this.ua.respond(connection, request, status, { toTag: newTag(), headers, ...(reason ? { reason } : {}) });
  }

  // §10.3, steps 1-8, for AORs sip:CLIENT@KEY.webrtc-C.aculabcloud.net.
  receive(connection, request) {
    const aor = request.to.uri;
    const clientId = aor.user;
    if (aor.host.toLowerCase() !== this.config.clientDomain) {
      return this.refuse(connection, request, clientId, 404, `domain ${aor.host} is not ${this.config.clientDomain}`);
    }
    if (this.ua.sip.clientId(clientId) !== clientId) return this.refuse(connection, request, clientId, 404, 'not a client id');
    if (!request.contactOk) return this.refuse(connection, request, clientId, 400, 'bad Contact');

    const now = Date.now();
    const contacts = request.contact;
    // A query (§10.2.3) without a valid token for this client sees only this connection's bindings.
    if (contacts.length === 0) return this.answer(connection, request, clientId, now, [], this.tokenOk(request, clientId, now));

    const wildcard = contacts.some((c) => c.wildcard);
    const expiresOf = (contact) => {
      const p = param(contact.params, 'expires');
      if (typeof p === 'string' && /^[0-9]{1,10}$/.test(p)) return Number(p);
      return request.expires ?? DEFAULT_EXPIRES;
    };
    if (wildcard && (contacts.length !== 1 || request.expires !== 0)) {
      return this.refuse(connection, request, clientId, 400, 'Contact: * needs Expires: 0 and no other Contact');
    }

    const check = request.bearer ? this.tokens.verify(request.bearer, { clientId, now }) : { ok: false, reason: 'no token' };
    const removing = wildcard || contacts.every((c) => expiresOf(c) === 0);
    if (removing) {
      // disableIncoming sends expires=0 without Authorization (trace 2): the connection that holds a
      // binding may remove it; a valid token may remove it from anywhere.
      const list = this.bindings.get(clientId) ?? [];
      const uris = new Set(contacts.map((c) => c.uri.text));
      const keep = list.filter((b) => !((wildcard || uris.has(b.contactUri)) && (check.ok || b.connection === connection)));
      if (keep.length !== list.length) this.events.add('unregister', { client: clientId, connection: connection.id, reason: 'expires=0' });
      if (keep.length) this.bindings.set(clientId, keep);
      else this.bindings.delete(clientId);
      return this.answer(connection, request, clientId, now, contacts.map((c) => ({ contact: c, expires: 0 })), check.ok);
    }

    // RFC 6750 §3.1 / RFC 8898: no token -> a bare challenge; a bad token -> invalid_token.
    // The client reports INVALIDTOKEN for a refused token (PROTOCOL.md: 401/403), and the public
    // client (4.0.8) only does when WWW-Authenticate says error="invalid_token" (any other refusal
    // is FAILED to it): so the 403s for a token of another client, or one that does not enable
    // incoming calls, carry it too.
    const realm = `realm="${this.config.proxyDomain}"`;
    const invalid = (reason) => [['WWW-Authenticate', `Bearer ${realm}, error="invalid_token", error_description="${reason}"`]];
    if (!request.bearer) return this.refuse(connection, request, clientId, 401, 'no Bearer token', [['WWW-Authenticate', `Bearer ${realm}`]]);
    if (!check.ok) {
      if (check.reason === 'wrong-client') return this.refuse(connection, request, clientId, 403, 'token is for another client', invalid('wrong-client'));
      return this.refuse(connection, request, clientId, 401, `token ${check.reason}`, invalid(check.reason));
    }
    if (!TokenService.allowsIncoming(check.claims)) {
      return this.refuse(connection, request, clientId, 403, 'token does not enable incoming calls', invalid('incoming-not-enabled'));
    }

    const granted = [];
    for (const contact of contacts) {
      const asked = expiresOf(contact);
      if (asked !== 0 && asked < this.config.minExpires) {
        // §10.3 step 7: too brief -> 423 with Min-Expires.
        return this.refuse(connection, request, clientId, 423, `expires ${asked} < ${this.config.minExpires}`, [['Min-Expires', String(this.config.minExpires)]]);
      }
      // A binding lasts no longer than the token that made it.
      const tokenLeft = Math.max(1, Math.ceil(check.claims.exp - now / 1000));
      granted.push({ contact, expires: Math.min(asked, this.config.maxExpires, tokenLeft) });
    }
    const list = (this.bindings.get(clientId) ?? []).filter((b) => b.expiresAt > now);
    const added = granted.filter(({ contact, expires }) => expires !== 0 && !list.some((b) => b.contactUri === contact.uri.text && b.connection === connection)).length;
    if (list.length + added > this.config.maxBindingsPerClient) {
      return this.refuse(connection, request, clientId, 403, `more than ${this.config.maxBindingsPerClient} bindings for a client`, [], 'Too Many Bindings');
    }
    if (this.countOn(connection, now) + added > this.config.maxBindingsPerConnection) {
      return this.refuse(connection, request, clientId, 403, `more than ${this.config.maxBindingsPerConnection} bindings on a connection`, [], 'Too Many Bindings');
    }
    for (const { contact, expires } of granted) {
      const uri = contact.uri.text;
      const old = list.findIndex((b) => b.contactUri === uri && b.connection === connection);
      if (old >= 0) list.splice(old, 1);
      if (expires === 0) continue;
      list.push({ clientId, contactUri: uri, contact, connection, expiresAt: now + expires * 1000, registeredAt: now, seq: ++this.seq, callId: request.callId });
      this.events.add('register', { client: clientId, connection: connection.id, contact: uri, expires, refresh: old >= 0 });
      this.log.info('registrar', `${clientId} registered on connection ${connection.id} for ${expires}s`);
    }
    if (list.length) this.bindings.set(clientId, list);
    else this.bindings.delete(clientId);
    return this.answer(connection, request, clientId, now, granted, true);
  }

  tokenOk(request, clientId, now) {
    return Boolean(request.bearer) && this.tokens.verify(request.bearer, { clientId, now }).ok;
  }

  /** Bindings (of any client) that a connection holds. */
  countOn(connection, now) {
    let n = 0;
    for (const list of this.bindings.values()) for (const b of list) if (b.connection === connection && b.expiresAt > now) n++;
    return n;
  }

  // §10.3 step 8: 200 listing the bindings (each with its expires); `extra` lists contacts just
  // removed (expires=0), as the trace's stub echoes them. Without a valid token (`all` false) only
  // this connection's own bindings are listed: another client's Contacts are not its to see.
  answer(connection, request, clientId, now, extra = [], all = false) {
    const headers = [];
    const seen = new Set();
    const contactValue = (contact, expires) => this.ua.sip.formatNameAddr({
      displayName: contact.displayName,
      uriText: contact.uri.text,
      params: [...contact.params.filter(([k]) => k.toLowerCase() !== 'expires'), ['expires', String(expires)]],
    });
    for (const b of this.bindings.get(clientId) ?? []) {
      if (b.expiresAt <= now || (!all && b.connection !== connection)) continue;
      seen.add(b.contactUri);
      headers.push(['Contact', contactValue(b.contact, Math.ceil((b.expiresAt - now) / 1000))]);
    }
    for (const { contact, expires } of extra) {
      if (contact.wildcard || seen.has(contact.uri.text) || expires !== 0) continue;
      headers.push(['Contact', contactValue(contact, 0)]);
    }
    this.ua.respond(connection, request, 200, { toTag: newTag(), headers });
  }

  close() {
    clearInterval(this.sweeper);
  }
}
