// Workarounds for werift 0.24 defects that the local cloud meets (under load; after an ICE
// restart), applied once to the werift module the cloud (and the load bench's far peers) use.
//
// A second HelloVerifyRequest kills werift's DTLS client. werift's client retransmits its first
// ClientHello after 0.5 s; when the server's HelloVerifyRequest takes longer than that (a busy
// machine, a lost packet), the server answers both ClientHellos, and the client's Flight3 throws on
// the second ("if (this.dtls.flight === 3) throw new Error()"): the handshake fails, the far end
// stays "connecting". RFC 6347 4.2.1: a client that already sent its ClientHello with the cookie
// may simply ignore a repeated HelloVerifyRequest (its own flight's retransmission covers loss).

const HELLO_VERIFY_REQUEST = 3; // HandshakeType hello_verify_request

/** Drops a HelloVerifyRequest once the client has answered one (flight 3 or later). */
export function ignoreRepeatedHelloVerify(dtlsClient) {
  const handle = dtlsClient.onHandleHandshakes;
  if (typeof handle !== 'function' || handle.acwWrapped) return dtlsClient;
  const wrapped = (assembled) => {
    if (dtlsClient.dtls?.flight >= 3) {
      const rest = assembled.filter((h) => h.msg_type !== HELLO_VERIFY_REQUEST);
      if (rest.length !== assembled.length) {
        if (rest.length === 0) return Promise.resolve();
        return handle(rest);
      }
    }
    return handle(assembled);
  };
  wrapped.acwWrapped = true;
  dtlsClient.onHandleHandshakes = wrapped;
  return dtlsClient;
}

/**
 * An ICE restart on a connection whose DTLS is up never starts ICE again. The answerer's
 * setRemoteDescription(offer with a new ufrag/pwd) restarts the ICE agent (RTCIceTransport.restart:
 * new credentials, no nominated pair, consent stopped) and setLocalDescription(answer) then calls
 * RTCPeerConnection.connect(), which skips every transport whose DTLS is connected before it
 * would call iceTransport.start(). So the restarted agent never forms its check list: it answers
 * the far end's checks (whose ICE then says connected) but queues them as early checks, never
 * nominates a pair, and Connection.send() drops every packet for want of one (RFC 7675: no
 * consent). Seen in the local cloud: after a browser's ICE restart on a dead path, the echo's
 * packetsOut grew, the browser heard nothing, and the agent had no nominated pair with its early
 * checks piling up. This starts the restarted agent (its connect(): early checks handled, the
 * pair the far end nominates taken, consent checks again) before werift's connect() runs.
 */
export async function startRestartedIce(pc) {
  await Promise.allSettled(
    (pc.dtlsTransports ?? []).map((dtls) => {
      const ice = dtls.iceTransport;
      const agent = ice?.connection;
      const restarted = dtls.state === 'connected' && agent && !agent.nominated && agent.remoteUsername && ice.state !== 'closed';
      return restarted ? ice.start() : undefined;
    }),
  );
}

const applied = new WeakSet();

/** Applies the workarounds to a loaded werift module (its exports); once per module. */
export function applyWeriftFixes(werift) {
  const Transport = werift?.RTCDtlsTransport;
  if (!Transport || applied.has(Transport)) return werift;
  applied.add(Transport);
  const start = Transport.prototype.start;
  // start() makes its DtlsClient synchronously, before its first await; the client's first
  // ClientHello goes 100 ms later, so the wrapper is in place before any answer can come.
  Transport.prototype.start = function startWithFixes(...args) {
    const done = start.apply(this, args);
    if (this.dtls instanceof werift.DtlsClient) ignoreRepeatedHelloVerify(this.dtls);
    return done;
  };
  const connect = werift.RTCPeerConnection?.prototype?.connect;
  if (typeof connect === 'function') {
    werift.RTCPeerConnection.prototype.connect = async function connectWithFixes(...args) {
      await startRestartedIce(this);
      return connect.apply(this, args);
    };
  }
  return werift;
}
