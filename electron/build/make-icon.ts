// Draws the app icon (build resource for electron-builder, which derives the macOS .icns
// and the Windows .ico from it): a rounded square with an arched gate.
//   node electron/build/make-icon.ts
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';

const SIZE = 1024;

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const b of buf) { c ^= b; for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1)); }
  return ~c >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type), data]);
  const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
const clamp = (v: number) => Math.max(0, Math.min(1, v));

/** Signed distance (pixels) to a rounded square of half-size h and corner radius r, centred. */
function roundedSquare(x: number, y: number, h: number, r: number): number {
  const qx = Math.abs(x) - h + r;
  const qy = Math.abs(y) - h + r;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
}

/** The gate: a thick arch over two posts. Returns coverage 0..1. */
function gate(x: number, y: number): number {
  const outer = 300;
  const inner = 190;
  const top = -60;
  let d: number;
  if (y < top) {
    const r = Math.hypot(x, y - top);
    d = Math.max(r - outer, inner - r);
  } else {
    d = Math.max(Math.abs(x) - outer, inner - Math.abs(x), y - 330);
  }
  return clamp(0.5 - d);
}

const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let py = 0; py < SIZE; py++) {
  for (let px = 0; px < SIZE; px++) {
    const x = px + 0.5 - SIZE / 2;
    const y = py + 0.5 - SIZE / 2;
    const body = clamp(0.5 - roundedSquare(x, y, 460, 200));
    const g = gate(x, y);
    // Deep blue, lighter towards the top; the gate in near-white.
    const shade = 1 - (py / SIZE) * 0.35;
    const bg = [Math.round(40 * shade), Math.round(72 * shade), Math.round(140 * shade)];
    const rgb = bg.map((c, i) => Math.round(c * (1 - g) + [240, 244, 250][i]! * g));
    raw.set([rgb[0]!, rgb[1]!, rgb[2]!, Math.round(255 * body)], py * (SIZE * 4 + 1) + 1 + px * 4);
  }
}
const ihdr = Buffer.alloc(13); ihdr.writeUInt32BE(SIZE, 0); ihdr.writeUInt32BE(SIZE, 4); ihdr[8] = 8; ihdr[9] = 6;
const file = join(import.meta.dirname, 'icon.png');
writeFileSync(file, Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]));
console.log(`icon written to ${file}`);
