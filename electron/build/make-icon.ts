// Draws the app icon (build resource for electron-builder, which derives the macOS .icns
// and the Windows .ico from it): a rounded square with an arched gate.
//   node electron/build/make-icon.ts
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { png } from './png.ts';

const SIZE = 1024;

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

const file = join(import.meta.dirname, 'icon.png');
writeFileSync(
  file,
  png(SIZE, (px, py) => {
    const x = px + 0.5 - SIZE / 2;
    const y = py + 0.5 - SIZE / 2;
    const body = clamp(0.5 - roundedSquare(x, y, 460, 200));
    const g = gate(x, y);
    // Deep blue, lighter towards the top; the gate in near-white.
    const shade = 1 - (py / SIZE) * 0.35;
    const bg = [40 * shade, 72 * shade, 140 * shade];
    const [r, gr, b] = bg.map((c, i) => Math.round(c * (1 - g) + [240, 244, 250][i]! * g)) as [number, number, number];
    return [r, gr, b, Math.round(255 * body)];
  }),
);
console.log(`icon written to ${file}`);
