// Timing machinery: interleaved rounds, fixed-size samples, medians. No library knowledge here.
//
// A group is one table section: { title, unit?, candidates: [{ lib, check, run, async?, note? }] }.
// - check(): null when the library gives the reference results, else a short reason (then it is reported,
//   never timed).
// - run(i): one operation on input number i (the candidate wraps i over its own input set). Its return
//   value is folded into a sink so the optimiser cannot drop the work.

let sink = 0;
/** Folds any result into the global sink (strings, booleans, objects, numbers, null). */
export function consume(value) {
  if (typeof value === 'string') sink = (sink + value.length + value.charCodeAt(0)) | 0;
  else if (typeof value === 'number') sink = (sink + value) | 0;
  else if (typeof value === 'boolean') sink = (sink + (value ? 1 : 2)) | 0;
  else if (value === null || value === undefined) sink = (sink + 3) | 0;
  else if (typeof value === 'object') sink = (sink + (value.valid === true || value.ok === true ? 5 : 7)) | 0;
  else sink = (sink + 11) | 0;
}
export const sinkValue = () => sink;

// Wall time by default. With --cpu-time (BENCH_CPU_TIME=1) the process's CPU time is used instead, which
// keeps the figures usable on a machine that other work is loading (time spent descheduled is not counted).
const cpuTime = process.env.BENCH_CPU_TIME === '1';
const now = cpuTime
  ? () => { const u = process.cpuUsage(); return BigInt(u.user + u.system) * 1000n; }
  : () => process.hrtime.bigint();
export const clockName = cpuTime ? 'process CPU time (process.cpuUsage)' : 'wall time (process.hrtime.bigint)';

function runSync(run, start, count) {
  const t0 = now();
  for (let i = start; i < start + count; i++) consume(run(i));
  return Number(now() - t0); // ns
}

async function runAsync(run, start, count) {
  const t0 = now();
  for (let i = start; i < start + count; i++) consume(await run(i));
  return Number(now() - t0);
}

const timeBatch = (c, start, count) => (c.async ? runAsync(c.run, start, count) : runSync(c.run, start, count));

/** Finds the operation count that takes about `targetNs`, warming the code up on the way. */
async function calibrate(c, targetNs, warmupNs) {
  let count = 1;
  let spent = 0;
  let offset = 0;
  // Doubling until one batch is long enough also serves as warm-up (the JIT tiers up on the hot loop).
  for (;;) {
    const ns = await timeBatch(c, offset, count);
    offset += count;
    spent += ns;
    if (ns >= targetNs / 4 && spent >= warmupNs) {
      return Math.max(1, Math.round((count * targetNs) / Math.max(ns, 1)));
    }
    if (ns < targetNs / 4) count *= 2;
  }
}

/**
 * Median over rounds of a's sample / b's sample. Samples of one round are taken back to back, so this
 * paired ratio cancels load that drifts between rounds better than a ratio of two medians does.
 */
export function pairedRatio(a, b) {
  const n = Math.min(a.perRound?.length ?? 0, b.perRound?.length ?? 0);
  if (n === 0) return NaN;
  return median(Array.from({ length: n }, (_, i) => a.perRound[i] / b.perRound[i]));
}

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/**
 * Measures a group: checks every candidate, calibrates the passing ones, then runs `rounds` rounds in
 * which every candidate takes one sample, starting with a different candidate each round.
 * Returns per-candidate { lib, status: 'ok' | 'failed' | 'error', reason?, opsPerSec?, samples?, spreadPct? }.
 */
export async function measureGroup(group, { rounds, sampleNs, warmupNs }) {
  const results = [];
  const timed = [];
  for (const c of group.candidates) {
    let reason = null;
    try {
      reason = await c.check();
    } catch (error) {
      reason = `threw ${error?.name ?? 'error'}: ${String(error?.message ?? error).slice(0, 120)}`;
    }
    const result = { lib: c.lib, note: c.note, status: reason ? 'failed' : 'ok', reason };
    results.push(result);
    if (!reason) timed.push({ c, result, samples: [], offset: 0 });
  }
  for (const t of timed) t.count = await calibrate(t.c, sampleNs, warmupNs);
  // Slow operations (scrypt) may ask for fewer rounds; --quick lowers every group.
  const groupRounds = Math.min(group.rounds ?? rounds, rounds);
  for (let round = 0; round < groupRounds; round++) {
    for (let k = 0; k < timed.length; k++) {
      const t = timed[(round + k) % timed.length];
      const ns = await timeBatch(t.c, t.offset, t.count);
      t.offset += t.count;
      t.samples.push((t.count * 1e9) / ns);
    }
  }
  for (const t of timed) {
    const m = median(t.samples);
    const sorted = [...t.samples].sort((a, b) => a - b);
    // Interquartile spread relative to the median, to show how noisy the figure is.
    const q1 = sorted[Math.floor((sorted.length - 1) / 4)];
    const q3 = sorted[Math.ceil(((sorted.length - 1) * 3) / 4)];
    Object.assign(t.result, { opsPerSec: m, samples: t.samples.length, spreadPct: ((q3 - q1) / m) * 100, perRound: t.samples });
    if (t.c.bytes !== undefined) t.result.bytes = typeof t.c.bytes === 'function' ? t.c.bytes() : t.c.bytes;
  }
  return results;
}
