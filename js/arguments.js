// The constructor's argument checks in JS, for a client made before the wasm core has loaded: the
// same rules and words as cpp/call/validation.cpp (check_cloud_id, check_access_key,
// check_client_id, check_url), so that a bad argument still throws at once; the engine checks again
// when it is created. tests/node/arguments.test.mjs compares the two on a table of inputs.

// "sip:" / "sip%3A" (either case of the hex), then "webrtc:" likewise, stripped from the front.
const strip = (s, scheme) => {
  if (s.length <= scheme.length || !s.startsWith(scheme)) return s;
  const rest = s.slice(scheme.length);
  if (rest[0] === ':') return rest.slice(1);
  return rest.slice(0, 3).toLowerCase() === '%3a' ? rest.slice(3) : s;
};

/** The message the engine would throw for these constructor arguments, or '' when they are good. */
export function constructorError(cloudId, accessKey, clientId, url) {
  if (!/^[0-9]+-[0-9]+-[0-9]+$/.test(cloudId)) return 'Invalid cloudId';
  if (!/^[0-9a-z]{1,63}$/.test(accessKey)) return 'Invalid webRtcAccessKey';
  if (!/^[A-Za-z0-9+\-_.]+$/.test(strip(strip(clientId, 'sip'), 'webrtc'))) return 'Invalid clientId';
  // eslint-disable-next-line no-control-regex
  if (url && (!/^wss?:\/\/[^/]/.test(url) || /[\x00-\x20\x7f]/.test(url))) return 'Invalid cloud URL';
  return '';
}
