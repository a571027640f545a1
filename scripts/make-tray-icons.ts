// Draws the tray icons (a filled circle per state, and a ring for "paused") as PNGs
// in the sizes each OS wants: 16/32 px (Windows, Linux), and 16/32 px template
// images for macOS (black with alpha; the system tints them).
//   node scripts/make-tray-icons.ts
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';

const STATES: Record<string, [number, number, number]> = { ok: [27, 127, 59], pending: [210, 140, 0], error: [179, 38, 30], offline: [120, 124, 132], paused: [58, 90, 153] };

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
function png(size: number, pixel: (x: number, y: number) => [number, number, number, number]): Buffer {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) raw.set(pixel(x, y), y * (size * 4 + 1) + 1 + x * 4);
  const ihdr = Buffer.alloc(13); ihdr.writeUInt32BE(size, 0); ihdr.writeUInt32BE(size, 4); ihdr[8] = 8; ihdr[9] = 6;
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}
const out = join(import.meta.dirname, '..', 'resources', 'tray');
for (const [state, rgb] of Object.entries(STATES)) {
  for (const [size, suffix] of [[16, ''], [32, '@2x']] as const) {
    const shape = (x: number, y: number) => {
      const d = Math.hypot(x + 0.5 - size / 2, y + 0.5 - size / 2) / (size / 2);
      const edge = Math.max(0, Math.min(1, (0.85 - d) * size / 2));
      return state === 'paused' ? Math.max(0, Math.min(1, (0.85 - Math.abs(d - 0.62) * 4) * 2)) * edge : edge;
    };
    writeFileSync(join(out, `tray-${state}${suffix}.png`), png(size, (x, y) => [...rgb, Math.round(255 * shape(x, y))]));
    writeFileSync(join(out, `tray-${state}Template${suffix}.png`), png(size, (x, y) => [0, 0, 0, Math.round(255 * shape(x, y))]));
  }
}
console.log(`tray icons written to ${out}`);
