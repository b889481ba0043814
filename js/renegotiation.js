// What a live call sends, changed before the browser's next offer: hold (RFC 3264 §8.4) and the
// streams of 4.0.8's README.multistream (addStream, removeStream, reinvite). Imported by peer.js
// and client.js only when a page changes them (not in the page weight). No SDP here either: the
// browser's offer follows the transceivers.

/**
 * Held: each transceiver stops receiving (sendrecv -> sendonly, recvonly -> inactive) and sends
 * nothing (its track is taken off the sender; the page's mute state stays on the track); back,
 * each gets its direction and track again.
 */
export async function hold(peer, on) {
  if (!!on === !!peer.held) return;
  if (on) {
    peer.held = peer.pc.getTransceivers().map((tr) => ({ tr, direction: tr.direction, track: tr.sender.track }));
    for (const { tr, direction } of peer.held) tr.direction = direction === 'sendrecv' ? 'sendonly' : direction === 'recvonly' ? 'inactive' : direction;
    await Promise.all(peer.held.map(({ tr }) => tr.sender.replaceTrack(null)));
  } else {
    const held = peer.held;
    peer.held = null;
    for (const { tr, direction } of held) tr.direction = direction;
    await Promise.all(held.map(({ tr, track }) => tr.sender.replaceTrack(track)));
  }
}

/** Sends another of the page's streams, cloned (onLocalMedia gives the clone). */
export function addStream(peer, stream) {
  const own = stream.clone();
  peer.streams.set(stream, own);
  for (const t of own.getTracks()) peer.pc.addTrack(t, own);
  peer.events.localStream(own);
}

/** Stops sending a stream (the page's or its clone): the clone's tracks end (onLocalMediaRemove). */
export function removeStream(peer, stream) {
  const page = peer.key(stream);
  const own = peer.streams.get(page);
  peer.streams.delete(page);
  const tracks = own.getTracks();
  for (const sender of peer.pc.getSenders()) if (tracks.includes(sender.track)) peer.pc.removeTrack(sender);
  for (const t of tracks) t.stop();
  peer.events.localStreamRemoved(own);
}

/** reinvite(options): sends what options.localStreams lists, adding and removing streams. */
export function setStreams(peer, streams) {
  for (const page of [...peer.streams.keys()]) if (!streams.some((s) => peer.key(s) === page)) removeStream(peer, page);
  for (const s of streams) if (!peer.has(s)) addStream(peer, s);
}
