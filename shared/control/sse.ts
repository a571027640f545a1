// One buffered parser for the daemon's line-oriented outputs: the ready line on its
// stdout and the control API's event stream. Streams arrive in arbitrary chunks, so a
// line or an event split across two reads must be held until it is whole; a peer that
// never ends a line must not grow the buffer without bound. Used by the Electron main
// process and the dashboard alike (no Node, no DOM here).

/** The longest line kept; a longer one is dropped whole (counted in `overflows`). */
export const DEFAULT_MAX_LINE = 1024 * 1024;

/** Splits a text stream into lines (LF, CRLF or lone CR), holding a partial last line until it ends. */
export class LineBuffer {
  private partial = '';
  private skipping = false;
  private lastWasCr = false;
  private readonly maxLine: number;
  /** Lines dropped because they grew past the limit. */
  overflows = 0;

  constructor(maxLine = DEFAULT_MAX_LINE) {
    this.maxLine = maxLine;
  }

  /** Feeds a chunk; returns the lines it completed, without their terminators. */
  push(chunk: string): string[] {
    const lines: string[] = [];
    if (chunk === '') return lines;
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      // CRLF split across two chunks: the LF ends nothing new.
      if (c === 10 && i === 0 && this.lastWasCr) {
        start = 1;
        this.lastWasCr = false;
        continue;
      }
      this.take(chunk.slice(start, i), lines);
      if (c === 13 && chunk.charCodeAt(i + 1) === 10) i++;
      start = i + 1;
    }
    this.lastWasCr = chunk.length > 0 && chunk.charCodeAt(chunk.length - 1) === 13;
    this.append(chunk.slice(start));
    return lines;
  }

  /** The stream ended: a last line without a terminator still counts. */
  end(): string[] {
    const lines: string[] = [];
    if (this.partial || this.skipping) this.take('', lines);
    return lines;
  }

  private append(text: string): void {
    if (this.skipping) return;
    if (this.partial.length + text.length > this.maxLine) {
      this.partial = '';
      this.skipping = true;
      return;
    }
    this.partial += text;
  }

  private take(tail: string, into: string[]): void {
    this.append(tail);
    if (this.skipping) this.overflows++;
    else into.push(this.partial);
    this.partial = '';
    this.skipping = false;
  }
}

export interface SseEvent {
  /** The `event:` field, or `message` when the event named none. */
  type: string;
  /** The `data:` lines joined with newlines. */
  data: string;
  id: string | null;
}

/** Server-Sent Events per the WHATWG parsing rules, over a LineBuffer. */
export class SseParser {
  private readonly lines: LineBuffer;
  private type = '';
  private data: string[] = [];
  private dataSize = 0;
  private id: string | null = null;
  private readonly maxEvent: number;
  private oversized = false;

  constructor(maxEvent = DEFAULT_MAX_LINE) {
    this.maxEvent = maxEvent;
    this.lines = new LineBuffer(maxEvent);
  }

  /** Events dropped because a line or the whole event grew past the limit. */
  get overflows(): number {
    return this.lines.overflows;
  }

  push(chunk: string): SseEvent[] {
    const events: SseEvent[] = [];
    for (const line of this.lines.push(chunk)) this.line(line, events);
    return events;
  }

  private line(line: string, events: SseEvent[]): void {
    if (line === '') {
      this.dispatch(events);
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        this.type = value;
        break;
      case 'data':
        this.dataSize += value.length + 1;
        if (this.dataSize > this.maxEvent) {
          this.oversized = true;
          this.data = [];
          break;
        }
        if (!this.oversized) this.data.push(value);
        break;
      // A NUL in an id is ignored by the spec: such an id would poison Last-Event-ID.
      case 'id':
        if (!value.includes('\0')) this.id = value;
        break;
      default:
        break;
    }
  }

  private dispatch(events: SseEvent[]): void {
    if (this.oversized) this.lines.overflows++;
    else if (this.data.length) events.push({ type: this.type || 'message', data: this.data.join('\n'), id: this.id });
    this.type = '';
    this.data = [];
    this.dataSize = 0;
    this.oversized = false;
  }
}

/** Parses the JSON of an event's data, or null when it is not JSON (a hostile or broken stream). */
export function eventJson(event: SseEvent): unknown {
  try {
    return JSON.parse(event.data);
  } catch {
    return null;
  }
}
