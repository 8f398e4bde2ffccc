// Independent QR readers for the tests: the SVG is rasterised by resvg (a real SVG renderer), then
// decoded by jsQR (JavaScript, in process) and by ZXing-C++ (the ZXing family phone scanners use,
// Debian python3-zxing-cpp, many images per Python process). Both return the raw byte-mode bytes.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';

// Both are CommonJS; `require` gives the function itself, whatever the ESM interop of the moment.
const require = createRequire(import.meta.url);
const jsQR = require('jsqr') as typeof import('jsqr').default;

/** The npm `qrcode` package (no bundled types): an encoder written independently of lean-qr. */
export const referenceEncoder = require('qrcode') as {
  create(
    segments: Array<{ mode: string; data: string | Uint8Array }>,
    options: { errorCorrectionLevel: string; version: number; maskPattern: number },
  ): { version: number; modules: { size: number; data: Uint8Array } };
};

export interface Raster {
  width: number;
  height: number;
  rgba: Uint8Array;
}

/** Renders an SVG with resvg at `widthPx` (the SVG's own width when omitted). */
export function rasterise(svg: string, widthPx?: number): Raster {
  const resvg = new Resvg(svg, widthPx === undefined ? {} : { fitTo: { mode: 'width', value: widthPx } });
  const image = resvg.render();
  return { width: image.width, height: image.height, rgba: image.pixels };
}

/** jsQR's reading of the image: the decoded bytes, or null when it finds no code. */
export function decodeWithJsqr(raster: Raster): Uint8Array | null {
  const rgba = new Uint8ClampedArray(raster.rgba.buffer, raster.rgba.byteOffset, raster.rgba.byteLength);
  const result = jsQR(rgba, raster.width, raster.height, { inversionAttempts: 'dontInvert' });
  return result ? Uint8Array.from(result.binaryData) : null;
}

const ZXING_SCRIPT = `
import json, sys, numpy, zxingcpp
out = []
for item in json.load(sys.stdin):
    image = numpy.fromfile(item["path"], dtype=numpy.uint8).reshape(item["height"], item["width"])
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    out.append([r.bytes.hex() for r in found])
json.dump(out, sys.stdout)
`;

/** ZXing-C++'s readings of many images in one Python process: per image, the bytes of each code found. */
export function decodeWithZxing(rasters: readonly Raster[]): Uint8Array[][] {
  const dir = mkdtempSync(join(tmpdir(), 'qr-zxing-'));
  try {
    const manifest = rasters.map((raster, i) => {
      const path = join(dir, `${i}.gray`);
      writeFileSync(path, toGray(raster));
      return { path, width: raster.width, height: raster.height };
    });
    // Debian's python3-zxing-cpp lives in the system interpreter, not in a pyenv/venv one earlier on PATH.
    const stdout = execFileSync('/usr/bin/python3', ['-c', ZXING_SCRIPT], {
      input: JSON.stringify(manifest),
      maxBuffer: 64 << 20,
      encoding: 'utf8',
    });
    return (JSON.parse(stdout) as string[][]).map((codes) => codes.map((hex) => Uint8Array.from(Buffer.from(hex, 'hex'))));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** ZBar's reading of one image (raw bytes, no charset conversion), or null. One process per image. */
export function decodeWithZbar(raster: Raster): Uint8Array | null {
  const dir = mkdtempSync(join(tmpdir(), 'qr-zbar-'));
  try {
    const path = join(dir, 'code.pgm');
    writeFileSync(path, Buffer.concat([Buffer.from(`P5 ${raster.width} ${raster.height} 255\n`), toGray(raster)]));
    const stdout = execFileSync('zbarimg', ['--raw', '-q', '-Sbinary', path], { stdio: ['ignore', 'pipe', 'ignore'] });
    return Uint8Array.from(stdout);
  } catch {
    return null; // zbarimg exits 4 when it finds nothing
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Checks ZBar's readings of many images: returns the indices of the images it does not read as exactly
 * `expected[i]`. zbarimg's raw binary output has no separator between images, so each batch of images
 * goes through one process and its output must be the concatenation of the expected bytes, in order;
 * a batch that is not is read again one image per process to name the failures.
 */
export async function zbarMisreads(rasters: readonly Raster[], expected: readonly Uint8Array[]): Promise<number[]> {
  const dir = mkdtempSync(join(tmpdir(), 'qr-zbar-'));
  const zbar = (paths: string[]) =>
    new Promise<Buffer | null>((resolve) => {
      execFile('zbarimg', ['--raw', '-q', '-Sbinary', ...paths], { encoding: 'buffer', maxBuffer: 64 << 20 }, (error, stdout) =>
        resolve(error ? null : stdout),
      );
    });
  try {
    const paths = rasters.map((raster, i) => {
      const path = join(dir, `${i}.pgm`);
      writeFileSync(path, Buffer.concat([Buffer.from(`P5 ${raster.width} ${raster.height} 255\n`), toGray(raster)]));
      return path;
    });
    const BATCH = 100;
    const batches = Array.from({ length: Math.ceil(paths.length / BATCH) }, (_, b) => b * BATCH);
    const misreads: number[] = [];
    let next = 0;
    const worker = async () => {
      for (let b = next++; b < batches.length; b = next++) {
        const from = batches[b]!;
        const to = Math.min(from + BATCH, paths.length);
        const out = await zbar(paths.slice(from, to));
        if (out?.equals(Buffer.concat(expected.slice(from, to)))) continue;
        for (let i = from; i < to; i++) if (!(await zbar([paths[i]!]))?.equals(expected[i]!)) misreads.push(i);
      }
    };
    await Promise.all(Array.from({ length: Math.max(2, availableParallelism()) }, worker));
    return misreads.sort((x, y) => x - y);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The error correction level and mask a finished symbol declares in its format information (ISO/IEC
 * 18004 §7.9: 15 bits along column 8 next to the top-left finder, XOR 0x5412). Read from the matrix
 * itself, so a test can hand the same mask to another encoder.
 */
export function formatInfo(modules: boolean[][]): { level: 'L' | 'M' | 'Q' | 'H'; mask: number } {
  const size = modules.length;
  let bits = 0;
  for (let i = 0; i < 15; i++) {
    const row = i < 6 ? i : i < 8 ? i + 1 : size - 15 + i;
    if (modules[row]![8]) bits |= 1 << i;
  }
  const data = (bits ^ 0x5412) >> 10;
  return { level: (['M', 'L', 'H', 'Q'] as const)[data >> 3]!, mask: data & 7 };
}

/** Reads the module grid back from the rendered pixels: the colour at the centre of each module. */
export function sampleModules(raster: Raster, modules: number, margin: number): boolean[][] {
  const pxPerModule = raster.width / (modules + 2 * margin);
  const grid: boolean[][] = [];
  for (let row = 0; row < modules; row++) {
    const line: boolean[] = [];
    const y = Math.floor((row + margin + 0.5) * pxPerModule);
    for (let col = 0; col < modules; col++) {
      const x = Math.floor((col + margin + 0.5) * pxPerModule);
      line.push(luminance(raster.rgba, y * raster.width + x) < 128);
    }
    grid.push(line);
  }
  return grid;
}

function toGray({ width, height, rgba }: Raster): Uint8Array {
  const gray = new Uint8Array(width * height);
  // resvg leaves uncovered pixels transparent; composite onto white as a screen would.
  for (let i = 0; i < gray.length; i++) gray[i] = luminance(rgba, i);
  return gray;
}

function luminance(rgba: Uint8Array, pixel: number): number {
  const o = pixel * 4;
  const a = rgba[o + 3]! / 255;
  const y = 0.299 * rgba[o]! + 0.587 * rgba[o + 1]! + 0.114 * rgba[o + 2]!;
  return Math.round(y * a + 255 * (1 - a));
}
