// Side by side (issue 14): the public client 4.0.8 and ours run the same page script, the interface guide's code and 4.0.8's additions (several streams, video, re-INVITE), in Chromium against the local cloud; the callbacks each page hears are compared.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertBuilt, cloudToken, endProcessSoon, ROOT, until } from './helpers.mjs';
import { bundleHarness, startTlsCloudAndBrowser } from './official-page.mjs';

const CLOUD_ID = '1-2-0'; // the public client's URL names it
// The camera's stream as the page's log shows it when onMedia gives it (sidePage's shape()).
const VIDEO_STREAM = 'MediaStream (0 audio, 1 video; new)';

/**
 * The page script, the same text for both clients (only its import differs): the guide's code
 * (webrtc-interface-v2-developer-guide: newCall, callDisconnected, the call control callbacks),
 * with every callback of either client recorded as the page sees it: its name and, for each
 * field of its object, the value (strings, booleans, numbers) or what it is (the call, a stream
 * and where the page first got it, a track). Commands the test gives (sendDtmf, mute, answer ...)
 * are recorded with what they returned or threw, and callbacks fired inside them say so.
 */
function sidePage(AculabCloudClient) {
  const log = [];
  const clients = new Map(); // label -> client
  const calls = new Map(); // label -> call
  const streams = new Map(); // MediaStream -> where the page first got it
  let localStream = null;
  let camera = null; // Chromium's fake camera, for the 4.0.8 additions (addStream, reinvite)
  const given = new Map(); // label -> the options object the page gave (README.multistream: "save your call_options")
  let inside = ''; // the command running, for callbacks fired synchronously inside it

  const callLabel = (call) => [...calls].find(([, c]) => c === call)?.[0];
  function shape(v, self) {
    if (v === null || v === undefined || ['string', 'number', 'boolean'].includes(typeof v)) return v ?? String(v);
    if (v instanceof MediaStream) return `MediaStream (${v.getAudioTracks().length} audio, ${v.getVideoTracks().length} video; ${streams.get(v) ?? 'new'})`;
    if (v instanceof MediaStreamTrack) return `MediaStreamTrack (${v.kind})`;
    if (v === self) return 'this call';
    if (callLabel(v)) return `call ${callLabel(v)}`;
    if ([...clients.values()].includes(v)) return 'the client';
    return `${typeof v} ${v.constructor?.name ?? ''}`.trim();
  }
  function record(who, name, obj, self) {
    const fields = {};
    for (const k of Object.keys(obj ?? {}).sort()) fields[k] = shape(obj[k], self);
    for (const v of Object.values(obj ?? {})) if (v instanceof MediaStream && !streams.has(v)) streams.set(v, `first given by ${name} of ${who}`);
    log.push({ who, name, fields, ...(inside ? { inside } : {}) });
  }
  function command(who, name, fn) {
    const entry = { who, name, result: '' };
    log.push(entry);
    const outer = inside;
    inside = name;
    try {
      const r = fn();
      entry.result = `returned ${shape(r)}`;
    } catch (e) {
      entry.result = `threw ${typeof e === 'string' ? `string '${e}'` : `${e?.constructor?.name} '${e?.message}'`}`;
    } finally {
      inside = outer;
    }
  }
  // What a page sees of a stream's tracks: kind, enabled, readyState.
  const tracks = (stream) => (stream ? stream.getTracks().map((t) => `${t.kind} ${t.enabled ? 'enabled' : 'disabled'} ${t.readyState}`).join(', ') : 'none');

  // The guide's call control callbacks; the rest of interface.md's and our extras are recorded too,
  // but for onQualityWarning(Cleared): setting one starts our quality sampling, which no 4.0.8 page
  // asks for (and in a call longer than its 5 s window the fake microphone's steady tone raises
  // constant-input-level).
  const GUIDE = ['onDisconnect', 'onRinging', 'onMedia', 'onConnecting', 'onConnected', 'onError'];
  const OTHERS = ['onMediaRemove', 'onLocalMediaRemove', 'onLocalVideoMute', 'onLocalVideoUnmute', 'onRemoteVideoMute',
    'onRemoteVideoUnmute', 'onReconnecting', 'onReconnected', 'onHold', 'onRemoteHold'];
  const meta = new Map(); // label -> { local, remote, locals, remotes, meter, ufrag }
  // localMedia: also onLocalMedia (both clients then call it instead of onConnecting); the echo call
  // has the guide's set, with onConnecting.
  function watch(call, who, { localMedia }) {
    meta.set(who, { locals: [], remotes: [] });
    const names = [...GUIDE, ...OTHERS, ...(localMedia ? ['onLocalMedia'] : [])];
    for (const name of names) {
      call[name] = (obj) => {
        record(who, name, obj, call);
        if (name === 'onMedia') {
          // The guide's gotMedia: the stream into an <audio> element, played (Chromium gives
          // WebAudio a remote stream's samples only while an element plays it).
          meta.get(who).remote = obj.stream;
          meta.get(who).remotes.push(obj.stream);
          const player = document.createElement('audio');
          document.body.append(player);
          player.srcObject = obj.stream;
          player.play().catch(() => {});
        }
        if (name === 'onConnecting' || name === 'onLocalMedia') {
          meta.get(who).local = obj.stream;
          meta.get(who).locals.push(obj.stream);
        }
        if (name === 'onDisconnect' && obj.call != null) {
          // The guide's callDisconnected: obj.call.disconnect() inside onDisconnect.
          command(who, 'disconnect() in onDisconnect', () => obj.call.disconnect());
        }
      };
    }
  }

  window.side = {
    log,
    // A new stream for each call: 4.0.8 stops the page's localStream as a call ends (README.md).
    async microphone() {
      // Chrome's audio processing attenuates a steady tone (DESIGN.md): off.
      localStream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false }, video: false });
      streams.set(localStream, 'the page\'s localStream');
    },
    client(label, cloudId, webRtcAccessKey, clientId) {
      const acc = new AculabCloudClient(cloudId, webRtcAccessKey, clientId, 0);
      clients.set(label, acc);
      acc.maxConcurrent = 1;
      acc.onIncomingState = (state) => record(label, 'onIncomingState', state);
      let n = 0;
      // The guide's newCall: callbacks set, then ringing().
      acc.onIncoming = (obj) => {
        const who = `${label} incoming ${++n}`;
        calls.set(who, obj.call);
        record(label, 'onIncoming', obj);
        watch(obj.call, who, { localMedia: true });
        command(who, 'ringing()', () => obj.call.ringing());
      };
    },
    enableIncoming(label, token) { command(label, 'enableIncoming(token)', () => clients.get(label).enableIncoming(token)); },
    disableIncoming(label) { command(label, 'disableIncoming()', () => clients.get(label).disableIncoming()); },
    callService(label, who, service) {
      command(who, `callService('${service}', { localStream })`, () => {
        const call = clients.get(label).callService(encodeURIComponent(service), { localStream });
        calls.set(who, call);
        watch(call, who, { localMedia: false });
      });
    },
    callClient(label, who, clientId, token) {
      command(who, `callClient('${clientId}', token, { localStream })`, () => {
        const call = clients.get(label).callClient(clientId, token, { localStream });
        calls.set(who, call);
        watch(call, who, { localMedia: true });
      });
    },
    answer(who) { command(who, 'answer({ localStream })', () => calls.get(who).answer({ localStream })); },
    reject(who, cause) { command(who, `reject(${cause})`, () => calls.get(who).reject(cause)); },
    disconnect(who) { command(who, 'disconnect()', () => calls.get(who).disconnect()); },
    sendDtmf(who, digits) { command(who, `sendDtmf('${digits}')`, () => calls.get(who).sendDtmf(digits)); },
    mute(who, ...args) { command(who, `mute(${args.join(', ')})`, () => calls.get(who).mute(...args)); },
    // The 4.0.8 additions (README.multistream): localStreams, addStream, removeStream, reinvite.
    async camera() {
      camera = await navigator.mediaDevices.getUserMedia({ audio: false, video: { width: 160, height: 120 } });
      streams.set(camera, 'the page\'s camera');
    },
    callClientStreams(label, who, clientId, token) {
      command(who, `callClient('${clientId}', token, { localStreams: [localStream], receiveVideo: true })`, () => {
        const options = { localStreams: [localStream], receiveVideo: true };
        given.set(who, options);
        const call = clients.get(label).callClient(clientId, token, options);
        calls.set(who, call);
        watch(call, who, { localMedia: true });
      });
      // In the same task: its INVITE's offer/answer is under way.
      command(who, 'addStream(camera) while the call is set up', () => calls.get(who).addStream(camera));
    },
    answerStreams(who) {
      command(who, 'answer({ localStreams: [localStream], receiveVideo: true })', () => {
        const options = { localStreams: [localStream], receiveVideo: true };
        given.set(who, options);
        calls.get(who).answer(options);
      });
    },
    /**
     * Commands given in one task, each [method, argument]: ['addStream', 'camera'], ['removeStream',
     * 'localStream'], ['reinvite', ['localStream', 'camera']] or ['reinvite', null] for reinvite({}).
     * Each after the first is recorded as "in the same task".
     */
    change(who, list) {
      const named = { localStream, camera };
      list.forEach(([method, arg], i) => {
        const same = i ? ' in the same task' : '';
        if (method === 'reinvite') {
          command(who, `reinvite(${arg ? `{ localStreams: [${arg.join(', ')}] }` : '{}'})${same}`,
            () => calls.get(who).reinvite(arg ? { localStreams: arg.map((n) => named[n]) } : {}));
        } else {
          command(who, `${method}(${arg})${same}`, () => calls.get(who)[method](named[arg]));
        }
      });
    },
    /** What a command would throw now ('' for nothing), not recorded: for waiting until a re-INVITE has settled. */
    probe(who, method, arg) {
      try {
        calls.get(who)[method]({ localStream, camera }[arg]);
      } catch (e) {
        return String(e);
      }
      return '';
    },
    /** The streams as the page sees them: the options it gave, each stream onLocalMedia and onMedia gave, its camera. */
    lookStreams(who, what) {
      const m = meta.get(who) ?? { locals: [], remotes: [] };
      const each = (list) => list.map((s) => `${shape(s)}: ${tracks(s) || 'no tracks'}`).join(' | ') || 'none';
      log.push({ who, name: `look: ${what}`, fields: {
        'options.localStreams': (given.get(who)?.localStreams ?? []).map((s) => shape(s)).join(', '),
        'onLocalMedia streams': each(m.locals),
        'onMedia streams': each(m.remotes),
        camera: tracks(camera),
      } });
    },
    /** Video frames decoded from the video track of the last stream onMedia gave with one (its inbound-rtp; 0 before that has any, -1 without a track). */
    async videoFrames(who) {
      const track = meta.get(who)?.remotes.findLast((s) => s.getVideoTracks().length)?.getVideoTracks()[0];
      if (!track) return -1;
      const stats = await calls.get(who).getStats();
      let frames = 0;
      (stats.reports ?? stats).forEach((r) => { if (r.type === 'inbound-rtp' && r.trackIdentifier === track.id) frames = r.framesDecoded ?? 0; });
      return frames;
    },
    /** Whether the call's ICE username fragment (its transport's, from getStats) is still the one it connected with. */
    async ice(who, what) {
      const stats = await calls.get(who).getStats();
      let ufrag = null;
      (stats.reports ?? stats).forEach((r) => { if (r.type === 'transport' && r.iceLocalUsernameFragment) ufrag = r.iceLocalUsernameFragment; });
      const m = meta.get(who);
      m.ufrag ??= ufrag;
      log.push({ who, name: `look: ICE ${what}`, fields: { 'username fragment': ufrag === null ? 'none' : ufrag === m.ufrag ? 'the one it connected with' : 'new (ICE restarted)' } });
    },
    note(who, name, fields) { log.push({ who, name, fields }); },
    /** A state the page can see, recorded in the log: the tracks of the local and remote streams and of the page's own. */
    look(who, what) {
      const m = meta.get(who) ?? {};
      log.push({ who, name: `look: ${what}`, fields: { localStream: tracks(localStream), 'onLocalMedia/onConnecting stream': tracks(m.local), 'onMedia stream': tracks(m.remote) } });
    },
    /** The RMS of what the page plays from the call's onMedia stream (-1 before there is one). */
    async played(who) {
      const m = meta.get(who);
      if (!m || !m.remote) return -1;
      if (!m.meter) {
        const ctx = new AudioContext();
        await ctx.resume();
        const analyser = ctx.createAnalyser();
        analyser.fftSize = 2048;
        ctx.createMediaStreamSource(m.remote).connect(analyser);
        m.meter = analyser;
      }
      const samples = new Float32Array(m.meter.fftSize);
      m.meter.getFloatTimeDomainData(samples);
      return Math.sqrt(samples.reduce((a, x) => a + x * x, 0) / samples.length);
    },
  };
}

const IMPORTS = {
  official: 'import { AculabCloudClient } from \'@aculab-com/aculab-webrtc\';',
  ours: 'import { AculabCloudClient } from \'/js/index.js\';',
};

/**
 * One client's page at https://webrtc-CLOUDID.aculabcloud.net/side-NAME.html, the public client's
 * name, which the browser maps to the local cloud: ours is not given the fifth argument, and connects
 * to wss://webrtc-CLOUDID.aculabcloud.net/sipproxy as 4.0.8 does. The public client is bundled by
 * esbuild; ours is imported from the cloud's /js/ (its wasm from /dist/).
 */
async function openSide(browser, which) {
  const origin = `https://webrtc-${CLOUD_ID}.aculabcloud.net`;
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  const source = `${IMPORTS[which]}\n(${sidePage})(AculabCloudClient);\n`;
  const body = which === 'official' ? await bundleHarness(source) : source;
  const type = which === 'official' ? '' : ' type="module"';
  await context.route(`${origin}/side-${which}.html`, (route) =>
    route.fulfill({ contentType: 'text/html', body: `<!doctype html><meta charset="utf-8"><title>side by side: ${which}</title><script${type} src="side-${which}.js"></script>` }));
  await context.route(`${origin}/side-${which}.js`, (route) => route.fulfill({ contentType: 'text/javascript', body }));
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  await page.goto(`${origin}/side-${which}.html`);
  await page.waitForFunction(() => window.side);
  const run = (method, ...args) => page.evaluate(([m, a]) => window.side[m](...a), [method, args]);
  const log = () => page.evaluate(() => window.side.log);
  return { context, page, problems, run, log };
}

/** What both scenarios drive a page with: tokens from the cloud, and waits on the page's log. */
function driver(side, cloud) {
  const token = (clientId, params) => cloudToken(cloud, clientId, params);
  const has = async (who, name, match = {}) => (await side.log()).find((e) => e.who === who && e.name === name &&
    Object.entries(match).every(([k, v]) => e.fields?.[k] === v));
  const waitFor = (who, name, match = {}) => until(() => has(who, name, match), { timeout: 60000, what: `${name} of ${who}` })
    .catch(async (e) => { throw new Error(`${e.message}; log: ${JSON.stringify(await side.log())}; ${side.problems.join(' | ')}`); });
  const heard = (who) => until(async () => (await side.run('played', who)) > 0.01, { timeout: 60000, what: `the audio of ${who} played` })
    .catch(async (e) => { throw new Error(`${e.message}; log: ${JSON.stringify(await side.log())}; ${side.problems.join(' | ')}`); });
  return { token, has, waitFor, heard };
}

/** The scenario, driven from here the same way for both clients; resolves to the page's log. */
async function scenario(side, cloud) {
  const { cloudId, accessKey } = cloud.config;
  const { token, waitFor, heard } = driver(side, cloud);

  await side.run('client', 'a', cloudId, accessKey, 'side-a');
  await side.run('client', 'b', cloudId, accessKey, 'side-b');

  // The echo service: the guide's outgoing call, DTMF, mute, disconnect.
  await side.run('microphone');
  await side.run('callService', 'a', 'echo', 'echo');
  await waitFor('echo', 'onConnected');
  await waitFor('echo', 'onMedia');
  await heard('echo');
  await side.run('sendDtmf', 'echo', '123#');
  await side.run('sendDtmf', 'echo', '12x');
  await side.run('mute', 'echo', true, false);
  await side.run('look', 'echo', 'after mute(true, false)');
  await side.run('mute', 'echo', false, true);
  await side.run('look', 'echo', 'after mute(false, true)');
  await side.run('mute', 'echo', false, false);
  await side.run('look', 'echo', 'after mute(false, false)');
  await side.run('disconnect', 'echo');
  await waitFor('echo', 'onDisconnect');
  await side.run('look', 'echo', 'after onDisconnect');

  // A service that does not exist (the cloud answers 404).
  await side.run('microphone');
  await side.run('callService', 'a', 'missing', 'no-such-service');
  await waitFor('missing', 'onDisconnect');

  // Client to client: b takes incoming calls; a calls it, b answers, a (the far end) hangs up.
  await side.run('enableIncoming', 'b', await token('side-b'));
  await waitFor('b', 'onIncomingState', { ready: true });
  await side.run('microphone');
  await side.run('callClient', 'a', 'a to b', 'side-b', await token('side-a', { call_client: 'side-b' }));
  await waitFor('b', 'onIncoming');
  await waitFor('a to b', 'onRinging');
  await side.run('microphone');
  await side.run('answer', 'b incoming 1');
  await waitFor('b incoming 1', 'onConnected');
  await waitFor('a to b', 'onConnected');
  await heard('b incoming 1');
  await heard('a to b');
  await side.run('disconnect', 'a to b');
  await waitFor('a to b', 'onDisconnect');
  await waitFor('b incoming 1', 'onDisconnect');
  await side.run('look', 'b incoming 1', 'after onDisconnect');

  // Rejected: a calls b again, b rejects with 486 as the guide's stopCall does.
  await side.run('microphone');
  await side.run('callClient', 'a', 'a to b again', 'side-b', await token('side-a', { call_client: 'side-b' }));
  await waitFor('b', 'onIncoming', { call: 'call b incoming 2' });
  await waitFor('a to b again', 'onRinging');
  await side.run('reject', 'b incoming 2', 486);
  await waitFor('a to b again', 'onDisconnect');
  await side.run('disableIncoming', 'b');
  await waitFor('b', 'onIncomingState', { ready: false });
  // Late callbacks (a rejected call's own end) have time to come.
  await new Promise((r) => setTimeout(r, 2000));
  return side.log();
}

/**
 * The 4.0.8 additions (README.multistream), between two clients of one kind: a call with
 * localStreams and receiveVideo on both ends; the caller adds the page's camera (the callee hears
 * onMedia for a stream with a video track, and decodes its frames or not), removes it, and sends
 * both streams again by reinvite; what each command throws at each point, and whether a re-INVITE
 * restarted ICE. Resolves to the page's log.
 */
async function streamsScenario(side, cloud) {
  const { cloudId, accessKey } = cloud.config;
  const { token, waitFor, heard } = driver(side, cloud);
  const caller = 'c to d';
  const callee = 'd incoming 1';
  const WAIT = 60000; // two peer connections encoding video on a loaded 2-core machine
  const entries = async (who, name, match = {}) => (await side.log()).filter((e) => e.who === who && e.name === name &&
    Object.entries(match).every(([k, v]) => e.fields?.[k] === v));
  const videoGiven = async () => (await entries(callee, 'onMedia', { stream: VIDEO_STREAM })).length;
  // A re-INVITE has settled once `method(arg)` throws what it throws outside one (never a success:
  // polling sends nothing). 4.0.8 says 'Re-invite in progress' only once its browser has made the
  // offer, a few ms after the command (README.md), so before that its probe looks settled: settled
  // is the expected answer after 'Re-invite in progress' was seen, or after a generous bound for
  // making an offer.
  const settled = async (method, arg, expected) => {
    const start = Date.now();
    let seen = false;
    await until(async () => {
      const thrown = await side.run('probe', caller, method, arg);
      seen ||= thrown === 'Re-invite in progress';
      return thrown === expected && (seen || Date.now() - start > 3000);
    }, { timeout: WAIT, what: `${method}(${arg}) of ${caller} throwing '${expected}' (the re-INVITE settled)` });
  };
  // The callee's video: more than 10 frames decoded from the last stream onMedia gave with a video
  // track, or that track gone (-1).
  const frames = async (what) => {
    const start = await side.run('videoFrames', callee);
    let last = start;
    await until(async () => {
      last = await side.run('videoFrames', callee);
      return last < 0 || last > start + 10;
    }, { timeout: WAIT, what: `video frames decoded by ${callee} ${what}` }).catch(() => {});
    await side.run('note', callee, `look: video frames decoded ${what}`, { growing: last > start + 10 });
  };

  await side.run('client', 'c', cloudId, accessKey, 'side-c');
  await side.run('client', 'd', cloudId, accessKey, 'side-d');
  await side.run('enableIncoming', 'd', await token('side-d'));
  await waitFor('d', 'onIncomingState', { ready: true });
  await side.run('microphone');
  await side.run('camera');
  await side.run('callClientStreams', 'c', caller, 'side-d', await token('side-c', { call_client: 'side-d' }));
  await waitFor('d', 'onIncoming');
  await waitFor(caller, 'onRinging');
  await side.run('answerStreams', callee);
  await waitFor(callee, 'onConnected');
  await waitFor(caller, 'onConnected');
  await heard(callee);
  await heard(caller);
  await side.run('ice', caller, 'connected');
  // One stream sent: the page's microphone is sent already, and it is the last.
  await side.run('change', caller, [['addStream', 'localStream'], ['removeStream', 'localStream']]);
  await side.run('lookStreams', caller, 'connected');
  await side.run('lookStreams', callee, 'connected');

  // addStream: a re-INVITE, and two more commands in the same task.
  await side.run('change', caller, [['addStream', 'camera'], ['addStream', 'camera'], ['reinvite', null]]);
  await until(async () => (await videoGiven()) === 1, { timeout: WAIT, what: `${callee} given the camera's stream (onMedia)` });
  await frames('after addStream');
  await settled('addStream', 'camera', 'Add stream error');
  await side.run('change', caller, [['addStream', 'camera']]);
  await side.run('ice', caller, 'after addStream');
  await side.run('lookStreams', caller, 'after addStream');
  await side.run('lookStreams', callee, 'after addStream');

  // removeStream: the camera goes; the callee has no video stream left (onMediaRemove).
  await side.run('change', caller, [['removeStream', 'camera']]);
  await settled('removeStream', 'camera', 'Remove stream error');
  await until(async () => (await entries(callee, 'onMediaRemove')).length >= 1, { timeout: WAIT, what: `${callee} told the camera's stream went (onMediaRemove)` });
  await side.run('change', caller, [['removeStream', 'camera'], ['removeStream', 'localStream']]);
  await side.run('ice', caller, 'after removeStream');
  await side.run('lookStreams', caller, 'after removeStream');
  await side.run('lookStreams', callee, 'after removeStream');

  // reinvite: both streams, in a new options object.
  await side.run('change', caller, [['reinvite', ['localStream', 'camera']]]);
  await until(async () => (await videoGiven()) === 2, { timeout: WAIT, what: `${callee} given the camera's stream again (onMedia)` });
  await frames('after reinvite');
  await settled('addStream', 'camera', 'Add stream error');
  await side.run('ice', caller, 'after reinvite');
  await side.run('lookStreams', caller, 'after reinvite');
  await side.run('lookStreams', callee, 'after reinvite');

  await side.run('disconnect', caller);
  await waitFor(caller, 'onDisconnect');
  await waitFor(callee, 'onDisconnect');
  await side.run('change', caller, [['addStream', 'camera'], ['removeStream', 'localStream'], ['reinvite', ['localStream']]]);
  await side.run('lookStreams', caller, 'after onDisconnect');
  await side.run('disableIncoming', 'd');
  await waitFor('d', 'onIncomingState', { ready: false });
  // Late callbacks have time to come.
  await new Promise((r) => setTimeout(r, 2000));
  return side.log();
}

/** An entry as one line: a callback with its fields, or a command with what it did. */
function line(e) {
  const fields = e.fields ? ` ${JSON.stringify(e.fields)}` : '';
  return `${e.name}${e.result ? ` -> ${e.result}` : ''}${fields}${e.inside ? ` (inside ${e.inside})` : ''}`;
}

// The calls the scenarios make (their other page objects: the clients a, b, c and d, b's and d's incoming calls).
const OUTGOING = new Set(['echo', 'missing', 'a to b', 'a to b again', 'c to d']);
const swapped = (entries, first, second, where = () => true) => entries.map((e, i) => {
  if (!where(e)) return e;
  if (e.name === first && entries[i + 1]?.name === second) return entries[i + 1];
  if (e.name === second && entries[i - 1]?.name === first) return entries[i - 1];
  return e;
});

/**
 * The differences README.md documents ("Switching from @aculab-com/aculab-webrtc"), each as a
 * rewrite of one client's entries for one page object (a call, or a client) into what the other
 * client gives, and the README's words for it (`readme`, checked to be there). Any other
 * difference fails the test, and so does a rewrite that no longer changes anything: the list
 * stays what the two clients do.
 */
const ACCEPTED = [
  {
    what: 'ours calls onMediaRemove for each stream onMedia gave as the call ends, just before onDisconnect',
    readme: '**`onMediaRemove`** is also called for each stream `onMedia` gave when the call ends, just before `onDisconnect`; 4.0.8 calls it only from a `removetrack` event',
    side: 'ours',
    rewrite: (entries) => entries.filter((e, i) => !(e.name === 'onMediaRemove' && entries.slice(i + 1).find((n) => n.name !== 'onMediaRemove')?.name === 'onDisconnect')),
  },
  {
    what: 'an outgoing call: ours calls onConnected as the answer comes, then onMedia when the browser has the far side\'s track; 4.0.8 holds both until ICE has connected, and calls onMedia first',
    readme: '**`onConnected` of an outgoing call** comes when the 2xx is acknowledged',
    side: 'ours',
    rewrite: (entries, who) => (OUTGOING.has(who) ? swapped(entries, 'onConnected', 'onMedia') : entries),
  },
  {
    what: 'sendDtmf with valid and invalid digits once media is up: ours throws \'Invalid DTMF string\', 4.0.8 \'DTMF send error\'',
    readme: '| sendDtmf(\'1x\') before media | string `DTMF send error`, and the same once media is up',
    side: 'ours',
    rewrite: (entries) => entries.map((e) => (/^sendDtmf\('.*[0-9A-D#*].*'\)$/.test(e.name) && e.result === 'threw string \'Invalid DTMF string\'' ? { ...e, result: 'threw string \'DTMF send error\'' } : e)),
  },
  {
    what: 'the page\'s localStream after the call: 4.0.8 stops its tracks as the call ends, ours never does',
    readme: '4.0.8 stops the tracks of the page\'s `localStream` when the call ends',
    side: 'official',
    rewrite: (entries) => entries.map((e) => (e.name === 'look: after onDisconnect' && e.fields.localStream === 'audio enabled ended' ? { ...e, fields: { ...e.fields, localStream: 'audio enabled live' } } : e)),
  },
  {
    what: 'a call between two clients: 4.0.8\'s callee sends 180 as the INVITE comes and again on ringing(), so its caller hears onRinging twice',
    readme: '**An incoming call rings only on `ringing()`**',
    side: 'official',
    rewrite: (entries) => entries.filter((e, i) => !(e.name === 'onRinging' && entries[i - 1]?.name === 'onRinging')),
  },
  {
    what: 'disableIncoming(): 4.0.8 reports onIncomingState {ready: false, cause: \'DISCONNECTED\', retry: \'\'} inside the call; ours {ready: false, cause: \'NORMAL\', retry: false} once the cloud has answered the REGISTER that removes the binding',
    readme: '**`disableIncoming()`** is reported as `onIncomingState({ready: false, cause: \'NORMAL\', retry: false})`',
    side: 'official',
    rewrite: (entries) => entries.map((e) => (e.name === 'onIncomingState' && e.inside === 'disableIncoming()' && e.fields.cause === 'DISCONNECTED' && e.fields.retry === ''
      ? { who: e.who, name: e.name, fields: { ...e.fields, cause: 'NORMAL', retry: false } } : e)),
  },
  {
    what: 'onLocalMedia for a stream addStream or reinvite adds, onLocalMediaRemove for one removeStream removes: 4.0.8 calls them inside the command, ours once the change is made in the browser, after the command\'s task',
    readme: '`onLocalMedia` for a stream added and `onLocalMediaRemove` for one removed come once the change is made in the browser, just after the command\'s task; 4.0.8 calls them inside the command',
    side: 'official',
    rewrite: (entries) => {
      const out = [...entries];
      for (let i = 0; i < out.length; i++) {
        const { inside, ...moved } = out[i];
        if (!/^onLocalMedia(Remove)?$/.test(moved.name) || !/^(addStream|removeStream|reinvite)\(/.test(inside ?? '')) continue;
        out.splice(i, 1);
        let end = i;
        while (out[end]?.name.endsWith(' in the same task')) end++;
        out.splice(end, 0, moved);
        i = end;
      }
      return out;
    },
  },
  {
    what: 'a second addStream, removeStream or reinvite in the task of one that started a re-INVITE: ours throws \'Re-invite in progress\'; 4.0.8 goes by its browser\'s signaling state, still stable, and throws what it would throw after the re-INVITE (\'Add stream error\' for the stream just added, \'At least one MediaStream needed in options.localStreams\' for reinvite({}))',
    readme: 'here every refusal is thrown before anything is sent, and `\'Re-invite in progress\'` from the moment `addStream`, `removeStream` or `reinvite` returns',
    side: 'official',
    rewrite: (entries) => {
      let started = false;
      return entries.map((e) => {
        if (!e.result) return e;
        if (!e.name.endsWith(' in the same task')) {
          started = /^(addStream|removeStream|reinvite)\(/.test(e.name) && e.result === 'returned undefined';
          return e;
        }
        return started ? { ...e, result: 'threw string \'Re-invite in progress\'' } : e;
      });
    },
  },
  {
    what: 'the options the caller gave: 4.0.8\'s addStream pushes the stream onto their localStreams array; ours leaves them as they are',
    readme: '4.0.8\'s `addStream` pushes the stream onto the `localStreams` array of the options the page gave',
    side: 'official',
    rewrite: (entries) => entries.map((e) => {
      const given = e.name.startsWith('look: ') && e.fields['options.localStreams'];
      const pushed = ', MediaStream (0 audio, 1 video; the page\'s camera)';
      return given && given.endsWith(pushed) ? { ...e, fields: { ...e.fields, 'options.localStreams': given.slice(0, -pushed.length) } } : e;
    }),
  },
  {
    what: 'the callee (no camera, receiveVideo: true) of the caller\'s camera added later: 4.0.8 answers its video inactive and hears onMedia and at once onMediaRemove (the stream emptied), with no frame decoded and no remote video (un)mute; ours receives it (asserted on its own in ours\' run), taken here to what 4.0.8 gives',
    readme: 'so with `receiveVideo: true` on both ends it never receives the camera the caller adds',
    side: 'ours',
    rewrite: (entries, who) => {
      if (!who.includes(' incoming ')) return entries;
      const emptied = `MediaStream (0 audio, 0 video; first given by onMedia of ${who})`;
      return entries.flatMap((e) => {
        if (/^onRemoteVideo(Mute|Unmute)$/.test(e.name)) return [];
        if (e.name === 'onMediaRemove' && e.fields.stream === emptied) return [];
        if (e.name === 'onMedia' && e.fields.stream === VIDEO_STREAM) return [e, { who, name: 'onMediaRemove', fields: { call: 'this call', stream: emptied } }];
        if (e.name.startsWith('look: video frames decoded')) return [{ ...e, fields: { growing: false } }];
        if (e.name.startsWith('look: ') && e.fields['onMedia streams']) {
          const received = /MediaStream \(0 audio, 1 video; ([^)]*)\): video enabled live/g;
          return [{ ...e, fields: { ...e.fields, 'onMedia streams': e.fields['onMedia streams'].replace(received, 'MediaStream (0 audio, 0 video; $1): no tracks') } }];
        }
        return [e];
      });
    },
  },
];

/**
 * The two logs compared page object by page object (the order between objects is the network's):
 * { differences: [{ who, official, ours }], unused: [what] } after the ACCEPTED rewrites.
 */
function compare(logs, accepted = ACCEPTED) {
  const byWho = (log) => {
    const m = new Map();
    for (const e of log) m.set(e.who, [...(m.get(e.who) ?? []), e]);
    return m;
  };
  const sides = { official: byWho(logs.official), ours: byWho(logs.ours) };
  const used = new Set();
  for (const rule of accepted) {
    for (const [who, entries] of sides[rule.side]) {
      const rewritten = rule.rewrite(entries, who);
      if (JSON.stringify(rewritten) !== JSON.stringify(entries)) used.add(rule);
      sides[rule.side].set(who, rewritten);
    }
  }
  const differences = [];
  for (const who of new Set([...sides.official.keys(), ...sides.ours.keys()])) {
    const official = (sides.official.get(who) ?? []).map(line);
    const ours = (sides.ours.get(who) ?? []).map(line);
    if (JSON.stringify(official) !== JSON.stringify(ours)) differences.push({ who, official, ours });
  }
  return { differences, unused: accepted.filter((r) => !used.has(r)).map((r) => r.what) };
}

const squeeze = (text) => text.replace(/\s+/g, ' ');

test('dist/ is built and Chromium is installed', () => assertBuilt());

describe('side by side: the public client 4.0.8 and ours, the same page script', { timeout: 1200000 }, () => {
  let cloud;
  let browser;
  const logs = {};
  const streamLogs = {};
  before(async () => {
    assertBuilt();
    ({ cloud, browser } = await startTlsCloudAndBrowser(CLOUD_ID, 'side-by-side'));
  });
  after(async () => {
    await browser?.close();
    await cloud?.stop();
    endProcessSoon();
  });

  for (const which of ['official', 'ours']) {
    test(`${which}: the guide's calls run to the end`, async () => {
      const side = await openSide(browser, which);
      try {
        logs[which] = await scenario(side, cloud);
        assert.deepEqual(side.problems, []);
      } finally {
        await side.context.close();
      }
    });
  }
  // The 4.0.8 additions, on a page of their own (clients c and d): their log joins the guide's.
  for (const which of ['official', 'ours']) {
    test(`${which}: streams, video and re-INVITE between two clients run to the end`, async () => {
      const side = await openSide(browser, which);
      try {
        streamLogs[which] = await streamsScenario(side, cloud);
        assert.deepEqual(side.problems, []);
        if (which === 'ours') {
          // The callee receives the camera each time it is sent (4.0.8's does not: ACCEPTED).
          const callee = streamLogs.ours.filter((e) => e.who === 'd incoming 1').map((e) => `${e.name} ${JSON.stringify(e.fields ?? {})}`);
          const at = (prefix) => callee.findIndex((l) => l.startsWith(prefix));
          assert.equal(callee.filter((l) => l.startsWith(`onMedia {"call":"this call","stream":"${VIDEO_STREAM}"}`)).length, 2, callee.join('\n'));
          assert.ok(at('look: video frames decoded after addStream {"growing":true}') >= 0, callee.join('\n'));
          assert.ok(at('look: video frames decoded after reinvite {"growing":true}') >= 0, callee.join('\n'));
          const removed = at('onMediaRemove {"call":"this call","stream":"MediaStream (0 audio, 0 video; first given by onMedia of d incoming 1)"}');
          assert.ok(removed > at('look: after addStream') && removed < at('look: after removeStream'), callee.join('\n'));
        }
      } finally {
        await side.context.close();
      }
    });
  }

  test('the same callbacks, in the same order, with the same fields, but for the differences README.md documents', () => {
    assert.ok(logs.official && logs.ours && streamLogs.official && streamLogs.ours, 'all four runs finished');
    const both = { official: [...logs.official, ...streamLogs.official], ours: [...logs.ours, ...streamLogs.ours] };
    if (process.env.ACW_TEST_SIDE_LOGS) console.log(JSON.stringify(both, null, 1));
    const { differences, unused } = compare(both);
    assert.deepEqual(differences, [], 'differences README.md does not document (add them there and to ACCEPTED, or fix them)');
    assert.deepEqual(unused, [], 'accepted differences that no longer occur (take them out of ACCEPTED and README.md)');
  });

  test('every accepted difference is in README.md\'s switching section', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = squeeze(readme.slice(readme.indexOf('## Switching from @aculab-com/aculab-webrtc'), readme.indexOf('## The local cloud and the dialler')));
    for (const rule of ACCEPTED) assert.ok(section.includes(squeeze(rule.readme)), `README.md does not say: ${rule.readme}`);
  });

  test('the comparison fails on a difference nobody documented', () => {
    assert.ok(logs.official && logs.ours, 'both runs finished');
    const echoEnd = (e) => e.who === 'echo' && e.name === 'onDisconnect';
    const changed = logs.ours.map((e) => (echoEnd(e) ? { ...e, fields: { ...e.fields, cause: 'FAILED' } } : e));
    const { differences } = compare({ official: logs.official, ours: changed });
    const echo = differences.find((d) => d.who === 'echo');
    assert.ok(echo && echo.ours.some((l) => l.startsWith('onDisconnect {"call":"this call","cause":"FAILED"}')), JSON.stringify(differences));
  });

  test('and on ours turned 4.0.8 in the streams: addStream in the task of another throwing what 4.0.8 throws', () => {
    assert.ok(streamLogs.official && streamLogs.ours, 'both runs finished');
    const second = (e) => e.who === 'c to d' && e.name === 'addStream(camera) in the same task';
    const changed = streamLogs.ours.map((e) => (second(e) ? { ...e, result: 'threw string \'Add stream error\'' } : e));
    assert.equal(changed.filter(second).length, 1);
    const { differences } = compare({ official: streamLogs.official, ours: changed });
    const caller = differences.find((d) => d.who === 'c to d');
    assert.ok(caller && caller.ours.includes('addStream(camera) in the same task -> threw string \'Add stream error\''), JSON.stringify(differences));
  });
});
