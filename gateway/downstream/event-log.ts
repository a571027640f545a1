// The last events of a session's GET stream, by id, so a client that lost the stream
// and opens it again with Last-Event-ID gets what it missed (SSE resumption, SEP-1699):
// list changes and log lines sent while it was away are not lost.

const MAX_EVENTS = 128;
const MAX_BYTES = 256 * 1024;

export interface LoggedEvent {
  id: number;
  text: string;
}

export class EventLog {
  private readonly kept: LoggedEvent[] = [];
  private bytes = 0;
  private next = 0;

  /** Characters of the events kept. */
  get size(): number {
    return this.bytes;
  }

  /** Keeps one event and returns its id. */
  keep(text: string): number {
    const id = ++this.next;
    this.kept.push({ id, text });
    this.bytes += text.length;
    while (this.kept.length > MAX_EVENTS || (this.bytes > MAX_BYTES && this.kept.length > 1)) this.bytes -= this.kept.shift()!.text.length;
    return id;
  }

  /** The kept events after `lastEventId` (all of them when it names none we hold: what was dropped is gone). */
  after(lastEventId: string): LoggedEvent[] {
    const last = /^\d{1,15}$/.test(lastEventId) ? Number(lastEventId) : 0;
    return this.kept.filter((e) => e.id > last);
  }
}

/** One SSE event as written on the wire, with its id when it has one. */
export function sseEvent(text: string, id?: number): string {
  return `${id === undefined ? '' : `id: ${id}\n`}event: message\ndata: ${text}\n\n`;
}
