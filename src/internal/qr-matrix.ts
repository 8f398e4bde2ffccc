// The QR module matrix (ISO/IEC 18004), with qrcode-svg's Reed–Solomon and module placement core as the
// engine; the masks are applied and chosen here (qrcode-svg's mask choice is slow and non-standard).
// qrcode-svg's own front end is bypassed because it is wrong in three ways: it prepends a UTF-8 BOM to
// any non-ASCII text and writes CESU-8 for astral characters and wrong bytes for U+0080/U+0800; its
// version table has no second block group for version 15-H ("code length overflow" for ~193–217 bytes);
// its SVG is transposed; and it writes everything in byte mode. Here the text is split into numeric,
// alphanumeric and byte segments (ISO/IEC 18004 §7.4; a base32 secret packs 5.5 bits per character
// instead of 8, which often saves a version), the version is chosen from the standard table, the
// segments are handed to the model exactly, and the matrix is read row by row.
import QRCode from 'qrcode-svg';

export type QrErrorCorrection = 'L' | 'M' | 'Q' | 'H';

/** A finished symbol: `dark[row * size + col]` is 1 for a dark module. Rows run top to bottom. */
export interface QrMatrix {
  version: number;
  mask: number;
  size: number;
  dark: Uint8Array;
}

// Byte-mode capacity in bytes (ISO/IEC 18004 Table 7), per version 1–40, levels in the order L, M, Q, H.
// prettier-ignore
const BYTE_CAPACITY = [
  17, 14, 11, 7, 32, 26, 20, 14, 53, 42, 32, 24, 78, 62, 46, 34, 106, 84, 60, 44, 134, 106, 74, 58,
  154, 122, 86, 64, 192, 152, 108, 84, 230, 180, 130, 98, 271, 213, 151, 119, 321, 251, 177, 137,
  367, 287, 203, 155, 425, 331, 241, 177, 458, 362, 258, 194, 520, 412, 292, 220, 586, 450, 322, 250,
  644, 504, 364, 280, 718, 560, 394, 310, 792, 624, 442, 338, 858, 666, 482, 382, 929, 711, 509, 403,
  1003, 779, 565, 439, 1091, 857, 611, 461, 1171, 911, 661, 511, 1273, 997, 715, 535, 1367, 1059, 751, 593,
  1465, 1125, 805, 625, 1528, 1190, 868, 658, 1628, 1264, 908, 698, 1732, 1370, 982, 742, 1840, 1452, 1030, 790,
  1952, 1538, 1112, 842, 2068, 1628, 1168, 898, 2188, 1722, 1228, 958, 2303, 1809, 1283, 983, 2431, 1911, 1351, 1051,
  2563, 1989, 1423, 1093, 2699, 2099, 1499, 1139, 2809, 2213, 1579, 1219, 2953, 2331, 1663, 1273,
];
const LEVEL_COLUMN: Record<QrErrorCorrection, number> = { L: 0, M: 1, Q: 2, H: 3 };
export const MAX_QR_VERSION = 40;

/** The most bytes a symbol of `version` holds at `level` in byte mode. */
export function byteCapacity(version: number, level: QrErrorCorrection): number {
  return BYTE_CAPACITY[(version - 1) * 4 + LEVEL_COLUMN[level]]!;
}

/**
 * Versions whose qrcode-svg block table disagrees with the standard. 15-H has 11×(36,12) there but
 * 11×(36,12) + 7×(37,13) in ISO/IEC 18004 Table 9 (davidshimjs/qrcodejs#78). Skipping to the next
 * version gives a valid, slightly larger symbol. test/qr.test.ts compares every version and level
 * with an independent encoder, so a second bad entry would show there.
 */
const BROKEN_VERSIONS: Record<QrErrorCorrection, readonly number[]> = { L: [], M: [], Q: [], H: [15] };

/** A run of the data in one encoding mode: `bytes[start..end)` of the UTF-8 text. */
export interface QrSegment {
  mode: 'numeric' | 'alphanumeric' | 'byte';
  start: number;
  end: number;
}

const MODES = ['numeric', 'alphanumeric', 'byte'] as const;
const MODE_INDICATOR = { numeric: 1, alphanumeric: 2, byte: 4 } as const;
// Character count indicator bits per mode, for versions 1–9, 10–26, 27–40 (ISO/IEC 18004 Table 3).
const COUNT_BITS = { numeric: [10, 12, 14], alphanumeric: [9, 11, 13], byte: [8, 16, 16] } as const;
const VERSION_CLASSES = [[1, 9], [10, 26], [27, 40]] as const;
const ALPHANUMERIC = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
const ALNUM_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHANUMERIC.length; i++) ALNUM_VALUE[ALPHANUMERIC.charCodeAt(i)] = i;

function dataBits(mode: QrSegment['mode'], count: number): number {
  if (mode === 'byte') return 8 * count;
  if (mode === 'alphanumeric') return 11 * (count >> 1) + 6 * (count & 1);
  return 10 * Math.floor(count / 3) + [0, 4, 7][count % 3]!;
}

/** Data codewords of a symbol: the byte capacity plus the mode and count indicator bytes it leaves out. */
const dataCodewords = (version: number, level: QrErrorCorrection) => byteCapacity(version, level) + (version < 10 ? 2 : 3);

/**
 * The fewest-bits split of `bytes` into modes for one version class: a shortest path over
 * (position, mode) with per-character costs in sixths of a bit (numeric 10/3, alphanumeric 11/2,
 * byte 8) and a mode indicator plus count field for every new segment.
 */
function splitSegments(bytes: readonly number[], versionClass: number): QrSegment[] {
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

/**
 * The smallest usable version for `bytes` at `level` and its segments, or version 0 when even
 * version 40 is too small.
 */
export function planQr(bytes: readonly number[], level: QrErrorCorrection): { version: number; segments: QrSegment[] } {
  for (const [c, [first, last]] of VERSION_CLASSES.entries()) {
    const segments = splitSegments(bytes, c);
    const bits = segments.reduce((sum, s) => sum + 4 + COUNT_BITS[s.mode][c]! + dataBits(s.mode, s.end - s.start), 0);
    for (let version = first; version <= last; version++) {
      if (bits <= 8 * dataCodewords(version, level) && !BROKEN_VERSIONS[level].includes(version)) return { version, segments };
    }
  }
  return { version: 0, segments: [] };
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

// The parts of qrcode-svg's model (Kazuhiko Arase's QRCodeModel) used here. All are plain properties
// and prototype methods of the object the constructor exposes as `.qrcode`. Its createData() asks
// each entry of dataList for `mode`, `getLength()` and `write(buffer)`, and knows the count field
// widths of all three modes.
interface BitBuffer {
  put(value: number, bits: number): void;
}
interface AraseSegment {
  mode: number;
  getLength(): number;
  write(buffer: BitBuffer): void;
}
interface AraseModel {
  typeNumber: number;
  errorCorrectLevel: number;
  dataCache: number[] | null;
  dataList: AraseSegment[];
  /** `null` for modules not yet set: while mapData runs, exactly the data region. */
  modules: (boolean | null)[][];
  moduleCount: number;
  /** Builds the symbol: function patterns, format (and version) information, then mapData. */
  makeImpl(test: boolean, maskPattern: number): void;
  /** Places the codewords in the modules still `null`, masked with `maskPattern`. */
  mapData(data: number[], maskPattern: number): void;
  /** Writes the format information (level and mask) and the dark module. */
  setupTypeInfo(test: boolean, maskPattern: number): void;
}

function araseSegment(bytes: readonly number[], { mode, start, end }: QrSegment): AraseSegment {
  const data = bytes.slice(start, end);
  return {
    mode: MODE_INDICATOR[mode],
    getLength: () => data.length,
    write(buffer) {
      if (mode === 'byte') for (const b of data) buffer.put(b, 8);
      else if (mode === 'alphanumeric') {
        for (let i = 0; i + 1 < data.length; i += 2) buffer.put(ALNUM_VALUE[data[i]!]! * 45 + ALNUM_VALUE[data[i + 1]!]!, 11);
        if (data.length & 1) buffer.put(ALNUM_VALUE[data[data.length - 1]!]!, 6);
      } else {
        for (let i = 0; i < data.length; i += 3) {
          const group = data.slice(i, i + 3);
          buffer.put(Number(String.fromCharCode(...group)), [0, 4, 7, 10][group.length]!);
        }
      }
    },
  };
}

const MODEL_TEMPLATES: Partial<Record<QrErrorCorrection, AraseModel>> = {};

// The data masks (ISO/IEC 18004 Table 10): a data module at (row, col) is inverted where the condition holds.
const MASKS: readonly ((row: number, col: number) => boolean)[] = [
  (r, c) => (r + c) % 2 === 0,
  (r) => r % 2 === 0,
  (_, c) => c % 3 === 0,
  (r, c) => (r + c) % 3 === 0,
  (r, c) => (((r >> 1) + Math.floor(c / 3)) & 1) === 0,
  (r, c) => ((r * c) % 2) + ((r * c) % 3) === 0,
  (r, c) => (((r * c) % 2) + ((r * c) % 3)) % 2 === 0,
  (r, c) => (((r * c) % 3) + ((r + c) % 2)) % 2 === 0,
];

/**
 * Encodes `bytes`, split as `segments`, at `version` and `level` (the caller has checked the capacity,
 * see {@link planQr}). The mask is the one with the lowest penalty score ({@link maskPenalty}; the lowest
 * mask number on ties), as npm `qrcode` chooses it; `mask` forces one, for tests.
 */
export function encodeQrMatrix(
  bytes: readonly number[],
  segments: readonly QrSegment[],
  level: QrErrorCorrection,
  version: number,
  mask?: number,
): QrMatrix {
  // qrcode-svg's QRCodeModel is reachable only as `.qrcode` of a finished QRCode, whose constructor picks a
  // mask the slow way. So a one-character placeholder per level is made once, and every symbol gets a
  // fresh model on its prototype with the level's code: nothing of the text (a secret) outlives the call.
  const template = (MODEL_TEMPLATES[level] ??= new QRCode({ content: ' ', ecl: level }).qrcode as unknown as AraseModel);
  const proto = Object.getPrototypeOf(template) as AraseModel;
  if (
    typeof template.errorCorrectLevel !== 'number' ||
    ![proto.makeImpl, proto.mapData, proto.setupTypeInfo].every((method) => typeof method === 'function')
  ) {
    throw new Error('qrcode-svg internals changed: QRCodeModel without errorCorrectLevel/makeImpl/mapData/setupTypeInfo');
  }
  const model: AraseModel = Object.create(proto);
  model.errorCorrectLevel = template.errorCorrectLevel;
  model.dataList = segments.map((s) => araseSegment(bytes, s));
  model.typeNumber = version;
  model.dataCache = null;

  // The symbol is built once, with mask 0; the modules mapData fills are recorded as the data region.
  const size = 17 + 4 * version;
  const isData = new Uint8Array(size * size);
  model.mapData = (data, maskPattern) => {
    for (let row = 0; row < size; row++) {
      for (let col = 0; col < size; col++) isData[row * size + col] = model.modules[row]![col] === null ? 1 : 0;
    }
    proto.mapData.call(model, data, maskPattern);
  };
  model.makeImpl(false, 0);
  if (model.moduleCount !== size) throw new Error('qrcode-svg internals changed: unexpected symbol size');
  // The unmasked symbol: mask 0 taken off the data region again.
  const plain = readModules(model, size);
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) if (isData[row * size + col] && MASKS[0]!(row, col)) plain[row * size + col]! ^= 1;
  }

  // Each mask applied to the data region, with its own format information, and scored. The format
  // information is the only part of the function patterns that depends on the mask, and it lies in row 8
  // and column 8 (ISO/IEC 18004 §7.9): those are read back after setupTypeInfo. qrcode-svg's
  // getBestMaskPattern is not used: it rebuilds the symbol for every mask and scores it with a slow rule of its own.
  let best: QrMatrix | undefined;
  let bestScore = Infinity;
  for (const m of mask === undefined ? [0, 1, 2, 3, 4, 5, 6, 7] : [mask]) {
    model.setupTypeInfo(false, m);
    const dark = plain.slice();
    for (let k = 0; k < size; k++) {
      if (!isData[8 * size + k]) dark[8 * size + k] = model.modules[8]![k] ? 1 : 0;
      if (!isData[k * size + 8]) dark[k * size + 8] = model.modules[k]![8] ? 1 : 0;
    }
    const inverted = MASKS[m]!;
    for (let row = 0, i = 0; row < size; row++) {
      for (let col = 0; col < size; col++, i++) if (isData[i] && inverted(row, col)) dark[i]! ^= 1;
    }
    const symbol = { version, mask: m, size, dark };
    const score = mask === undefined ? maskPenalty(symbol) : 0;
    if (score < bestScore) [best, bestScore] = [symbol, score];
  }
  return best!;
}

// qrcode-svg's modules are [row][col] (its own svg() reads them as [x][y], hence its transposed output).
function readModules(model: AraseModel, size: number): Uint8Array {
  const dark = new Uint8Array(size * size);
  for (let row = 0; row < size; row++) {
    const line = model.modules[row]!;
    for (let col = 0; col < size; col++) dark[row * size + col] = line[col] ? 1 : 0;
  }
  return dark;
}

/**
 * The penalty score of a finished symbol (ISO/IEC 18004 §7.8.3), exactly as npm `qrcode` computes it:
 * N1 3 + (n − 5) per run of n ≥ 5 same-coloured modules in a row or column; N2 3 per 2×2 block of one
 * colour (overlapping blocks counted); N3 40 per 1011101 finder-like pattern with 4 light modules on
 * one side, inside the symbol (11-module windows 10111010000 and 00001011101, rows and columns);
 * N4 10 per 5 % step that the dark share (rounded up to the step) is away from 50 %.
 */
export function maskPenalty({ size, dark }: QrMatrix): number {
  let points = 0;
  let darkCount = 0;
  for (let line = 0; line < size; line++) {
    // Rows (r*) and columns (c*) in one pass: the run's colour and length, and the last 11 modules as bits.
    let rColor = -1;
    let cColor = -1;
    let rRun = 0;
    let cRun = 0;
    let rBits = 0;
    let cBits = 0;
    for (let i = 0; i < size; i++) {
      const r = dark[line * size + i]!;
      const c = dark[i * size + line]!;
      darkCount += r;
      if (r === rColor) rRun++;
      else {
        if (rRun >= 5) points += rRun - 2;
        rColor = r;
        rRun = 1;
      }
      if (c === cColor) cRun++;
      else {
        if (cRun >= 5) points += cRun - 2;
        cColor = c;
        cRun = 1;
      }
      rBits = ((rBits << 1) & 0x7ff) | r;
      cBits = ((cBits << 1) & 0x7ff) | c;
      if (i >= 10) {
        if (rBits === 0x5d0 || rBits === 0x05d) points += 40;
        if (cBits === 0x5d0 || cBits === 0x05d) points += 40;
      }
    }
    if (rRun >= 5) points += rRun - 2;
    if (cRun >= 5) points += cRun - 2;
  }
  for (let row = 0; row < size - 1; row++) {
    const top = row * size;
    const bottom = top + size;
    for (let col = 0; col < size - 1; col++) {
      const sum = dark[top + col]! + dark[top + col + 1]! + dark[bottom + col]! + dark[bottom + col + 1]!;
      if (sum === 0 || sum === 4) points += 3;
    }
  }
  return points + 10 * Math.abs(Math.ceil((darkCount * 100) / (size * size) / 5) - 10);
}
