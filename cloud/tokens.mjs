// WebRTC tokens: RS256 JWTs (RFC 7519, RFC 7515) signed with a key made at start, and their checks.
import { createPublicKey, generateKeyPairSync, randomUUID, sign, verify } from 'node:crypto';

export const SCOPE = 'webrtcclient';
export const TTL_MIN = 600;
export const TTL_MAX = 86400;
export const TTL_DEFAULT = 3600;
// A token is a header line's worth of text; anything longer is not ours.
const MAX_TOKEN_LENGTH = 8192;

const b64url = (data) => Buffer.from(data).toString('base64url');

function decodePart(part) {
  if (!/^[A-Za-z0-9_-]*$/.test(part)) return undefined;
  try {
    const value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a call_client list lets its holder call `target` ('*' alone: anyone; 'ab*': prefix). */
export function callClientAllows(patterns, target) {
  if (!Array.isArray(patterns) || typeof target !== 'string') return false;
  return patterns.some((p) => {
    if (typeof p !== 'string' || p === '') return false;
    if (p.endsWith('*')) return target.startsWith(p.slice(0, -1));
    return p === target;
  });
}

export class TokenService {
  /** audience: the cloud id the tokens are for. keyPair: {privateKey, publicKey} (made when absent). */
  constructor({ audience, keyPair, issuer } = {}) {
    this.audience = audience;
    this.issuer = issuer ?? `webrtc-${audience}.aculabcloud.net`;
    const pair = keyPair ?? generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKey = pair.privateKey;
    this.publicKey = pair.publicKey ?? createPublicKey(pair.privateKey);
    this.keyId = pair.keyId ?? randomUUID();
  }

  /** Signs any claims as given (tests use it to make expired or odd tokens with the real key). */
  sign(claims, header = {}) {
    const head = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: this.keyId, ...header }));
    const body = b64url(JSON.stringify(claims));
    const signature = sign('sha256', Buffer.from(`${head}.${body}`), this.privateKey);
    return `${head}.${body}.${b64url(signature)}`;
  }

  /** A token as webrtc_generate_token gives it (PROTOCOL.md "Tokens"). */
  issue({ clientId, ttl = TTL_DEFAULT, enableIncoming = true, callClient = [], now = Date.now() }) {
    const iat = Math.floor(now / 1000);
    return this.sign({
      iss: this.issuer,
      aud: this.audience,
      sub: clientId,
      scope: [SCOPE],
      iat,
      nbf: iat,
      exp: iat + ttl,
      jti: randomUUID(),
      enable_incoming: enableIncoming,
      call_client: callClient,
    });
  }

  /**
   * Checks a token for `clientId` (when given) at `now` (ms). Returns {ok: true, claims} or
   * {ok: false, reason} with reason one of: malformed, unsupported-algorithm, bad-signature,
   * wrong-audience, wrong-scope, not-yet-valid, expired, wrong-client.
   */
  verify(token, { clientId, now = Date.now() } = {}) {
    if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: 'malformed' };
    const parts = token.split('.');
    if (parts.length !== 3) return { ok: false, reason: 'malformed' };
    const header = decodePart(parts[0]);
    const claims = decodePart(parts[1]);
    if (!header || !claims || !/^[A-Za-z0-9_-]+$/.test(parts[2])) return { ok: false, reason: 'malformed' };
    // Only our algorithm: never 'none', never HS256 keyed with the public key (alg confusion).
    if (header.alg !== 'RS256') return { ok: false, reason: 'unsupported-algorithm' };
    let good;
    try {
      good = verify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), this.publicKey, Buffer.from(parts[2], 'base64url'));
    } catch {
      good = false;
    }
    if (!good) return { ok: false, reason: 'bad-signature' };
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!audiences.includes(this.audience)) return { ok: false, reason: 'wrong-audience' };
    if (!Array.isArray(claims.scope) || !claims.scope.includes(SCOPE)) return { ok: false, reason: 'wrong-scope' };
    const seconds = now / 1000;
    if (typeof claims.exp !== 'number' || typeof claims.nbf !== 'number' || typeof claims.iat !== 'number') {
      return { ok: false, reason: 'malformed' };
    }
    if (claims.nbf > seconds) return { ok: false, reason: 'not-yet-valid' };
    if (claims.exp <= seconds) return { ok: false, reason: 'expired' };
    if (clientId !== undefined && claims.sub !== clientId) return { ok: false, reason: 'wrong-client' };
    return { ok: true, claims };
  }

  /** May this token's holder register to receive calls? */
  static allowsIncoming(claims) {
    return claims.enable_incoming !== false;
  }

  /** May this token's holder call client `target`? */
  static allowsCall(claims, target) {
    return callClientAllows(claims.call_client, target);
  }
}
