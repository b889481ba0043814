// Who may reach the local cloud: the Host and Origin it answers, the account's API key and token signing key kept with its state.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

/** Whether an address (a socket's remote address or a listen host) is this machine's loopback. */
export function isLoopback(address) {
  const a = String(address ?? '').toLowerCase().replace(/^\[|\]$/g, '').replace(/^::ffff:/, '');
  return a === 'localhost' || a === '::1' || a.endsWith('.localhost') || /^127\.\d+\.\d+\.\d+$/.test(a);
}

/** Host (or an authority) split into a lower-case name and a port ('' when absent); undefined when not one. */
function splitAuthority(text) {
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::([0-9]{1,5}))?$/i.exec(String(text ?? '').trim());
  if (!m) return undefined;
  return { name: m[1].toLowerCase().replace(/\.$/, ''), port: m[2] ?? '' };
}

/**
 * The names the cloud answers to. A page of another site that rebinds its own name to 127.0.0.1
 * sends its own name as Host: refused. Names are loopback ones, the listen host, the cloud's public
 * proxy name (the interop suites map it to us) and `allowedHosts`; when listening on every address,
 * any IP literal too (rebinding needs a name).
 */
export class Access {
  constructor(config) {
    this.config = config;
    this.port = '';
    this.names = new Set([...LOOPBACK_NAMES, config.host.toLowerCase(), config.proxyDomain.toLowerCase()]);
    for (const h of config.allowedHosts ?? []) this.names.add(h.toLowerCase());
    this.anyIp = ['0.0.0.0', '::', '[::]'].includes(config.host);
  }

  nameServed(name) {
    const bare = name.replace(/^\[|\]$/g, '');
    return this.names.has(name) || this.names.has(bare) || isLoopback(bare) || (this.anyIp && isIP(bare) !== 0);
  }

  /** Whether a request's Host header names this cloud (a port, when given, must be ours). */
  hostAllowed(host) {
    const a = splitAuthority(host);
    if (!a || !this.nameServed(a.name)) return false;
    return a.port === '' || a.port === String(this.port);
  }

  /**
   * Whether a WebSocket upgrade's Origin may use the cloud: none (not a browser), one of
   * `allowedOrigins` ('*': any), or the cloud's own origin (its scheme, a name it serves).
   */
  originAllowed(origin) {
    if (origin === undefined) return true;
    const allowed = this.config.allowedOrigins ?? [];
    if (allowed.includes('*') || allowed.includes(origin)) return true;
    let url;
    try {
      url = new URL(origin);
    } catch {
      return false;
    }
    const scheme = this.config.tls ? 'https:' : 'http:';
    return url.protocol === scheme && this.hostAllowed(url.host);
  }
}

function writeSecret(file, text) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text, { mode: 0o600, flag: 'wx' });
}

/**
 * The account's API key: the configured one, else the one stored in STATE/api-key, else a new
 * random one stored there. {key, created, file}.
 */
export function accountApiKey(config) {
  if (config.apiKey) return { key: config.apiKey, created: false, file: '' };
  const file = join(config.stateDir, 'api-key');
  try {
    const key = readFileSync(file, 'utf8').trim();
    if (key) return { key, created: false, file };
  } catch (e) {
    if (e.code !== 'ENOENT') throw e;
  }
  const key = randomBytes(24).toString('base64url');
  writeSecret(file, key + '\n');
  return { key, created: true, file };
}

/**
 * The token signing key pair: from `config.signingKey` (a PEM private key file, made there when
 * missing) so that tokens outlive a restart, else a new one for this run. The key id names the key.
 */
export function signingKeyPair(config) {
  let privateKey;
  if (config.signingKey) {
    try {
      privateKey = createPrivateKey(readFileSync(config.signingKey));
    } catch (e) {
      if (e.code !== 'ENOENT') throw new Error(`signing key ${config.signingKey}: ${e.message}`, { cause: e });
      privateKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
      writeSecret(config.signingKey, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    }
  } else {
    privateKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  }
  const keyId = createHash('sha256').update(createPublicKey(privateKey).export({ type: 'spki', format: 'der' })).digest('base64url').slice(0, 16);
  return { privateKey, keyId };
}
