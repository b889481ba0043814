// The dialler page's entry: fills the settings, builds the controls, wires each to the module that acts, then loads the package.
//
// The page uses only the package's public interface (AculabCloudClient, its calls, and the fifth
// constructor argument { url, logger, journal, sounds }). One concern per module:
//   registration.js  the client: start, stop, incoming calls on and off, token refresh
//   calls.js         dial, incoming, answer, reject, mute, hang up; each call's callbacks
//   call-cards.js    what a call looks like: its card and live stats, the incoming panel, the call log
//   audio.js         microphone options, remote <audio>, tones, autoplay, devices
//   keypad.js        DTMF   ·   log.js  the log pane   ·   tokens.js  the token service
//   settings.js      the settings form, and which cloud origins the person confirmed
//   network.js       the network panel: the local cloud's fault injection   ·   state.js  what the modules share
//   preflight.js     the connection test: the package's preflight and its report
//   dom.js, stats.js, tones.js: elements from text, getStats figures, Web Audio tones
//
// Every string that comes from the cloud or another client (caller ids, causes, errors, token
// service replies, log lines) reaches the page through textContent, never as markup; the page's
// Trusted Types policy would make any HTML-string sink throw anyway.

import { applyChosenSpeaker, canChooseSpeaker, refreshDevices, resumeSuspendedAudio, unlockAudio } from './audio.js';
import { refreshCards, updateCount } from './call-cards.js';
import { buildPresets, dial, updateCallButton, updateKind } from './calls.js';
import { $ } from './dom.js';
import { buildKeypad, sendKeyboardDigit } from './keypad.js';
import { clearLog } from './log.js';
import { buildNetworkPanel } from './network.js';
import { buildPreflightPanel } from './preflight.js';
import { closeClient, confirmCloud, disableIncoming, enableIncoming, loadPackage, saveJournal, setClientState, setIncomingState, startClient, stopClient } from './registration.js';
import { learnCloudId, showInitialSettings } from './settings.js';
import { page } from './state.js';

const STATS_MS = 1000;

const explicitCloudId = showInitialSettings();
buildPresets();
buildKeypad();
buildNetworkPanel();
buildPreflightPanel();
updateKind();
if (!canChooseSpeaker) {
  $('speaker-select').disabled = true;
  $('speaker-help').hidden = false;
}

$('settings').addEventListener('submit', startClient);
$('stop-button').addEventListener('click', stopClient);
$('journal-button').addEventListener('click', saveJournal);
$('url-confirm-yes').addEventListener('click', () => confirmCloud(true));
$('url-confirm-no').addEventListener('click', () => confirmCloud(false));
$('enable-button').addEventListener('click', enableIncoming);
$('disable-button').addEventListener('click', disableIncoming);
$('max-concurrent').addEventListener('change', updateCallButton);
$('dial-form').addEventListener('submit', dial);
for (const r of $('dial-form').querySelectorAll('input[name="kind"]')) r.addEventListener('change', updateKind);
document.addEventListener('keydown', sendKeyboardDigit);
$('audio-unlock-button').addEventListener('click', unlockAudio);
$('devices-button').addEventListener('click', refreshDevices);
$('speaker-select').addEventListener('change', applyChosenSpeaker);
// With a client running its onDeviceChange refreshes them (registration.js).
navigator.mediaDevices?.addEventListener?.('devicechange', () => page.client || refreshDevices());
document.addEventListener('click', resumeSuspendedAudio);
$('log-clear').addEventListener('click', clearLog);
window.addEventListener('pagehide', closeClient);
setInterval(refreshCards, STATS_MS);

setClientState('stopped', 'Loading the client…');
setIncomingState('off', 'Off');
updateCount();
refreshDevices();
await learnCloudId(explicitCloudId);
await loadPackage();
