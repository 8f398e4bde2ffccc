// An independent OTP implementation over node:crypto, written from RFC 4226 §5.3 / RFC 6238 §4 and the
// documented verification rules, for tests to compare the library against. Shares no code with src/.
import { createHmac } from 'node:crypto';

export type RefAlgorithm = 'SHA1' | 'SHA256' | 'SHA512';

/** The RFC 4226 §5.3 dynamically truncated 31-bit value. */
export function referenceTruncated(secret: Uint8Array, counter: bigint, algorithm: RefAlgorithm = 'SHA1'): number {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(counter);
  const digest = createHmac(algorithm.toLowerCase(), secret).update(message).digest();
  const offset = digest[digest.length - 1]! & 0x0f;
  return digest.readUInt32BE(offset) & 0x7fffffff;
}

export function referenceHotp(secret: Uint8Array, counter: bigint, algorithm: RefAlgorithm = 'SHA1', digits = 6): string {
  return (BigInt(referenceTruncated(secret, counter, algorithm)) % 10n ** BigInt(digits)).toString().padStart(digits, '0');
}

/** RFC 6238 §4.2: T = floor((unixSeconds − T0) / X), with `nowMs` in milliseconds. */
export function referenceStep(nowMs: number, periodSeconds = 30, epochSeconds = 0): number {
  return Math.floor((Math.floor(nowMs / 1000) - epochSeconds) / periodSeconds);
}

export function referenceTotp(
  secret: Uint8Array,
  nowMs: number,
  { algorithm = 'SHA1', digits = 6, period = 30, epoch = 0 }: { algorithm?: RefAlgorithm; digits?: number; period?: number; epoch?: number } = {},
): string {
  return referenceHotp(secret, BigInt(referenceStep(nowMs, period, epoch)), algorithm, digits);
}

/**
 * The documented verifyTotp rule: candidates are the steps in [current − past, current + future] that are
 * ≥ 0 and > afterStep; among those whose code equals `code`, the closest to the current step wins, the
 * earlier one on a tie.
 */
export function referenceVerifyTotp(
  secret: Uint8Array,
  code: string,
  o: { nowMs: number; period: number; epoch: number; algorithm: RefAlgorithm; digits: number; past: number; future: number; afterStep?: number },
): { valid: true; step: number; delta: number } | { valid: false } {
  const current = referenceStep(o.nowMs, o.period, o.epoch);
  const candidates: number[] = [];
  for (let step = current - o.past; step <= current + o.future; step++) {
    if (step >= 0 && (o.afterStep === undefined || step > o.afterStep)) candidates.push(step);
  }
  candidates.sort((a, b) => Math.abs(a - current) - Math.abs(b - current) || a - b);
  const match = candidates.find((step) => referenceHotp(secret, BigInt(step), o.algorithm, o.digits) === code);
  return match === undefined ? { valid: false } : { valid: true, step: match, delta: match - current };
}
