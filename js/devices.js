// A live call's devices, imported by call.js only when a page switches them (not in the page
// weight): the microphone through RTCRtpSender.replaceTrack, the remote audio into a page's element.

// The guide's getStats string for a call without one.
const NO_PEER = 'No Session Description Handler or Peer Connection';

/**
 * Sends another microphone on the call's audio sender, with no renegotiation (the codec and the
 * SDP stay; replaceTrack needs none for a track of the same kind). `device`: a deviceId (opened
 * here with getUserMedia) or a MediaStream (its first audio track, cloned as options.localStream
 * is). Either way the call owns the new track, so the old one, also the call's own, is stopped;
 * the page's tracks never are. The mute state goes to the new track.
 */
export async function setMicrophone(call, device) {
  const peer = call._peer;
  if (!peer || !peer.pc) throw NO_PEER;
  const given = device && typeof device.getAudioTracks === 'function';
  if (!given && typeof device !== 'string') throw 'Invalid microphone';
  let track;
  if (given) {
    const mine = device.getAudioTracks()[0];
    if (!mine) throw 'No audio track';
    track = mine.clone();
  } else {
    // A failure (NotFoundError, NotAllowedError, ...) rejects as the browser's error: the call
    // goes on with the microphone it had.
    track = (await peer.env.getUserMedia({ audio: { deviceId: { exact: device } }, video: false })).getAudioTracks()[0];
  }
  const sender = peer.pc.getSenders().find((s) => s.track && s.track.kind === 'audio');
  if (!sender || peer.closed) {
    track.stop();
    throw peer.closed ? NO_PEER : 'No audio sent';
  }
  const old = sender.track;
  track.enabled = old.enabled;
  await sender.replaceTrack(track);
  peer.localStream.removeTrack(old);
  peer.localStream.addTrack(track);
  old.stop();
  return track;
}

/**
 * Plays the call's remote stream (the one onMedia gave; if none yet, when onMedia comes) in the
 * page's audio or video element, on the output device sinkId where the browser has setSinkId
 * (elsewhere, on the default output). The guide's troubleshooting note: an autoplay blocker stops
 * the element; then onAutoplayBlocked({ call, element, error }) is called so that the page can
 * ask for a click and call element.play() in it. Resolves to whether the element plays.
 */
export async function playRemoteStream(call, element, options = {}) {
  if (!element || typeof element.play !== 'function') throw 'Invalid element';
  call._output = [element, options];
  const { sinkId, onAutoplayBlocked } = options;
  if (sinkId !== undefined && typeof element.setSinkId === 'function' && element.sinkId !== sinkId) await element.setSinkId(sinkId);
  const [stream] = call._remoteStreams;
  if (!stream) return false;
  if (element.srcObject !== stream) element.srcObject = stream;
  try {
    await element.play();
    return true;
  } catch (error) {
    if (!error || error.name !== 'NotAllowedError') throw error;
    if (typeof onAutoplayBlocked === 'function') onAutoplayBlocked({ call, element, error });
    return false;
  }
}
