// Token rules one by one: RS256 claims, expiry, not-before, forgery, audience, client, call_client wildcards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { callClientAllows, TokenService } from '../../cloud/tokens.mjs';

const service = new TokenService({ audience: '1-2-0' });
const decode = (token) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
const NOW = Date.UTC(2030, 0, 1, 12, 0, 0);

test('an issued token is an RS256 JWT with the claims the real cloud uses', () => {
  const token = service.issue({ clientId: 'alice', ttl: 600, enableIncoming: true, callClient: ['bob', 'sales*'], now: NOW });
  const [head, , sig] = token.split('.');
  assert.deepEqual(JSON.parse(Buffer.from(head, 'base64url')).alg, 'RS256');
  assert.equal(Buffer.from(sig, 'base64url').length, 256); // RSA-2048
  const claims = decode(token);
  assert.equal(claims.aud, '1-2-0');
  assert.equal(claims.sub, 'alice');
  assert.deepEqual(claims.scope, ['webrtcclient']);
  assert.equal(claims.iat, NOW / 1000);
  assert.equal(claims.nbf, NOW / 1000);
  assert.equal(claims.exp, NOW / 1000 + 600);
  assert.equal(claims.enable_incoming, true);
  assert.deepEqual(claims.call_client, ['bob', 'sales*']);
  const r = service.verify(token, { clientId: 'alice', now: NOW + 1000 });
  assert.equal(r.ok, true);
  assert.equal(r.claims.sub, 'alice');
});

test('expired: refused at exp, accepted one second before', () => {
  const token = service.issue({ clientId: 'alice', ttl: 600, now: NOW });
  assert.equal(service.verify(token, { clientId: 'alice', now: NOW + 599_000 }).ok, true);
  assert.deepEqual(service.verify(token, { clientId: 'alice', now: NOW + 600_000 }), { ok: false, reason: 'expired' });
});

test('not yet valid: refused before nbf', () => {
  const t = NOW / 1000;
  const token = service.sign({ aud: '1-2-0', sub: 'alice', scope: ['webrtcclient'], iat: t, nbf: t + 60, exp: t + 3600 });
  assert.deepEqual(service.verify(token, { clientId: 'alice', now: NOW }), { ok: false, reason: 'not-yet-valid' });
  assert.equal(service.verify(token, { clientId: 'alice', now: NOW + 60_000 }).ok, true);
});

test('forged: another key, a changed payload, alg none and HS256-with-the-public-key are refused', () => {
  const other = new TokenService({ audience: '1-2-0' });
  const forged = other.issue({ clientId: 'alice', now: NOW });
  assert.deepEqual(service.verify(forged, { clientId: 'alice', now: NOW }), { ok: false, reason: 'bad-signature' });

  const good = service.issue({ clientId: 'alice', now: NOW });
  const [h, p, s] = good.split('.');
  const claims = decode(good);
  claims.sub = 'mallory';
  const changed = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
  assert.deepEqual(service.verify(changed, { clientId: 'mallory', now: NOW }), { ok: false, reason: 'bad-signature' });

  const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${p}.`;
  assert.equal(service.verify(none, { clientId: 'alice', now: NOW }).ok, false);

  const hsHead = Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url');
  const pem = service.publicKey.export({ type: 'spki', format: 'pem' });
  const hsSig = createHmac('sha256', pem).update(`${hsHead}.${p}`).digest('base64url');
  assert.deepEqual(service.verify(`${hsHead}.${p}.${hsSig}`, { clientId: 'alice', now: NOW }), { ok: false, reason: 'unsupported-algorithm' });
});

test('wrong audience (another cloud) and wrong client are refused', () => {
  const elsewhere = new TokenService({ audience: '9-9-9', keyPair: { privateKey: service.privateKey, publicKey: service.publicKey } });
  const token = elsewhere.issue({ clientId: 'alice', now: NOW });
  assert.deepEqual(service.verify(token, { clientId: 'alice', now: NOW }), { ok: false, reason: 'wrong-audience' });
  const mine = service.issue({ clientId: 'alice', now: NOW });
  assert.deepEqual(service.verify(mine, { clientId: 'bob', now: NOW }), { ok: false, reason: 'wrong-client' });
});

test('a token without the webrtcclient scope is refused', () => {
  const t = NOW / 1000;
  const token = service.sign({ aud: '1-2-0', sub: 'alice', scope: ['other'], iat: t, nbf: t, exp: t + 600 });
  assert.deepEqual(service.verify(token, { clientId: 'alice', now: NOW }), { ok: false, reason: 'wrong-scope' });
});

test('malformed tokens give an error value, never a throw', () => {
  const inputs = ['', 'a', 'a.b', 'a.b.c', '...', 'x'.repeat(9000), '%%.%%.%%', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.sig',
    `${Buffer.from('[]').toString('base64url')}.${Buffer.from('{}').toString('base64url')}.AA`, undefined, null, 42];
  for (const input of inputs) {
    const r = service.verify(input, { clientId: 'alice', now: NOW });
    assert.equal(r.ok, false, String(input).slice(0, 40));
  }
  // The trace's placeholder token (HS256) is not one of ours.
  assert.equal(service.verify('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.sig').reason, 'unsupported-algorithm');
});

test('permissions: enable_incoming and call_client with * prefix wildcards', () => {
  const claims = decode(service.issue({ clientId: 'alice', enableIncoming: false, callClient: ['bob', 'sales*'], now: NOW }));
  assert.equal(TokenService.allowsIncoming(claims), false);
  assert.equal(TokenService.allowsIncoming(decode(service.issue({ clientId: 'a', now: NOW }))), true);
  assert.equal(TokenService.allowsCall(claims, 'bob'), true);
  assert.equal(TokenService.allowsCall(claims, 'bobby'), false);
  assert.equal(TokenService.allowsCall(claims, 'sales'), true);
  assert.equal(TokenService.allowsCall(claims, 'sales-1'), true);
  assert.equal(TokenService.allowsCall(claims, 'presales'), false);
  assert.equal(callClientAllows(['*'], 'anyone'), true);
  assert.equal(callClientAllows([], 'bob'), false);
  assert.equal(callClientAllows(undefined, 'bob'), false);
  assert.equal(callClientAllows([''], 'bob'), false);
});

test('a key pair can be supplied (tokens then survive a restart of the service object)', () => {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const a = new TokenService({ audience: '1-2-0', keyPair: pair });
  const b = new TokenService({ audience: '1-2-0', keyPair: pair });
  assert.equal(b.verify(a.issue({ clientId: 'x', now: NOW }), { clientId: 'x', now: NOW }).ok, true);
});
