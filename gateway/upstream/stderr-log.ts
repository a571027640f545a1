import { createWriteStream, existsSync, mkdirSync, renameSync, statSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';

/**
 * A per-server stderr log that rotates by size (`x.log`, `x.log.1` … `x.log.N`)
 * and keeps the last lines in memory for the status view.
 */
export class RotatingLog {
  private stream: WriteStream | undefined;
  private size = 0;
  private partial = '';
  readonly tail: string[] = [];

  private readonly path: string;
  private readonly maxBytes: number;
  private readonly keep: number;
  private readonly tailLines: number;

  constructor(path: string, maxBytes = 1024 * 1024, keep = 3, tailLines = 40) {
    this.path = path;
    this.maxBytes = maxBytes;
    this.keep = keep;
    this.tailLines = tailLines;
  }

  write(chunk: Buffer | string): void {
    const text = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    this.remember(text);
    if (!this.stream) this.open();
    if (this.size + text.length > this.maxBytes) this.rotate();
    this.size += Buffer.byteLength(text);
    this.stream!.write(text);
  }

  note(line: string): void {
    this.write(`[gatehouse ${new Date().toISOString()}] ${line}\n`);
  }

  close(): Promise<void> {
    const s = this.stream;
    this.stream = undefined;
    return new Promise((resolve) => (s ? s.end(resolve) : resolve()));
  }

  private remember(text: string): void {
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) {
      if (line.length === 0) continue;
      this.tail.push(line.length > 500 ? `${line.slice(0, 500)}…` : line);
    }
    if (this.tail.length > this.tailLines) this.tail.splice(0, this.tail.length - this.tailLines);
  }

  private open(): void {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    this.size = existsSync(this.path) ? statSync(this.path).size : 0;
    this.stream = createWriteStream(this.path, { flags: 'a', mode: 0o600 });
  }

  private rotate(): void {
    this.stream?.end();
    for (let i = this.keep - 1; i >= 1; i--) {
      const from = `${this.path}.${i}`;
      if (existsSync(from)) renameSync(from, `${this.path}.${i + 1}`);
    }
    if (existsSync(this.path)) renameSync(this.path, `${this.path}.1`);
    this.stream = createWriteStream(this.path, { flags: 'a', mode: 0o600 });
    this.size = 0;
  }
}
