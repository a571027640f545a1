import { closeSync, existsSync, fstatSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * A per-server stderr log that rotates by size (`x.log`, `x.log.1` … `x.log.N`)
 * and keeps the last lines in memory for the status view. Writes are synchronous:
 * stderr is low-volume, and a line must be on disk before a crash report cites it.
 */
export class RotatingLog {
  private fd: number | undefined;
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

  /** Scrubs secrets before anything reaches the disk or the status view. */
  redact: (text: string) => string = (t) => t;

  write(chunk: Buffer | string): void {
    const text = this.redact(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
    this.remember(text);
    const bytes = Buffer.from(text);
    if (this.fd === undefined) this.open();
    if (this.size > 0 && this.size + bytes.length > this.maxBytes) this.rotate();
    writeSync(this.fd!, bytes);
    this.size += bytes.length;
  }

  note(line: string): void {
    this.write(`[gatehouse ${new Date().toISOString()}] ${line}\n`);
  }

  close(): Promise<void> {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    return Promise.resolve();
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
    this.fd = openSync(this.path, 'a', 0o600);
    this.size = fstatSync(this.fd).size;
  }

  private rotate(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    for (let i = this.keep - 1; i >= 1; i--) {
      const from = `${this.path}.${i}`;
      if (existsSync(from)) renameSync(from, `${this.path}.${i + 1}`);
    }
    if (existsSync(this.path)) renameSync(this.path, `${this.path}.1`);
    this.fd = openSync(this.path, 'a', 0o600);
    this.size = 0;
  }
}
