// RFC 4733 through the browser's RTCDTMFSender (the default 100 ms tones, 70 ms gaps), for a call's
// PeerSession (./peer.js), which imports this on the call's first digits. insertDTMF replaces what
// is still queued, so new digits are appended to the tone buffer; and before DTLS is up
// (onConnected comes with the SIP 200) the sender cannot take digits yet, so they wait (up to
// 10 s) rather than being lost.

/** Queues `digits` on the call's RTCDTMFSender `dtmf`: sent now, or once it is ready. */
export function send(peer, dtmf, digits) {
  peer.pendingDtmf = (peer.pendingDtmf || '') + digits;
  flush(peer, dtmf, Date.now() + 10000);
}

function flush(peer, dtmf, giveUpAt) {
  if (peer.closed || !peer.pendingDtmf) return;
  if (dtmf.canInsertDTMF !== false) {
    try {
      dtmf.insertDTMF(dtmf.toneBuffer + peer.pendingDtmf, 100, 70);
      peer.pendingDtmf = '';
      return;
    } catch (e) {
      if (!e || e.name !== 'InvalidStateError') throw e;
    }
  }
  if (Date.now() > giveUpAt) {
    peer.events.log(1, `DTMF "${peer.pendingDtmf}" not sent: the audio sender never became ready`);
    peer.pendingDtmf = '';
    return;
  }
  clearTimeout(peer.dtmfTimer);
  peer.dtmfTimer = setTimeout(() => flush(peer, dtmf, giveUpAt), 50);
}
