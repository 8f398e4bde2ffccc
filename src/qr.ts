// Entry `@inworkjobs/two-factor/qr`: otpauth URIs as standalone SVG QR codes (ISO/IEC 18004).
// The matrix comes from lean-qr through src/internal/qr-matrix.ts; the SVG is written here: one stroked <path> of
// horizontal runs in module units, so the file stays small and every renderer draws crisp squares.
import { TwoFactorError } from './errors.js';
import { fail, integerOption, optionsObject } from './internal/assert.js';
import { isWellFormed } from './internal/text.js';
import { type QrErrorCorrection, type QrMatrix, MAX_BYTES, encodeQrMatrix, utf8Bytes } from './internal/qr-matrix.js';

export type { QrErrorCorrection };

/** Options of {@link renderQrSvg}. */
export interface QrSvgOptions {
  /** Reed–Solomon level: L ≈ 7 %, M ≈ 15 %, Q ≈ 25 %, H ≈ 30 % of the symbol recoverable. Default `'M'`. */
  errorCorrection?: QrErrorCorrection;
  /** Quiet zone around the symbol, in modules: an integer 0–64. Default 4, the minimum ISO/IEC 18004 asks for. */
  margin?: number;
  /** Width and height of the image in px (CSS px for inline SVG). Default {@link DEFAULT_MODULE_PX} px per module, quiet zone included. */
  size?: number;
  /** Colour of the dark modules, `#rgb` or `#rrggbb`. Default `'#000'`. */
  color?: string;
  /** Colour of the light modules and the quiet zone, `#rgb` or `#rrggbb`. Default `'#fff'`. */
  background?: string;
  /** Text for screen readers (`<title>` and `aria-label`, with `role="img"`), e.g. `'Scan to set up two-factor authentication'`. */
  title?: string;
}

/** Pixels per module when no `size` is given: a 130-character URI (version 8, 57 modules with the quiet zone) comes out 228 px square. */
export const DEFAULT_MODULE_PX = 4;
// The most characters any QR code holds (7089 digits, version 40-L): longer text is refused unread.
const MAX_TEXT_UNITS = 7089;
const MAX_MARGIN_MODULES = 64;
const MAX_SIZE_PX = 100_000;
const MAX_TITLE_CHARS = 500;
const COLOR = /^#(?:[0-9a-f]{3}){1,2}$/i;
// Characters XML 1.0 forbids even when escaped (C0 controls other than tab/LF/CR, U+FFFE, U+FFFF):
// a title holding one would make an SVG that no XML parser loads.
const XML_FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;
const LEVELS: readonly string[] = ['L', 'M', 'Q', 'H'];

/**
 * Renders `text` (usually an otpauth:// URI) as a standalone SVG QR code that phone scanners read.
 *
 * The text is encoded as plain UTF-8 (no BOM, no ECI), split into numeric, alphanumeric and byte
 * segments so that it fits the smallest version (ISO/IEC 18004 §7.3–7.4). The SVG is one line with no XML declaration: a background `<rect>` and
 * one stroked `<path>` of the dark runs, `viewBox` in module units, `shape-rendering="crispEdges"`.
 * Percent-encode non-ASCII in URIs anyway: authenticator apps read URIs, not raw UTF-8 labels.
 *
 * @param text - the content: up to 2953 bytes of UTF-8 at level L, 2331 at M, 1663 at Q, 1273 at H
 *   (more when long stretches are digits or capitals, such as a base32 secret)
 * @param options - see {@link QrSvgOptions}
 * @returns the `<svg …>…</svg>` markup; use {@link qrSvgDataUri} for an `<img src>`
 * @throws TwoFactorError `INVALID_OPTION` for empty or non-string text, a lone UTF-16 surrogate in it,
 *   or a bad option (`errorCorrection`, `margin`, `size`, `color`, `background`, `title`)
 * @throws TwoFactorError `QR_CAPACITY` when the text does not fit in a version-40 symbol at that level
 *
 * @example
 * ```ts
 * const svg = renderQrSvg('otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME', { title: 'Scan with your authenticator app' });
 * svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'); // true
 * ```
 */
export function renderQrSvg(text: string, options?: QrSvgOptions): string {
  const o = optionsObject(options);
  const level = levelOption(o.errorCorrection);
  const margin = integerOption(o.margin, 'margin', 0, MAX_MARGIN_MODULES, 4);
  const size = o.size;
  if (size !== undefined && (typeof size !== 'number' || !(size > 0 && size <= MAX_SIZE_PX))) {
    fail('INVALID_OPTION', 'size', `a number of px above 0 and at most ${MAX_SIZE_PX}`, size);
  }
  const color = colorOption(o.color, 'color', '#000');
  const background = colorOption(o.background, 'background', '#fff');
  const title = o.title === undefined ? undefined : titleOption(o.title);

  const matrix = encodeText(text, level);
  const extent = matrix.size + 2 * margin;
  const px = size ?? extent * DEFAULT_MODULE_PX;
  let svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${px}" height="${px}" viewBox="0 0 ${extent} ${extent}"` +
    ' shape-rendering="crispEdges"';
  if (title !== undefined) svg += ` role="img" aria-label="${title}"><title>${title}</title>`;
  else svg += '>';
  // The background is always painted: a transparent quiet zone on a dark page is unreadable.
  svg += `<rect width="${extent}" height="${extent}" fill="${background}"/>`;
  svg += `<path stroke="${color}" d="${runsPath(matrix, margin)}"/></svg>`;
  return svg;
}

/**
 * The module matrix of the QR code {@link renderQrSvg} draws for the same text and level, for
 * renderers of your own (terminal, canvas, PDF). No quiet zone: add `margin` light modules yourself.
 *
 * @param text - the content, as for {@link renderQrSvg}
 * @param options - `errorCorrection`, default `'M'`; other {@link QrSvgOptions} are ignored
 * @returns `modules[row][col]`, `true` for dark; rows run top to bottom, columns left to right
 * @throws TwoFactorError `INVALID_OPTION` / `QR_CAPACITY` as {@link renderQrSvg}
 *
 * @example
 * ```ts
 * const modules = qrModules('otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP');
 * modules.length; // 33 (version 4: 33 × 33 modules, no quiet zone)
 * modules[0][0];  // true (the dark corner of the top-left finder pattern)
 * ```
 */
export function qrModules(text: string, options?: Pick<QrSvgOptions, 'errorCorrection'>): boolean[][] {
  const { size, dark } = encodeText(text, levelOption(optionsObject(options).errorCorrection));
  return Array.from({ length: size }, (_, row) => Array.from(dark.subarray(row * size, (row + 1) * size), Boolean));
}

/**
 * Wraps an SVG as a `data:image/svg+xml` URL for `<img src="…">` or CSS `url("…")`.
 *
 * Percent-encodes only what URLs and HTML attributes need (`%`, `#`, `&`, quotes, `<`, `>`, controls,
 * non-ASCII as UTF-8), so the URL stays about as small as the SVG (base64 would add a third).
 * Spaces stay literal: put the URL in a quoted attribute or set it as a DOM property.
 *
 * @param svg - SVG markup, e.g. from {@link renderQrSvg}
 * @returns `data:image/svg+xml,%3Csvg …`
 * @throws TwoFactorError `INVALID_OPTION` when `svg` is not a string starting with `<svg`, or holds a lone surrogate
 *
 * @example
 * ```ts
 * img.src = qrSvgDataUri(renderQrSvg(uri));
 * ```
 */
export function qrSvgDataUri(svg: string): string {
  if (typeof svg !== 'string' || !svg.startsWith('<svg')) fail('INVALID_OPTION', 'svg', 'a string starting with "<svg"', svg);
  const bytes = utf8Bytes(svg);
  if (bytes === undefined) fail('INVALID_OPTION', 'svg', 'well-formed Unicode (no lone surrogates)', svg);
  let out = 'data:image/svg+xml,';
  for (const b of bytes) {
    out += URL_SAFE[b] ? String.fromCharCode(b) : `%${b < 16 ? '0' : ''}${b.toString(16).toUpperCase()}`;
  }
  return out;
}

// ASCII bytes kept literal in data URLs: unreserved and sub-delimiters that mean nothing to the
// data: URL parser or to a quoted HTML attribute, plus space. `&` is escaped because an HTML attribute
// would decode the `&amp;` of an escaped title.
const URL_SAFE = new Uint8Array(128);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$*+,;=:@/? ") URL_SAFE[c.charCodeAt(0)] = 1;

function encodeText(text: unknown, level: QrErrorCorrection): QrMatrix {
  if (typeof text !== 'string' || text.length === 0) fail('INVALID_OPTION', 'text', 'a non-empty string', text);
  if (text.length > MAX_TEXT_UNITS) capacityError(text.length, level);
  const bytes = utf8Bytes(text);
  if (bytes === undefined) fail('INVALID_OPTION', 'text', 'well-formed Unicode (no lone surrogates)', text);
  return encodeQrMatrix(bytes, level) ?? capacityError(bytes.length, level);
}

function capacityError(byteCount: number, level: QrErrorCorrection): never {
  // The text is usually a URI holding a secret: only its length goes into the message.
  throw new TwoFactorError(
    'QR_CAPACITY',
    `"text" must be at most ${MAX_BYTES[level]} bytes of UTF-8 (more if mostly digits and ` +
      `capital letters) to fit a QR code at error correction ${level}, got ${byteCount} bytes`,
  );
}

function levelOption(value: unknown): QrErrorCorrection {
  if (value === undefined) return 'M';
  if (typeof value !== 'string' || !LEVELS.includes(value)) fail('INVALID_OPTION', 'errorCorrection', "'L', 'M', 'Q' or 'H'", value);
  return value as QrErrorCorrection;
}

function colorOption(value: unknown, field: string, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !COLOR.test(value)) fail('INVALID_OPTION', field, 'a colour "#rgb" or "#rrggbb"', value);
  return value;
}

function titleOption(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_TITLE_CHARS) {
    fail('INVALID_OPTION', 'title', `a string of 1–${MAX_TITLE_CHARS} characters`, value);
  }
  if (XML_FORBIDDEN.test(value) || !isWellFormed(value)) {
    fail('INVALID_OPTION', 'title', 'text without control characters or lone surrogates', value);
  }
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Path data for the dark modules: a 1-unit-wide stroke along the middle of each row (y + 0.5) covers
 * exactly the modules of each horizontal run. After the first absolute move every move is relative to
 * the end of the previous run, so most numbers are one or two digits.
 */
function runsPath({ size, dark }: QrMatrix, margin: number): string {
  let d = '';
  let penCol = 0;
  let penRow = -1;
  for (let row = 0; row < size; row++) {
    const base = row * size;
    for (let col = 0; col < size; col++) {
      if (!dark[base + col]) continue;
      let end = col + 1;
      while (end < size && dark[base + end]) end++;
      d += penRow < 0 ? `M${col + margin} ${row + margin || ''}.5` : `m${col - penCol} ${row - penRow}`;
      d += `h${end - col}`;
      penCol = end;
      penRow = row;
      col = end;
    }
  }
  return d;
}
