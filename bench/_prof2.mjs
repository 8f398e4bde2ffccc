import { verifyTotp } from '../dist/index.js';
const bytes = Array.from({ length: 256 }, (_, i) => Uint8Array.from({ length: 20 }, (_, j) => (i * 31 + j * 7) & 255));
let s = 0;
for (let i = 0; i < 1500000; i++) s += verifyTotp(bytes[i & 255], '123456', { algorithm: 'SHA1', now: 1.7e12 + i * 1000, window: 1 }).valid ? 1 : 0;
console.log(s);
