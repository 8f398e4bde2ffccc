// Independent QR readers for the tests: the SVG is rasterised by resvg (a real SVG renderer), then
// decoded by jsQR (JavaScript, in process) and by ZXing-C++ (the ZXing family phone scanners use,
// Debian python3-zxing-cpp, many images per Python process). Both return the raw byte-mode bytes.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';

// Both are CommonJS; `require` gives the function itself, whatever the ESM interop of the moment.
const require = createRequire(import.meta.url);
const jsQR = require('jsqr') as typeof import('jsqr').default;

/** The npm `qrcode` package (no bundled types): an encoder written independently of qrcode-svg. */
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
