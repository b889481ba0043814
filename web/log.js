// The log pane (the client's lines through ClientOptions.logger and the page's own, at the chosen log level) and the error banner.
import { $, clock, el } from './dom.js';

// The client's log levels 1-6 as class names for the pane's colours (0 is off).
const LEVEL_NAMES = ['', 'error', 'warn', 'info', 'call', 'detail', 'sip'];
const LOG_CAP = 1500;

const logList = $('log');

/** One line in the log pane: the client's lines (through options.logger) and the page's own. */
function appendLog(level, text, source) {
  const atBottom = logList.scrollHeight - logList.scrollTop - logList.clientHeight < 24;
  const li = el('li', { className: `log-${LEVEL_NAMES[level] || 'info'}`, dataset: { level: String(level), source } },
    el('time', { text: clock() }),
    el('span', { className: 'lvl', text: `${source === 'page' ? 'page' : 'L' + level}` }),
    el('span', { className: 'msg', text: String(text) }));
  logList.append(li);
  while (logList.childElementCount > LOG_CAP) logList.firstElementChild.remove();
  if (atBottom) logList.scrollTop = logList.scrollHeight;
}

function chosenLogLevel() {
  return Number($('log-level').value) || 0;
}

/** The page's own log lines follow the same level as the client's. */
export function pageLog(level, text) {
  if (level <= chosenLogLevel()) appendLog(level, text, 'page');
}

// The client calls this instead of the console (ClientOptions.logger); it has already filtered by logLevel.
export function clientLogger(level, text) {
  appendLog(level, text, 'client');
}

export function clearLog() {
  logList.replaceChildren();
}

/** The banner above the page for what the person must see; '' hides it. Logged at level 1 too. */
export function showError(text) {
  const box = $('page-error');
  box.textContent = text;
  box.hidden = !text;
  if (text) pageLog(1, text);
}
