// The dialler's settings: defaults for the local cloud serving the page, what was stored, and the query string.
import { $ } from './dom.js';
import { page } from './state.js';

export const FIELDS = {
  cloudId: 'cloud-id',
  accessKey: 'access-key',
  clientId: 'client-id',
  logLevel: 'log-level',
  url: 'cloud-url',
  maxConcurrent: 'max-concurrent',
  tokenUrl: 'token-url',
  accountUser: 'account-user',
  apiKey: 'api-key',
  ttl: 'token-ttl',
  sounds: 'sounds',
};
const STORE_KEY = 'acw-dialler-settings';
// The API key is a secret: kept only for this page's life, never stored.
const NOT_STORED = new Set(['apiKey']);
// Settings from the query string are for this visit only: a link cannot change what is stored.
const fromQuery = {};
// Cloud origins other than the page's that the person agreed to send tokens to, for this page's life.
const confirmedOrigins = new Set();

function randomSuffix() {
  const b = new Uint8Array(3);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

function defaultSettings() {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return {
    cloudId: '1-2-0',
    accessKey: 'abc123',
    clientId: `web-${randomSuffix()}`,
    logLevel: '3',
    url: location.host ? `${scheme}//${location.host}/sipproxy` : '',
    maxConcurrent: '2',
    tokenUrl: new URL('webrtc_generate_token', location.href).href,
    accountUser: 'local',
    apiKey: 'local-api-key',
    ttl: '3600',
    sounds: 'page',
  };
}

function storedSettings() {
  try {
    const v = JSON.parse(localStorage.getItem(STORE_KEY) || '{}');
    return v && typeof v === 'object' ? v : {};
  } catch {
    return {};
  }
}

/** Defaults, then what was stored, then the query string (?clientId=alice&logLevel=4...). */
export function initialSettings() {
  const s = { ...defaultSettings() };
  const stored = storedSettings();
  for (const k of Object.keys(FIELDS)) if (typeof stored[k] === 'string' && !NOT_STORED.has(k)) s[k] = stored[k];
  const q = new URLSearchParams(location.search);
  for (const k of Object.keys(FIELDS)) if (q.has(k)) s[k] = fromQuery[k] = q.get(k);
  return { settings: s, explicitCloudId: q.has('cloudId') || typeof stored.cloudId === 'string', query: q };
}

export function readSettings() {
  const s = {};
  for (const [k, id] of Object.entries(FIELDS)) s[k] = $(id).value.trim();
  return s;
}

export function writeSettings(s) {
  for (const [k, id] of Object.entries(FIELDS)) if (s[k] !== undefined) $(id).value = s[k];
}

/** Stores s, except the API key and any setting still as the query string gave it (the stored one stays). */
export function saveSettings(s) {
  const stored = storedSettings();
  const keep = {};
  for (const k of Object.keys(FIELDS)) {
    if (NOT_STORED.has(k)) continue;
    if (k in fromQuery && s[k] === fromQuery[k]) {
      if (typeof stored[k] === 'string') keep[k] = stored[k];
    } else {
      keep[k] = s[k];
    }
  }
  try {
    localStorage.setItem(STORE_KEY, JSON.stringify(keep));
  } catch {
    // storage may be off (private mode): the settings then last for this page only
  }
}

/**
 * Fills the settings form from initialSettings(), and the audio-processing box from
 * ?processing=0|1 (never stored). True when the cloud id was given (query or storage).
 */
export function showInitialSettings() {
  const { settings, explicitCloudId, query } = initialSettings();
  writeSettings(settings);
  if (query.has('processing')) $('processing').checked = !/^(0|false|off|no)$/i.test(query.get('processing'));
  return explicitCloudId;
}

/** The local cloud says which cloud id it is (/health); a page served from elsewhere keeps its setting. */
export async function learnCloudId(explicit) {
  try {
    // The local cloud that served this page gives it the account's key (a random one per machine).
    const c = await (await fetch(new URL('dialler_credentials', location.href), { cache: 'no-store' })).json();
    if (typeof c.apiKey === 'string' && $('api-key').value === 'local-api-key') $('api-key').value = c.apiKey;
  } catch {
    // not served by a local cloud
  }
  if (explicit) return;
  try {
    const res = await fetch(new URL('health', location.href), { cache: 'no-store' });
    const h = res.ok ? await res.json() : null;
    if (h && typeof h.cloudId === 'string' && !page.client) $('cloud-id').value = h.cloudId;
  } catch {
    // not served by a local cloud
  }
}

/**
 * The origin of cloud URL `url` (the client's default, the Aculab cloud, when empty) when it is not
 * the page's own (ws: and http:, wss: and https: counting as one scheme), else ''. The client sends
 * its tokens there, so the person must agree first (confirmOrigin).
 */
export function foreignCloud(url, cloudId) {
  const raw = url || `wss://webrtc-${cloudId}.aculabcloud.net/sipproxy`;
  let u;
  try {
    u = new URL(raw);
  } catch {
    return confirmedOrigins.has(raw) ? '' : raw;
  }
  const scheme = { 'ws:': 'http:', 'wss:': 'https:' }[u.protocol] || u.protocol;
  const origin = `${scheme}//${u.host}`;
  return origin === location.origin || confirmedOrigins.has(origin) ? '' : origin;
}

export function confirmOrigin(origin) {
  confirmedOrigins.add(origin);
}
