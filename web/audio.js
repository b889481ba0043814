// The page's sound: microphone options for calls, one <audio> per call's remote stream, ringback and ringtone, the autoplay unlock, device choice.
import { $, el, errorText } from './dom.js';
import { pageLog } from './log.js';
import { calls, page } from './state.js';
import { Cadence, RINGBACK, RINGTONE } from './tones.js';

/** AculabCloudCallOptions for a new or answered call: the chosen microphone and processing, and the camera when Video is on. */
export function callOptions() {
  const processing = $('processing').checked;
  const audio = { echoCancellation: processing, noiseSuppression: processing, autoGainControl: processing };
  const mic = $('mic-select').value;
  if (mic) audio.deviceId = { exact: mic };
  const video = $('video').checked;
  return { constraints: { audio, video }, receiveAudio: true, receiveVideo: video };
}

// ---- tones (Web Audio; nothing shipped) ----------------------------------------------------

let audioContext = null;

/** The page's AudioContext, made on first use and resumed if the browser suspended it; null without Web Audio. */
export function ensureAudioContext() {
  if (!audioContext) {
    const Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) return null;
    audioContext = new Ctx();
    audioContext.addEventListener('statechange', checkUnlock);
    applySinkToContext();
  }
  if (audioContext.state === 'suspended') audioContext.resume().catch(() => {}).finally(checkUnlock);
  return audioContext;
}

/** Any click may be the gesture the browser wants before sound can start. */
export function resumeSuspendedAudio() {
  if (audioContext && audioContext.state === 'suspended') audioContext.resume().catch(() => {}).finally(checkUnlock);
}

const ringback = new Cadence(RINGBACK, ensureAudioContext);
const ringtone = new Cadence(RINGTONE, ensureAudioContext);

/** Ringback only while an outgoing call rings with no early media; ringtone while a call is offered. */
export function updateTones() {
  const list = [...calls.values()];
  const wantBack = list.some((r) => r.direction === 'out' && r.state === 'ringing' && !r.stream);
  const wantRing = list.some((r) => r.direction === 'in' && r.state === 'incoming');
  // The dialler plays its own unless the settings chose the package's (options.sounds) or none.
  const own = !page.clientSettings || page.clientSettings.sounds === 'page';
  if (wantBack && own) ringback.start();
  else ringback.stop();
  if (wantRing && own) ringtone.start();
  else ringtone.stop();
  document.body.dataset.tones = own ? 'page' : 'package';
  document.body.dataset.ringback = wantBack ? 'on' : 'off';
  document.body.dataset.ringtone = wantRing ? 'on' : 'off';
  for (const r of list) if (r.card) r.card.classList.toggle('ringback', wantBack && r.direction === 'out' && r.state === 'ringing' && !r.stream);
}

// ---- remote audio and autoplay ------------------------------------------------------------

/** Plays the call's remote stream (from onMedia) in its own <audio>, on the chosen speaker. */
export function attachAudio(rec) {
  if (!rec.stream) return;
  if (!rec.audio) {
    rec.audio = el('audio', { autoplay: true, dataset: { call: String(rec.id) } });
    $('players').append(rec.audio);
    applySink(rec.audio);
  }
  if (rec.sinkId !== undefined) return void playOn(rec, rec.sinkId);
  rec.audio.srcObject = rec.stream;
  playAudio(rec.audio);
}

/** The call's own speaker (its card's picker): the package's playRemoteStream, with setSinkId. */
export function playOn(rec, sinkId) {
  rec.sinkId = sinkId;
  if (!rec.audio) return;
  rec.call.playRemoteStream(rec.audio, { sinkId, onAutoplayBlocked: () => showUnlock(true) })
    .then((playing) => playing && checkUnlock(), (e) => pageLog(2, `call ${rec.id} speaker: ${errorText(e)}`));
}

/** The call's microphone (its card's picker): the package's setMicrophone, no renegotiation. */
export function switchMicrophone(rec, chosen) {
  // 'Default': the browser's default device, where it names one ('default' in Chromium).
  const inputs = deviceList.filter((d) => d.kind === 'audioinput');
  const deviceId = chosen || (inputs.find((d) => d.deviceId === 'default') || inputs[0] || {}).deviceId || 'default';
  rec.call.setMicrophone(deviceId).then(
    (track) => pageLog(3, `call ${rec.id}: microphone now ${track.label || deviceId}`),
    (e) => pageLog(1, `call ${rec.id} microphone: ${errorText(e)}`));
}

function playAudio(audio) {
  const p = audio.play();
  if (p && p.catch) {
    p.then(checkUnlock, (e) => {
      // The guide's troubleshooting note: autoplay blockers stop remote audio; offer a control.
      if (e && e.name === 'NotAllowedError') showUnlock(true);
      else if (e && e.name !== 'AbortError') pageLog(2, `audio: ${errorText(e)}`);
    });
  }
}

export function detachAudio(rec) {
  if (!rec.audio) return;
  rec.audio.pause();
  rec.audio.srcObject = null;
  rec.audio.remove();
  rec.audio = null;
  checkUnlock();
}

function showUnlock(on) {
  $('audio-unlock').hidden = !on;
  document.body.dataset.audioBlocked = on ? 'yes' : 'no';
}

/** Shows the Start audio control while a call's audio or a tone is held back by the browser. */
function checkUnlock() {
  const blockedAudio = [...document.querySelectorAll('#players audio')].some((a) => a.paused && a.srcObject);
  const blockedContext = audioContext && audioContext.state === 'suspended' && (ringback.playing || ringtone.playing);
  showUnlock(blockedAudio || !!blockedContext);
}

/** Start audio: the person's click lets the tones and every held-back call's audio play. */
export function unlockAudio() {
  ensureAudioContext();
  for (const a of document.querySelectorAll('#players audio')) if (a.paused && a.srcObject) playAudio(a);
  setTimeout(checkUnlock, 0);
}

// ---- devices ------------------------------------------------------------------------------

export const canChooseSpeaker = 'setSinkId' in HTMLMediaElement.prototype;

function speakerId() {
  return $('speaker-select').value;
}

function applySink(audio) {
  if (!canChooseSpeaker || calls.get(Number(audio.dataset.call))?.sinkId !== undefined) return;
  audio.setSinkId(speakerId()).catch((e) => pageLog(2, `speaker: ${errorText(e)}`));
}

function applySinkToContext() {
  if (audioContext && typeof audioContext.setSinkId === 'function') {
    audioContext.setSinkId(speakerId()).catch((e) => pageLog(2, `tone speaker: ${errorText(e)}`));
  }
}

/** Moves every call's audio and the tones to the speaker now chosen. */
export function applyChosenSpeaker() {
  for (const a of document.querySelectorAll('#players audio')) applySink(a);
  applySinkToContext();
}

function fillDevices(select, devices, noun) {
  const keep = select.value;
  select.replaceChildren(el('option', { value: '', text: 'Default' }));
  devices.forEach((d, i) => {
    if (d.deviceId === 'default' || d.deviceId === '') return;
    select.append(el('option', { value: d.deviceId, text: d.label || `${noun} ${i + 1}` }));
  });
  if ([...select.options].some((o) => o.value === keep)) select.value = keep;
}

let deviceList = [];

/** A call card's microphone and speaker pickers, from the devices last listed. */
export function fillCallDevices(rec) {
  const mic = rec.card && rec.card.querySelector('.call-mic');
  if (!mic) return;
  fillDevices(mic, deviceList.filter((d) => d.kind === 'audioinput'), 'Microphone');
  const speaker = rec.card.querySelector('.call-speaker');
  fillDevices(speaker, deviceList.filter((d) => d.kind === 'audiooutput'), 'Speaker');
  speaker.disabled = !canChooseSpeaker;
  // A new card starts from the Audio panel's choices, which the call was made with.
  if (!mic.dataset.filled) {
    mic.dataset.filled = 'yes';
    mic.value = $('mic-select').value;
    speaker.value = $('speaker-select').value;
  }
}

/** Lists the microphones and speakers (with names once a call has had the microphone), keeping the choices. */
export async function refreshDevices() {
  const md = navigator.mediaDevices;
  if (!md || !md.enumerateDevices) return;
  try {
    deviceList = await md.enumerateDevices();
    fillDevices($('mic-select'), deviceList.filter((d) => d.kind === 'audioinput'), 'Microphone');
    fillDevices($('speaker-select'), deviceList.filter((d) => d.kind === 'audiooutput'), 'Speaker');
    for (const rec of calls.values()) fillCallDevices(rec);
  } catch (e) {
    pageLog(2, `devices: ${errorText(e)}`);
  }
}
