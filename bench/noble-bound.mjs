// The bound the TOTP rows are held against: what @noble/hashes alone costs for a TOTP, with nothing of
// this package around it. The secret comes in as bytes (no base32 decoding), no option is validated,
// the time step is computed inline, nothing is wiped afterwards; the HMAC is keyed once (ipad and opad
// blocks into two noble hash states, through a reused pad buffer fed in two halves) and each step clones
// those states into one scratch state with `_cloneInto`. The fastest way found to drive noble's public API.
// Also the two slower ways of driving noble, for the README's note on where the time goes.
import { hmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';

const HASHES = { SHA1: sha1, SHA256: sha256, SHA512: sha512 };

function keyedOnce(hash) {
  const blank = hash.create();
  const pad = new Uint8Array(hash.blockLen);
  const halves = [pad.subarray(0, pad.length / 2), pad.subarray(pad.length / 2)];
  return { blank, inner: hash.create(), outer: hash.create(), work: hash.create(), pad, halves, counter: new Uint8Array(8), digest: new Uint8Array(hash.outputLen) };
}
const states = {};

function truncate(d) {
  const o = d[d.length - 1] & 15;
  return ((d[o] & 0x7f) << 24) | (d[o + 1] << 16) | (d[o + 2] << 8) | d[o + 3];
}

/** Writes step `t` into `counter` as 8 big-endian bytes, without allocating. */
function writeCounter(counter, t) {
  const hi = Math.floor(t / 2 ** 32);
  counter[0] = hi >>> 24; counter[1] = hi >>> 16; counter[2] = hi >>> 8; counter[3] = hi;
  counter[4] = t >>> 24; counter[5] = t >>> 16; counter[6] = t >>> 8; counter[7] = t;
}

/** Truncated values of `count` steps from `step`, noble keyed once, every step cloned without allocating a state. */
export function boundValues(key, algorithm, step, count) {
  const s = (states[algorithm] ??= keyedOnce(HASHES[algorithm]));
  const { blank, inner, outer, work, pad, halves, counter, digest } = s;
  pad.fill(0);
  if (key.length > pad.length) { blank._cloneInto(work).update(key); work.digestInto(pad); } else pad.set(key);
  for (let i = 0; i < pad.length; i++) pad[i] ^= 0x36;
  // Two halves: copied into noble's own buffer, no DataView over `pad` per update (as src/hmac.ts does).
  blank._cloneInto(inner).update(halves[0]);
  inner.update(halves[1]);
  for (let i = 0; i < pad.length; i++) pad[i] ^= 0x6a;
  blank._cloneInto(outer).update(halves[0]);
  outer.update(halves[1]);
  const out = [];
  for (let k = 0; k < count; k++) {
    writeCounter(counter, step + k);
    inner._cloneInto(work).update(counter);
    work.digestInto(digest);
    outer._cloneInto(work).update(digest);
    work.digestInto(digest);
    out.push(truncate(digest));
  }
  return out;
}

/**
 * The 0.1 prototype: the two keyed states made with `create()` per call (the whole pad in one
 * `update`), then `_cloneInto` one scratch state per step. A looser bound than boundValues.
 */
const protoState = {};
export function prototypeValues(key, algorithm, step, count) {
  const hash = HASHES[algorithm];
  const s = (protoState[algorithm] ??= { pad: new Uint8Array(hash.blockLen), counter: new Uint8Array(8), digest: new Uint8Array(hash.outputLen), work: undefined });
  const { pad, counter, digest } = s;
  pad.fill(0);
  pad.set(key.length > pad.length ? hash(key) : key);
  for (let i = 0; i < pad.length; i++) pad[i] ^= 0x36;
  const inner = hash.create().update(pad);
  for (let i = 0; i < pad.length; i++) pad[i] ^= 0x6a;
  const outer = hash.create().update(pad);
  const out = [];
  for (let k = 0; k < count; k++) {
    writeCounter(counter, step + k);
    s.work = inner._cloneInto(s.work);
    s.work.update(counter);
    s.work.digestInto(digest);
    s.work = outer._cloneInto(s.work);
    s.work.update(digest);
    s.work.digestInto(digest);
    out.push(truncate(digest));
  }
  return out;
}

const counterBytes = (t) => {
  const c = new Uint8Array(8);
  new DataView(c.buffer).setUint32(0, Math.floor(t / 2 ** 32));
  new DataView(c.buffer).setUint32(4, t >>> 0);
  return c;
};

/** `hmac.create` per call, then `_cloneInto` of the whole HMAC per step (the first prototype). */
export function hmacCloneIntoValues(key, algorithm, step, count) {
  const keyed = hmac.create(HASHES[algorithm], key);
  let work;
  const out = [];
  for (let k = 0; k < count; k++) {
    work = keyed._cloneInto(work);
    out.push(truncate(work.update(counterBytes(step + k)).digest()));
  }
  return out;
}

/** `hmac.create` per call, then the documented `clone()` per step. */
export function hmacCloneValues(key, algorithm, step, count) {
  const keyed = hmac.create(HASHES[algorithm], key);
  const out = [];
  for (let k = 0; k < count; k++) out.push(truncate(keyed.clone().update(counterBytes(step + k)).digest()));
  return out;
}

/** An adapter in bench/totp.mjs's shape around one of the functions above. */
export function boundAdapter(values, note) {
  const window = (secret, algorithm, ms, digits, code) => {
    const expected = Number(code);
    const step = Math.floor(ms / 30000);
    let match = false;
    for (const v of values(secret.bytes, algorithm, step - 1, 3)) match = ((v % 10 ** digits) === expected) || match;
    return match;
  };
  return {
    algorithms: ['SHA1', 'SHA256', 'SHA512'],
    bound: true,
    note,
    generate: (secret, algorithm, ms, digits) =>
      String(values(secret.bytes, algorithm, Math.floor(ms / 30000), 1)[0] % 10 ** digits).padStart(digits, '0'),
    verify: window,
  };
}
