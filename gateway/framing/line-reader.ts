import { StringDecoder } from 'node:string_decoder';

// Newline-delimited JSON framing (the MCP stdio transport). Splits a byte stream
// into lines without copying more than needed, and bounds how much a peer can
// make us buffer before a newline arrives. A line that spans chunks is decoded
// as its chunks come: a 6 MB tools/list (20,000 tools) would otherwise be joined
// and decoded in one go, 35 ms of the daemon's loop at its end.

export interface LineReaderEvents {
  onLine(line: string): void;
  /** A line grew past the limit; its bytes are discarded up to the next newline. */
  onOversize(bytes: number): void;
}

export class LineReader {
  /** The text so far of a line that spans chunks; the decoder holds a character cut between two. */
  private pending: string[] = [];
  private readonly decoder = new StringDecoder('utf8');
  private pendingBytes = 0;
  private discarding = false;

  private readonly maxBytes: number;
  private readonly events: LineReaderEvents;

  constructor(maxBytes: number, events: LineReaderEvents) {
    this.maxBytes = maxBytes;
    this.events = events;
  }

  push(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      if (nl === -1) break;
      this.finishLine(chunk.subarray(start, nl));
      start = nl + 1;
    }
    if (start < chunk.length) this.append(chunk.subarray(start));
  }

  private append(part: Buffer): void {
    if (this.discarding) {
      this.pendingBytes += part.length;
      return;
    }
    this.pendingBytes += part.length;
    if (this.pendingBytes > this.maxBytes) {
      this.pending = [];
      this.decoder.end();
      this.discarding = true;
      return;
    }
    this.pending.push(this.decoder.write(part));
  }

  private finishLine(tail: Buffer): void {
    if (this.discarding) {
      const total = this.pendingBytes + tail.length;
      this.discarding = false;
      this.pending = [];
      this.pendingBytes = 0;
      this.decoder.end();
      this.events.onOversize(total);
      return;
    }
    let line: string;
    if (this.pending.length === 0) {
      if (tail.length > this.maxBytes) {
        this.events.onOversize(tail.length);
        return;
      }
      line = tail.toString('utf8');
    } else {
      const total = this.pendingBytes + tail.length;
      const parts = this.pending;
      this.pending = [];
      this.pendingBytes = 0;
      if (total > this.maxBytes) {
        this.decoder.end();
        this.events.onOversize(total);
        return;
      }
      parts.push(this.decoder.end(tail));
      line = parts.join('');
    }
    // Tolerate CRLF and blank keep-alive lines (spaces only, too).
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.length > 0 && (line.charCodeAt(0) > 0x20 || line.trim() !== '')) this.events.onLine(line);
  }
}
