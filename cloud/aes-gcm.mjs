// AES-128-GCM (NIST SP 800-38D) for SRTP's per-packet use, keyed once per SRTP context.
//
// Why not Node's own: its GCM (createCipheriv('aes-128-gcm', key, iv)) takes the IV when the
// cipher object is made and has no way to take a new one, so SRTP needs a new native cipher object
// per packet; making it (key schedule, OpenSSL context, a JS wrapper that the GC must later
// finalise) costs about 6 µs for a 100-byte packet, the largest single item in the local cloud's
// profile under load. Here the AES block cipher is still Node's (one AES-ECB object per key, kept
// for the context's life: it encrypts the counter blocks, so no AES is done in JS), and only
// GHASH, GCM's authenticator, is done in JS, with Shoup's 8-bit tables: per 16-byte block, 16 table
// look-ups and shifts on 32-bit words.
//
// tests/node/werift-fixes.test.mjs compares it with Node's GCM on many random keys, IVs and
// lengths (tags, ciphertexts, and the refusal of every altered byte).
import { createCipheriv, timingSafeEqual } from 'node:crypto';

// R8[d]: what Z·x^8 folds back into Z's top word for the 8 bits d shifted out of its bottom
// (GCM's bit order: the first byte's top bit is x^0, so multiplying by x shifts right, and a bit
// leaving x^127 comes back as the polynomial x^128 = 1 + x + x^2 + x^7, 0xE1 at the top).
const R8 = new Int32Array(256);
for (let d = 0; d < 256; d++) {
  let top = 0;
  let low = d;
  for (let k = 0; k < 8; k++) {
    const out = low & 1;
    low >>>= 1;
    top >>>= 1;
    if (out) top ^= 0xe1000000;
  }
  R8[d] = top;
}

/** M[4b..4b+3] = b·H, b the element whose first byte is b (bit 0x80 is x^0), as four 32-bit words. */
function tableFor(h) {
  const m = new Int32Array(256 * 4);
  let w0 = h.readInt32BE(0);
  let w1 = h.readInt32BE(4);
  let w2 = h.readInt32BE(8);
  let w3 = h.readInt32BE(12);
  // The single bits: 0x80 is H, 0x40 is H·x, ... 0x01 is H·x^7.
  for (let bit = 0x80; bit; bit >>= 1) {
    m[4 * bit] = w0;
    m[4 * bit + 1] = w1;
    m[4 * bit + 2] = w2;
    m[4 * bit + 3] = w3;
    const out = w3 & 1;
    w3 = (w3 >>> 1) | (w2 << 31);
    w2 = (w2 >>> 1) | (w1 << 31);
    w1 = (w1 >>> 1) | (w0 << 31);
    w0 = (w0 >>> 1) ^ (out ? 0xe1000000 : 0);
  }
  // Every other byte: the sum (XOR) of its bits' entries.
  for (let b = 2; b < 256; b++) {
    const high = 1 << (31 - Math.clz32(b));
    if (b === high) continue;
    for (let k = 0; k < 4; k++) m[4 * b + k] = m[4 * high + k] ^ m[4 * (b ^ high) + k];
  }
  return m;
}

/** GHASH state: the running value Y in four words, Y = (Y ^ block)·H per block. */
class Ghash {
  constructor(table) {
    this.m = table;
    this.y = new Int32Array(4);
    this.last = new Int32Array(4); // a partial last block, zero-padded
  }

  reset() {
    this.y.fill(0);
  }

  // Y = X·H for X in (x0..x3): Horner's rule over X's 16 bytes, last byte first; between bytes
  // Z = Z·x^8 (8 bits out of the bottom word, their reduction into the top one).
  mul(x0, x1, x2, x3) {
    const m = this.m;
    let e = 4 * (x3 & 0xff);
    let z0 = m[e];
    let z1 = m[e + 1];
    let z2 = m[e + 2];
    let z3 = m[e + 3];
    for (let i = 14; i >= 0; i--) {
      const word = i >= 12 ? x3 : i >= 8 ? x2 : i >= 4 ? x1 : x0;
      const d = z3 & 0xff;
      z3 = (z3 >>> 8) | (z2 << 24);
      z2 = (z2 >>> 8) | (z1 << 24);
      z1 = (z1 >>> 8) | (z0 << 24);
      z0 = (z0 >>> 8) ^ R8[d];
      e = 4 * ((word >>> (24 - 8 * (i & 3))) & 0xff);
      z0 ^= m[e];
      z1 ^= m[e + 1];
      z2 ^= m[e + 2];
      z3 ^= m[e + 3];
    }
    const y = this.y;
    y[0] = z0;
    y[1] = z1;
    y[2] = z2;
    y[3] = z3;
  }

  /** Absorbs bytes [start, end) of buf, zero-padded to a whole block. */
  update(buf, start, end) {
    const y = this.y;
    let o = start;
    for (; o + 16 <= end; o += 16) {
      this.mul(
        y[0] ^ ((buf[o] << 24) | (buf[o + 1] << 16) | (buf[o + 2] << 8) | buf[o + 3]),
        y[1] ^ ((buf[o + 4] << 24) | (buf[o + 5] << 16) | (buf[o + 6] << 8) | buf[o + 7]),
        y[2] ^ ((buf[o + 8] << 24) | (buf[o + 9] << 16) | (buf[o + 10] << 8) | buf[o + 11]),
        y[3] ^ ((buf[o + 12] << 24) | (buf[o + 13] << 16) | (buf[o + 14] << 8) | buf[o + 15]),
      );
    }
    if (o < end) {
      const w = this.last;
      w.fill(0);
      for (let k = 0; o + k < end; k++) w[k >> 2] |= buf[o + k] << (24 - 8 * (k & 3));
      this.mul(y[0] ^ w[0], y[1] ^ w[1], y[2] ^ w[2], y[3] ^ w[3]);
    }
  }

  /** The final block: the AAD's and the ciphertext's lengths in bits (each below 2^32 here). */
  lengths(aadBytes, textBytes) {
    const y = this.y;
    const a = aadBytes * 8;
    const c = textBytes * 8;
    this.mul(y[0] ^ Math.floor(a / 2 ** 32), y[1] ^ (a | 0), y[2] ^ Math.floor(c / 2 ** 32), y[3] ^ (c | 0));
  }
}

export class AesGcm {
  /** key: 16 bytes (AES-128). */
  constructor(key) {
    if (key.length !== 16) throw new RangeError('AES-128-GCM needs a 16-byte key');
    // One ECB context for the key's life: update() on whole blocks is stateless, and with padding
    // off nothing is held back.
    this.ecb = createCipheriv('aes-128-ecb', key, null);
    this.ecb.setAutoPadding(false);
    const h = this.ecb.update(Buffer.alloc(16)); // H = E(K, 0^128)
    this.ghash = new Ghash(tableFor(h));
    this.counters = Buffer.alloc(16 * 16);
  }

  // E(K, J0), E(K, inc32(J0)), ... for a 12-byte IV: J0 = IV || 1; the text's keystream starts at 2.
  keystream(iv, textBytes) {
    const blocks = 1 + Math.ceil(textBytes / 16);
    if (this.counters.length < 16 * blocks) this.counters = Buffer.alloc(16 * blocks);
    const c = this.counters;
    for (let k = 0, o = 0; k < blocks; k++, o += 16) {
      for (let j = 0; j < 12; j++) c[o + j] = iv[j];
      const n = k + 1;
      c[o + 12] = n >>> 24;
      c[o + 13] = (n >>> 16) & 0xff;
      c[o + 14] = (n >>> 8) & 0xff;
      c[o + 15] = n & 0xff;
    }
    return this.ecb.update(c.subarray(0, 16 * blocks));
  }

  tag(aad, text, textStart, textEnd, mask) {
    const g = this.ghash;
    g.reset();
    g.update(aad, 0, aad.length);
    g.update(text, textStart, textEnd);
    g.lengths(aad.length, textEnd - textStart);
    const y = g.y;
    const t = Buffer.allocUnsafe(16);
    for (let k = 0; k < 16; k++) t[k] = (y[k >> 2] >>> (24 - 8 * (k & 3))) ^ mask[k];
    return t;
  }

  /**
   * Encrypts plain (12-byte iv, aad authenticated too) into out at outOffset: the ciphertext
   * (plain.length bytes) then the 16-byte tag. Returns out.
   */
  seal(iv, aad, plain, out, outOffset) {
    const n = plain.length;
    const ks = this.keystream(iv, n);
    for (let k = 0; k < n; k++) out[outOffset + k] = plain[k] ^ ks[16 + k];
    this.tag(aad, out, outOffset, outOffset + n, ks).copy(out, outOffset + n);
    return out;
  }

  /**
   * Checks tag over aad and cipher (bytes [start, end) of it) and only then decrypts them into out
   * at outOffset; returns false (out untouched) if the tag is wrong.
   */
  open(iv, aad, cipher, start, end, tag, out, outOffset) {
    const n = end - start;
    const ks = this.keystream(iv, n);
    const expected = this.tag(aad, cipher, start, end, ks);
    if (tag.length !== 16 || !timingSafeEqual(expected, tag)) return false;
    for (let k = 0; k < n; k++) out[outOffset + k] = cipher[start + k] ^ ks[16 + k];
    return true;
  }
}
