// The QR module matrix (ISO/IEC 18004) from lean-qr, through its public API only. The text is split here
// into numeric, alphanumeric and byte segments (ISO/IEC 18004 §7.4; a base32 secret packs 5.5 bits per
// character instead of 8, which often saves a version) and handed to lean-qr as a `Mode`, the public
// extension point its own modes are: for each version lean-qr tries, it writes the split for that
// version's count field widths through `mode.numeric` / `mode.alphaNumeric` / `mode.bytes` (plain UTF-8
// bytes, no ECI). lean-qr's `generate` picks the smallest version that fits at exactly the asked level,
// does Reed–Solomon, placement and the ISO mask choice; the matrix is read back with its public `get(x, y)`.
import { correction, generate, mode, type Mask, type Mode } from 'lean-qr';

/** A QR error-correction level: about 7 % (L), 15 % (M), 25 % (Q) or 30 % (H) of the symbol can be restored. */
export type QrErrorCorrection = 'L' | 'M' | 'Q' | 'H';

/** A run of the data in one encoding mode: `bytes[start..end)` of the UTF-8 text. */
export interface QrSegment {
  mode: 'numeric' | 'alphanumeric' | 'byte';
  start: number;
  end: number;
}

/** A finished symbol: `dark[row * size + col]` is 1 for a dark module. Rows run top to bottom. */
export interface QrMatrix {
  version: number;
  size: number;
  dark: Uint8Array;
  /** The segments the data is written as in this version. */
  segments: QrSegment[];
}

/** The most bytes a version-40 symbol holds in byte mode at each level (ISO/IEC 18004 Table 7). */
export const MAX_BYTES: Readonly<Record<QrErrorCorrection, number>> = { L: 2953, M: 2331, Q: 1663, H: 1273 };

const MODES = ['numeric', 'alphanumeric', 'byte'] as const;
// Character count indicator bits per mode, for versions 1–9, 10–26, 27–40 (ISO/IEC 18004 Table 3).
const COUNT_BITS = { numeric: [10, 12, 14], alphanumeric: [9, 11, 13], byte: [8, 16, 16] } as const;
const versionClassOf = (version: number) => (version < 10 ? 0 : version < 27 ? 1 : 2);
const ALPHANUMERIC = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
const ALNUM_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHANUMERIC.length; i++) ALNUM_VALUE[ALPHANUMERIC.charCodeAt(i)] = i;

/**
 * The fewest-bits split of `bytes` into modes for a symbol of `version` (the count fields widen at
 * versions 10 and 27, ISO/IEC 18004 Table 3): a shortest path over
 * (position, mode) with per-character costs in sixths of a bit (numeric 10/3, alphanumeric 11/2,
 * byte 8) and a mode indicator plus count field for every new segment.
 */
function splitSegments(bytes: readonly number[], version: number): QrSegment[] {
  const versionClass = versionClassOf(version);
  const n = bytes.length;
  const cost = new Float64Array(3 * n);
  const from = new Int8Array(3 * n);
  const unit = [20, 33, 48];
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    const eligible = [b >= 0x30 && b <= 0x39, b < 0x80 && ALNUM_VALUE[b]! >= 0, true];
    for (let m = 0; m < 3; m++) {
      cost[i * 3 + m] = Infinity;
      if (!eligible[m]) continue;
      const header = 6 * (4 + COUNT_BITS[MODES[m]!][versionClass]!);
      let best = i === 0 ? header : Infinity;
      let prev = -1;
      for (let k = 0; i > 0 && k < 3; k++) {
        const c = cost[(i - 1) * 3 + k]! + (k === m ? 0 : header);
        if (c < best) [best, prev] = [c, k];
      }
      cost[i * 3 + m] = best + unit[m]!;
      from[i * 3 + m] = prev;
    }
  }
  let m = 0;
  for (let k = 1; k < 3; k++) if (cost[(n - 1) * 3 + k]! < cost[(n - 1) * 3 + m]!) m = k;
  const segments: QrSegment[] = [];
  for (let i = n - 1; i >= 0; ) {
    let start = i;
    while (start > 0 && from[start * 3 + m] === m) start--;
    segments.unshift({ mode: MODES[m]!, start, end: i + 1 });
    m = from[start * 3 + m]!;
    i = start - 1;
  }
  return segments;
}

/** UTF-8 of `text` (what scanners decode byte mode as), or `undefined` when it holds a lone surrogate. */
export function utf8Bytes(text: string): number[] | undefined {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0xd800 || c > 0xdfff) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else {
      const low = text.charCodeAt(i + 1); // NaN past the end: fails the range test below
      if (c > 0xdbff || !(low >= 0xdc00 && low <= 0xdfff)) return undefined;
      i++;
      c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
      out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    }
  }
  return out;
}

/** The lean-qr mode that writes one segment: its mode indicator, count field and data bits. */
function segmentMode(bytes: readonly number[], { mode: kind, start, end }: QrSegment) {
  const data = bytes.slice(start, end);
  if (kind === 'byte') return mode.bytes(data);
  // Numeric and alphanumeric segments are ASCII by construction (see splitSegments).
  let text = '';
  for (const b of data) text += String.fromCharCode(b);
  return kind === 'numeric' ? mode.numeric(text) : mode.alphaNumeric(text);
}

/**
 * Encodes `bytes` at `level` in the smallest version that holds them, or returns `undefined` when even
 * version 40 does not. lean-qr picks the mask with the lowest ISO/IEC 18004 §7.8.3 penalty; `mask`
 * forces one, for tests.
 */
export function encodeQrMatrix(bytes: readonly number[], level: QrErrorCorrection, mask?: Mask): QrMatrix | undefined {
  const splits: QrSegment[][] = [];
  const splitFor = (version: number) => (splits[versionClassOf(version)] ??= splitSegments(bytes, version));
  const data: Mode = (bits, version) => {
    for (const s of splitFor(version)) segmentMode(bytes, s)(bits, version);
  };
  let code;
  try {
    code = generate(data, { minCorrectionLevel: correction[level], maxCorrectionLevel: correction[level], mask: mask ?? null });
  } catch (error) {
    // lean-qr's error 4: the data does not fit in version 40 at this level. Any other would be a bug here.
    if ((error as { code?: unknown }).code === 4) return undefined;
    throw error;
  }
  const size = code.size;
  const dark = new Uint8Array(size * size);
  // get(x, y): x is the column, y the row.
  for (let row = 0, i = 0; row < size; row++) for (let col = 0; col < size; col++, i++) dark[i] = code.get(col, row) ? 1 : 0;
  const version = (size - 17) / 4;
  return { version, size, dark, segments: splitFor(version) };
}
