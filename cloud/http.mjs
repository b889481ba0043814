// HTTP side of the local cloud: web services (tokens, registered clients, calls), events, health, static files.
import { createHash, timingSafeEqual } from 'node:crypto';
import { createReadStream, realpathSync, statSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import { isLoopback } from './access.mjs';
import { ROOT } from './config.mjs';
import { FaultError, faultRequest } from './faults.mjs';
import { TTL_DEFAULT, TTL_MAX, TTL_MIN } from './tokens.mjs';

const MAX_BODY = 64 * 1024;

export const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.wav': 'audio/wav',
  '.ogg': 'audio/ogg',
  '.opus': 'audio/ogg',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
};

export class HttpError extends Error {
  constructor(status, message, headers = {}) {
    super(message);
    this.status = status;
    this.headers = headers;
  }
}

export function sendJson(res, status, value, headers = {}) {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(res.req?.method === 'HEAD' ? undefined : body);
}

function sameSecret(a, b) {
  // Hash first so that the comparison takes the same time whatever the lengths.
  const ha = createHash('sha256').update(String(a)).digest();
  const hb = createHash('sha256').update(String(b)).digest();
  return timingSafeEqual(ha, hb);
}

/** HTTP basic auth (RFC 7617) as the web services use it: user CLOUDID/USERNAME, password = API key. */
export function checkBasicAuth(req, config) {
  const header = req.headers.authorization ?? '';
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  const challenge = { 'WWW-Authenticate': `Basic realm="Aculab Cloud ${config.cloudId}", charset="UTF-8"` };
  if (!m) throw new HttpError(401, 'credentials required', challenge);
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = colon < 0 ? decoded : decoded.slice(0, colon);
  const password = colon < 0 ? '' : decoded.slice(colon + 1);
  const userOk = sameSecret(user, `${config.cloudId}/${config.accountUser}`);
  const passOk = sameSecret(password, config.apiKey);
  if (!userOk || !passOk) throw new HttpError(401, 'bad credentials', challenge);
}

function readBody(req) {
  return new Promise((resolvePromise, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new HttpError(413, 'request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolvePromise(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * The parameters of a web-service request as {name: [values]}: the query string, plus for POST
 * a form (application/x-www-form-urlencoded) or JSON object body.
 */
export async function readParams(req, url) {
  const params = {};
  const put = (k, v) => (params[k] ??= []).push(v);
  for (const [k, v] of url.searchParams) put(k, v);
  if (req.method === 'POST') {
    const body = await readBody(req);
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (type === 'application/json') {
      let value;
      try {
        value = JSON.parse(body || '{}');
      } catch {
        throw new HttpError(400, 'body is not JSON');
      }
      if (!value || typeof value !== 'object' || Array.isArray(value)) throw new HttpError(400, 'body must be a JSON object');
      for (const [k, v] of Object.entries(value)) {
        for (const item of Array.isArray(v) ? v : [v]) {
          if (item === null || typeof item === 'object') throw new HttpError(400, `${k}: bad value`);
          put(k, String(item));
        }
      }
    } else if (body.length > 0) {
      for (const [k, v] of new URLSearchParams(body)) put(k, v);
    }
  }
  return params;
}

const one = (params, name) => {
  const values = params[name];
  if (!values) return undefined;
  if (values.length > 1) throw new HttpError(400, `${name} given more than once`);
  return values[0];
};

function parseBoolean(name, text) {
  const t = text.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(t)) return true;
  if (['false', '0', 'no', 'off'].includes(t)) return false;
  throw new HttpError(400, `${name} must be true or false`);
}

/** Validated webrtc_generate_token parameters (PROTOCOL.md "Tokens and the web services"); sip: the core's rules. */
export function tokenRequest(params, sip) {
  const rawId = one(params, 'client_id');
  if (rawId === undefined || rawId === '') throw new HttpError(400, 'client_id is required');
  const clientId = sip.clientId(rawId);
  if (!clientId) throw new HttpError(400, 'client_id has characters other than A-Z a-z 0-9 + - _ .');
  let ttl = TTL_DEFAULT;
  const ttlText = one(params, 'ttl');
  if (ttlText !== undefined) {
    if (!/^\s*[0-9]+\s*$/.test(ttlText)) throw new HttpError(400, 'ttl must be a whole number of seconds');
    ttl = Number(ttlText);
    if (ttl < TTL_MIN || ttl > TTL_MAX) throw new HttpError(400, `ttl must be ${TTL_MIN}..${TTL_MAX}`);
  }
  const incomingText = one(params, 'enable_incoming');
  const enableIncoming = incomingText === undefined ? true : parseBoolean('enable_incoming', incomingText);
  const callClient = [];
  for (const value of params.call_client ?? []) {
    for (const item of value.split(',').map((s) => s.trim()).filter(Boolean)) {
      const base = item.endsWith('*') ? item.slice(0, -1) : item;
      const id = base === '' ? '' : sip.clientId(base);
      if (id === undefined) throw new HttpError(400, `call_client ${JSON.stringify(item)} is not a client id or prefix*`);
      callClient.push(item.endsWith('*') ? `${id}*` : id);
    }
  }
  return { clientId, ttl, enableIncoming, callClient };
}

function staticRoots(config) {
  return [
    { prefix: '/dist/', dir: config.dist },
    { prefix: '/js/', dir: config.jsRoot ?? join(ROOT, 'js') },
    { prefix: '/recordings/', dir: config.recordings },
    { prefix: '/', dir: config.webRoot ?? join(ROOT, 'web') },
  ];
}

/**
 * The file a URL path names under one of the static roots, or undefined. Refuses %-escapes
 * that do not decode, NUL, backslashes, dot segments and anything that resolves (symlinks
 * included) outside its root.
 */
export function resolveStatic(config, pathname) {
  let decoded;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  if (decoded.split('/').some((seg) => seg === '..' || seg === '.')) return undefined;
  for (const { prefix, dir } of staticRoots(config)) {
    if (!decoded.startsWith(prefix)) continue;
    let rel = decoded.slice(prefix.length);
    if (rel === '' || rel.endsWith('/')) rel += 'index.html';
    const base = resolve(dir);
    const candidate = resolve(base, rel);
    if (!candidate.startsWith(base + sep)) return undefined;
    try {
      const real = realpathSync(candidate);
      const realBase = realpathSync(base);
      if (!real.startsWith(realBase + sep)) return undefined;
      const st = statSync(real);
      if (st.isDirectory()) {
        const index = join(real, 'index.html');
        return statSync(index).isFile() ? { file: index, size: statSync(index).size } : undefined;
      }
      if (st.isFile()) return { file: real, size: st.size };
    } catch {
      // not in this root: a later (wider) root may still have it
    }
    if (prefix !== '/') return undefined;
  }
  return undefined;
}

function serveStatic(req, res, config) {
  const url = new URL(req.url, 'http://local');
  // Recordings are the callers' voices: the account's, as /events is.
  if (url.pathname.startsWith('/recordings/')) checkBasicAuth(req, config);
  const found = resolveStatic(config, url.pathname);
  if (!found) {
    if (url.pathname === '/' || url.pathname === '/index.html') return landingPage(req, res, config);
    throw new HttpError(404, 'not found');
  }
  const type = MIME[extname(found.file).toLowerCase()] ?? 'application/octet-stream';
  res.writeHead(200, {
    'Content-Type': type,
    'Content-Length': found.size,
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
  });
  if (req.method === 'HEAD') return res.end();
  createReadStream(found.file).on('error', () => res.destroy()).pipe(res);
}

// Until the dialler exists (web/), / says what the cloud offers.
function landingPage(req, res, config) {
  const body = `<!doctype html><meta charset="utf-8"><title>Aculab local cloud</title>
<h1>Aculab local cloud ${config.cloudId}</h1><p>The dialler (web/) is not built yet.</p>
<ul><li>SIP over WebSocket: <code>/sipproxy</code></li><li><code>/webrtc_generate_token</code>, <code>/webrtc_registered_clients</code></li>
<li><a href="/events">/events</a>, <a href="/health">/health</a></li></ul>`;
  res.writeHead(200, { 'Content-Type': MIME['.html'], 'Content-Length': Buffer.byteLength(body) });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** The request handler for the cloud's HTTP server. */
export function createHttpHandler(cloud) {
  const { config, log } = cloud;
  const routes = {
    '/health': { methods: ['GET', 'HEAD'], run: (req, res) => sendJson(res, 200, cloud.health()) },
    '/events': {
      methods: ['GET', 'HEAD'],
      run: (req, res, url) => {
        checkBasicAuth(req, config);
        const q = url.searchParams;
        const since = Number(q.get('since') ?? 0);
        const limit = Number(q.get('limit') ?? 1000);
        if (!Number.isInteger(since) || since < 0 || !Number.isInteger(limit) || limit < 1) {
          throw new HttpError(400, 'since and limit must be whole numbers');
        }
        const events = cloud.events.list({ since, limit, type: q.get('type') ?? undefined, call: q.get('call') ?? undefined });
        sendJson(res, 200, { events, last: cloud.events.seq });
      },
    },
    // The dialler served by this cloud learns the account's credentials here, as a developer reads
    // them from the banner: only from this machine, and only for a page of the cloud's own origin.
    '/dialler_credentials': {
      methods: ['GET'],
      run: (req, res) => {
        const site = req.headers['sec-fetch-site'];
        if (!isLoopback(req.socket.remoteAddress) || (site !== undefined && site !== 'same-origin' && site !== 'none')
          || (req.headers.origin !== undefined && !cloud.access.originAllowed(req.headers.origin))) {
          throw new HttpError(403, 'only for a page of this cloud on this machine');
        }
        sendJson(res, 200, { cloudId: config.cloudId, accountUser: config.accountUser, apiKey: config.apiKey });
      },
    },
    '/webrtc_generate_token': {
      methods: ['GET', 'POST'],
      run: async (req, res, url) => {
        checkBasicAuth(req, config);
        const request = tokenRequest(await readParams(req, url), cloud.sip);
        const token = cloud.tokens.issue(request);
        log.info('tokens', `token for ${request.clientId}`, { ttl: request.ttl, enable_incoming: request.enableIncoming, call_client: request.callClient });
        sendJson(res, 200, { token });
      },
    },
    '/webrtc_registered_clients': {
      methods: ['GET', 'POST'],
      run: async (req, res, url) => {
        checkBasicAuth(req, config);
        await readParams(req, url);
        const registrations = cloud.registrar ? cloud.registrar.list() : [];
        sendJson(res, 200, { clients: [...new Set(registrations.map((r) => r.client_id))].sort(), registrations });
      },
    },
    '/outbound_call': {
      methods: ['POST', 'GET'],
      run: async (req, res, url) => {
        checkBasicAuth(req, config);
        if (!cloud.outbound) throw new HttpError(503, 'outbound calls are not available');
        const result = await cloud.outbound(await readParams(req, url));
        sendJson(res, 200, result);
      },
    },
    // Fault injection (README "Faults"): same credentials as the web services.
    '/faults': {
      methods: ['GET', 'POST', 'DELETE'],
      run: async (req, res, url) => {
        checkBasicAuth(req, config);
        const params = await readParams(req, url);
        if (req.method === 'GET') return sendJson(res, 200, cloud.faults.list());
        if (req.method === 'DELETE') {
          const id = one(params, 'id');
          if (id !== undefined) {
            if (!cloud.faults.clear(id)) throw new HttpError(404, `no fault ${id}`);
            return sendJson(res, 200, { cleared: [id] });
          }
          const client = one(params, 'client');
          return sendJson(res, 200, { cleared: cloud.faults.clearAll({ client: client?.replace(/^(sip|webrtc):/i, '') }) });
        }
        try {
          const { timer, appliedAt, ...fault } = cloud.faults.add(faultRequest(params));
          sendJson(res, 200, { fault });
        } catch (e) {
          if (e instanceof FaultError) throw new HttpError(400, e.message);
          throw e;
        }
      },
    },
  };

  return async function handle(req, res) {
    const url = new URL(req.url ?? '/', 'http://local');
    try {
      // DNS rebinding: a page of another site whose name now points here sends its own name.
      if (!cloud.access.hostAllowed(req.headers.host)) {
        cloud.events.add('access.refused', { what: 'http', why: 'host', host: String(req.headers.host ?? '').slice(0, 200), remote: req.socket.remoteAddress });
        throw new HttpError(421, 'this cloud does not serve that host name');
      }
      const route = routes[url.pathname];
      if (route) {
        if (!route.methods.includes(req.method)) {
          throw new HttpError(405, `use ${route.methods.join(' or ')}`, { Allow: route.methods.join(', ') });
        }
        await route.run(req, res, url);
        return;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'static files: GET or HEAD', { Allow: 'GET, HEAD' });
      serveStatic(req, res, config);
    } catch (e) {
      const status = e instanceof HttpError ? e.status : 500;
      if (status === 500) log.error('http', `${req.method} ${url.pathname}: ${e.stack ?? e}`);
      else log.debug('http', `${req.method} ${url.pathname} -> ${status} ${e.message}`);
      if (res.headersSent) return res.destroy();
      sendJson(res, status, { error: e.message, status }, e.headers ?? {});
    }
  };
}
