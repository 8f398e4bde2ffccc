// Comparisons whose running time does not depend on where two secret-derived byte strings differ.
// JavaScript gives no hard guarantee (the JIT may do anything), so these only avoid the obvious leaks:
// no early exit, no data-dependent branch, one pass over every byte.

/**
 * 0 when `a` and `b` hold the same bytes, any other value otherwise. The lengths are public
 * (a length mismatch returns at once); the contents are XOR-folded without an early exit, so callers
 * can OR several results together and decide once.
 */
export function bytesDifference(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return 1;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff;
}
