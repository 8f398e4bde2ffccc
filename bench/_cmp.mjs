import { verifyTotp, encodeBase32 } from '../dist/index.js';
import { boundValues } from './noble-bound.mjs';
const N = 256;
const bytes = Array.from({ length: N }, (_, i) => Uint8Array.from({ length: 20 }, (_, j) => (i * 31 + j * 7) & 255));
const b32 = bytes.map(encodeBase32);
const now = 1.7e12;
const fns = {
  ours_b32: (i) => verifyTotp(b32[i & 255], '123456', { algorithm: 'SHA1', now: now + i * 1000, window: 1 }).valid,
  ours_bytes: (i) => verifyTotp(bytes[i & 255], '123456', { algorithm: 'SHA1', now: now + i * 1000, window: 1 }).valid,
  bound: (i) => { const step = Math.floor((now + i * 1000) / 30000); let m = false; for (const v of boundValues(bytes[i & 255], 'SHA1', step - 1, 3)) m = (v % 1e6 === 123456) || m; return m; },
};
const res = Object.fromEntries(Object.keys(fns).map((k) => [k, []]));
for (let r = 0; r < 12; r++) for (const [k, f] of Object.entries(fns)) {
  let s = 0; const t0 = process.cpuUsage(); const n = 100000;
  for (let i = 0; i < n; i++) s += f(i) ? 1 : 0;
  const u = process.cpuUsage(t0); res[k].push(n / ((u.user + u.system) / 1e6));
}
const med = (a) => a.sort((x, y) => x - y)[a.length >> 1];
for (const k in res) console.log(k, Math.round(med(res[k])), (med(res[k]) / med(res.bound)).toFixed(2));
