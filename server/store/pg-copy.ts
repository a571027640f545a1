import type pg from 'pg';

// Bulk rows into PostgreSQL with `COPY … FROM STDIN (FORMAT binary)`: one message of
// length-prefixed fields, so neither side escapes or parses text, and no statement
// is planned per batch. pg has no COPY API of its own; this is a query object it
// drives like any other (the `submit` protocol pg-cursor uses), sending the whole
// buffer once the server asks for it.

/** A column's value: text, a 64-bit integer, or NULL. */
export type CopyValue = string | number | null;

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

/**
 * The binary COPY stream for `rows`, each with the same number of fields, in the
 * table's column order. Numbers are written as int8 (the BIGINT columns); they must
 * be safe integers. Strings are written as UTF-8 text.
 */
export function encodeCopyBinary(rows: readonly (readonly CopyValue[])[]): Buffer {
  let size = SIGNATURE.length + 8 + 2;
  for (const row of rows) {
    size += 2;
    for (const v of row) size += 4 + (v === null ? 0 : typeof v === 'number' ? 8 : Buffer.byteLength(v));
  }
  const out = Buffer.allocUnsafe(size);
  let at = SIGNATURE.copy(out, 0);
  at = out.writeInt32BE(0, at); // flags
  at = out.writeInt32BE(0, at); // header extension length
  for (const row of rows) {
    at = out.writeInt16BE(row.length, at);
    for (const v of row) {
      if (v === null) at = out.writeInt32BE(-1, at);
      else if (typeof v === 'number') {
        if (!Number.isSafeInteger(v)) throw new Error('a BIGINT column needs a safe integer');
        at = out.writeInt32BE(8, at);
        at = out.writeBigInt64BE(BigInt(v), at);
      } else {
        const lengthAt = at;
        const n = out.write(v, at + 4, 'utf8');
        out.writeInt32BE(n, lengthAt);
        at += 4 + n;
      }
    }
  }
  at = out.writeInt16BE(-1, at);
  if (at !== size) throw new Error('copy buffer size mismatch');
  return out;
}

/** The driver-side surface a submittable query sees: only what COPY needs. */
interface CopyConnection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
}

/** Runs one `COPY … FROM STDIN` with `data` as its whole input; resolves with the rows copied. */
class CopyIn {
  private copied = 0;
  readonly done: Promise<number>;
  private settle!: (err: Error | undefined, rows: number) => void;

  private readonly text: string;
  private readonly data: Buffer;

  constructor(text: string, data: Buffer) {
    this.text = text;
    this.data = data;
    this.done = new Promise((resolve, reject) => {
      this.settle = (err, rows) => (err ? reject(err) : resolve(rows));
    });
  }

  submit(connection: CopyConnection): void {
    connection.query(this.text);
  }

  handleCopyInResponse(connection: CopyConnection): void {
    connection.sendCopyFromChunk(this.data);
    connection.endCopyFrom();
  }

  handleCommandComplete(msg: { text?: string }): void {
    const m = /^COPY (\d+)/.exec(msg.text ?? '');
    this.copied = m ? Number(m[1]) : 0;
  }

  // Settled at once, as pg's own queries are: a connection that dies sends no ReadyForQuery.
  handleError(err: Error): void {
    this.settle(err, 0);
  }

  handleReadyForQuery(): void {
    this.settle(undefined, this.copied);
  }

  // Messages a COPY FROM never gets; pg calls these only on a matching reply.
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyData(): void {}
}

/** `COPY table (columns) FROM STDIN (FORMAT binary)` of `rows` on `client`; the rows copied. */
export async function copyRows(client: pg.ClientBase, table: string, columns: readonly string[], rows: readonly (readonly CopyValue[])[]): Promise<number> {
  const copy = new CopyIn(`COPY ${table} (${columns.join(', ')}) FROM STDIN (FORMAT binary)`, encodeCopyBinary(rows));
  void client.query(copy as unknown as pg.QueryConfig);
  return copy.done;
}
