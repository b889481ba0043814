// Tokens from webrtc_generate_token: what an application's own server would fetch (this demo fetches them from the page).
import { errorText } from './dom.js';
import { pageLog } from './log.js';
import { readSettings } from './settings.js';
import { page } from './state.js';

/** An HTTP basic Authorization header (RFC 7617), the user and password as UTF-8. */
export function basicAuth(user, password) {
  const bytes = new TextEncoder().encode(`${user}:${password}`);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return `Basic ${btoa(bin)}`;
}

/** The token service's URL in settings s (the page's own when none is set). */
export function tokenServiceUrl(s) {
  return new URL(s.tokenUrl || 'webrtc_generate_token', location.href);
}

/**
 * A token from webrtc_generate_token for params client_id, enable_incoming and call_client,
 * as { token, ttl (seconds) }. Throws an Error saying what the token service said.
 */
export async function fetchToken(params) {
  const s = { ...readSettings(), ...(page.clientSettings ? { cloudId: page.clientSettings.cloudId } : {}) };
  const url = tokenServiceUrl(s);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, String(v));
  if (s.ttl) url.searchParams.set('ttl', s.ttl);
  let res;
  try {
    res = await fetch(url, {
      headers: { Authorization: basicAuth(`${s.cloudId}/${s.accountUser}`, s.apiKey) },
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch (e) {
    throw new Error(`token service unreachable (${errorText(e)})`, { cause: e });
  }
  let body;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  if (!res.ok || !body || typeof body.token !== 'string') {
    const why = body && typeof body.error === 'string' ? body.error : res.statusText;
    throw new Error(`token service said ${res.status} ${why}`);
  }
  pageLog(4, `token for ${params.client_id}${params.call_client ? ' to call ' + params.call_client : ''} (ttl ${s.ttl || 'default'} s)`);
  return { token: body.token, ttl: Number(s.ttl) || 3600 };
}
