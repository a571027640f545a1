import { randomBytes } from 'node:crypto';
import { errorResponse, ErrorCode, isPlainObject, type JsonRpcId } from '../../shared/jsonrpc/message.ts';
import { SHUTDOWN_NOTICE } from '../../shared/jsonrpc/shutdown.ts';
import { peekRequest } from '../framing/request-peek.ts';

// What the stdio bridge must remember to survive its daemon going away: which of the
// IDE's requests are still unanswered (so each gets an error instead of silence), and
// the IDE's initialize (so a new daemon connection can be brought to the same state).
// The IDE's lines are read for their method and id only; the daemon's answers are not parsed:
// the daemon writes every response as {"jsonrpc":"2.0","id":…,"result"|"error"…, so
// the start of a line is enough to tell which request it answers.

const ANSWER_HEAD = /^\{"jsonrpc":"2\.0","id":("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?),"(?:result|error)"/;
const SHUTDOWN_HEAD = SHUTDOWN_NOTICE.slice(0, 96);

/** How much of the start of each daemon line the bridge looks at (UTF-8 bytes) to tell which request it answers. */
export const ANSWER_HEAD_BYTES = 4096;
/**
 * Longer ids (as JSON, in UTF-8) are not tracked: their answer's id would not fit in the
 * head, so the bridge could not tell it was answered and would fail it a second time after
 * a daemon restart. Such a request gets no error if the daemon dies; no real client sends one.
 */
const MAX_TRACKED_ID_BYTES = ANSWER_HEAD_BYTES - 64;

const SCAN_FROM_BYTES = 16 * 1024;
const utf8 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8');

export class BridgeLedger {
  /** Unanswered IDE requests, keyed by their id as JSON text (how it appears on the wire). */
  private readonly open = new Map<string, JsonRpcId>();
  private initialize: string | undefined;
  private initialized: string | undefined;
  /** The id (as JSON) of the answer whose line is passing to the IDE, struck off once its newline has passed. */
  private answering: string | undefined;
  /**
   * The id of our replayed initialize on a new connection, whose answer the IDE must not
   * see: random per bridge, so no id an IDE picks can make its own answer vanish.
   */
  readonly replayId = `gatehouse-bridge-replay-${randomBytes(9).toString('base64url')}`;

  /**
   * Notes one line the IDE sent. A big line (a tools/call with megabytes of arguments) is
   * scanned for its method and id (gateway/framing/request-peek.ts, ~4× faster than
   * building it); a small one is parsed, which V8 does faster than any scan in JS.
   */
  fromIde(line: Uint8Array | string): void {
    if (typeof line === 'string') return this.parsed(line);
    if (line.length < SCAN_FROM_BYTES) return this.parsed(utf8(line));
    const peek = peekRequest(line);
    if (peek === undefined || peek.method === 'initialize') return this.parsed(utf8(line));
    if (peek.method === null) return;
    if (peek.id !== null) this.track(peek.id, JSON.parse(peek.id) as JsonRpcId);
    if (peek.method === 'notifications/initialized') this.initialized = utf8(line);
  }

  private parsed(line: string): void {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return;
    }
    for (const m of Array.isArray(value) ? value : [value]) {
      if (!isPlainObject(m) || typeof m.method !== 'string') continue;
      const id = m.id;
      if (typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id))) this.track(JSON.stringify(id), id);
      if (m.method === 'initialize' && id !== undefined) this.initialize = JSON.stringify({ ...m, id: this.replayId });
      if (m.method === 'notifications/initialized') this.initialized = line;
    }
  }

  private track(key: string, id: JsonRpcId): void {
    if (Buffer.byteLength(key) <= MAX_TRACKED_ID_BYTES) this.open.set(key, id);
  }

  /**
   * Notes the start of one line from the daemon (its first ANSWER_HEAD_BYTES, decoded as
   * UTF-8, or the whole line). Returns false for the answer to our own replayed initialize,
   * which the IDE must not see. An answer whose line is `whole` is struck off at once;
   * one still arriving only when `answerEnded()` says its newline has passed, so a daemon
   * that dies halfway through an answer leaves its request to be failed.
   */
  fromDaemon(head: string, whole = true): boolean {
    this.answering = undefined;
    if (head.startsWith(SHUTDOWN_HEAD)) this.stopping = true;
    const m = ANSWER_HEAD.exec(head);
    if (!m) return true;
    if (m[1] === JSON.stringify(this.replayId)) return false;
    if (whole) this.open.delete(m[1]!);
    else this.answering = m[1];
    return true;
  }

  /** The answer line noted last by fromDaemon(head, false) has passed whole. */
  answerEnded(): void {
    if (this.answering !== undefined) this.open.delete(this.answering);
    this.answering = undefined;
  }

  /** The answer line in passage was cut off: its request stays open, to be failed. */
  answerCut(): void {
    this.answering = undefined;
  }

  get unanswered(): number {
    return this.open.size;
  }

  /** The daemon said it is stopping on purpose (cleared when a new connection is made). */
  stopping = false;

  /** One error line per unanswered request, which are then forgotten. */
  failAll(message: string): string {
    let out = '';
    for (const id of this.open.values()) out += `${JSON.stringify(errorResponse(id, ErrorCode.ConnectionClosed, message))}\n`;
    this.open.clear();
    return out;
  }

  /** The lines that bring a fresh daemon session to where the IDE's was (empty before initialize). */
  replay(): string {
    if (!this.initialize) return '';
    return `${this.initialize}\n${this.initialized ? `${this.initialized}\n` : ''}`;
  }
}
