// A JSON-RPC message already encoded as UTF-8, in pieces written in order and never
// joined or re-encoded: a big tools/list answer is a per-request prefix, the
// catalogue's cached body and a short suffix. Sinks write the pieces as they are;
// one that does not know this type still gets the right JSON through toJSON().

export class EncodedMessage {
  readonly parts: readonly Buffer[];
  readonly byteLength: number;

  constructor(parts: readonly Buffer[]) {
    this.parts = parts;
    let bytes = 0;
    for (const p of parts) bytes += p.length;
    this.byteLength = bytes;
  }

  /** The message as text, for the rare paths that must splice it into something else (batches, SSE). */
  toString(): string {
    return Buffer.concat(this.parts as Buffer[], this.byteLength).toString('utf8');
  }

  toJSON(): unknown {
    return JSON.parse(this.toString());
  }
}
