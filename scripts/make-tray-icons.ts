// Draws the tray icons (a filled circle per state, and a ring for "paused") as PNGs
// in the sizes each OS wants: 16/32 px (Windows, Linux), and 16/32 px template
// images for macOS (black with alpha; the system tints them).
//   node scripts/make-tray-icons.ts
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { png } from '../electron/build/png.ts';

const STATES: Record<string, [number, number, number]> = {
  ok: [27, 127, 59],
  pending: [210, 140, 0],
  error: [179, 38, 30],
  offline: [120, 124, 132],
  paused: [58, 90, 153],
};

const out = join(import.meta.dirname, '..', 'resources', 'tray');
for (const [state, rgb] of Object.entries(STATES)) {
  for (const [size, suffix] of [
    [16, ''],
    [32, '@2x'],
  ] as const) {
    const shape = (x: number, y: number) => {
      const d = Math.hypot(x + 0.5 - size / 2, y + 0.5 - size / 2) / (size / 2);
      const edge = Math.max(0, Math.min(1, ((0.85 - d) * size) / 2));
      return state === 'paused' ? Math.max(0, Math.min(1, (0.85 - Math.abs(d - 0.62) * 4) * 2)) * edge : edge;
    };
    writeFileSync(
      join(out, `tray-${state}${suffix}.png`),
      png(size, (x, y) => [...rgb, Math.round(255 * shape(x, y))]),
    );
    writeFileSync(
      join(out, `tray-${state}Template${suffix}.png`),
      png(size, (x, y) => [0, 0, 0, Math.round(255 * shape(x, y))]),
    );
  }
}
console.log(`tray icons written to ${out}`);
