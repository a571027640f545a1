import { toolHash } from '../../shared/pinning/hash.ts';
import { nodeSha256Hex } from '../hashing/sha256.ts';
import { changeId } from './decisions.ts';
import { jsonText } from '../../shared/text/json-text.ts';

const MAX_CACHED = 50_000;

/**
 * Pin hashes and pending-change ids of tool definitions, computed once per tool object:
 * canonicalizing is the costly part, and a re-evaluation after each decision asks again
 * for every tool of the server.
 */
export class ToolHashes {
  private readonly byObject = new WeakMap<object, string>();
  /** By JSON text too: a refresh that changed nothing brings new objects with the same text. */
  private readonly byText = new Map<string, string>();
  private readonly unencodable = new WeakSet<object>();
  private readonly ids = new WeakMap<object, { server: string; hash: string; id: string }>();

  /** The hash already taken for this object (here or by a scan worker), if any. */
  known(tool: object): string | undefined {
    return this.byObject.get(tool);
  }

  /** Whether this object was found too deep to encode: it has no hash and is never listed. */
  isUnencodable(tool: object): boolean {
    return this.unencodable.has(tool);
  }

  /** Records a hash taken elsewhere (a scan worker), unless one is known. */
  remember(tool: object, hash: string): void {
    if (!this.byObject.has(tool)) this.byObject.set(tool, hash);
  }

  /** The pin hash of a tool; undefined for a definition nested past what JSON.stringify can write. */
  of(tool: Record<string, unknown>): string | undefined {
    const known = this.byObject.get(tool);
    if (known) return known;
    if (this.unencodable.has(tool)) return undefined;
    const text = jsonText(tool);
    if (text === undefined) {
      this.unencodable.add(tool);
      return undefined;
    }
    let hash = this.byText.get(text);
    if (!hash) {
      hash = toolHash(tool, nodeSha256Hex);
      if (this.byText.size >= MAX_CACHED) this.byText.clear();
      this.byText.set(text, hash);
    }
    this.byObject.set(tool, hash);
    return hash;
  }

  /** The pending-change id of a tool of a server at a hash. */
  idOf(server: string, name: string, hash: string, tool: object): string {
    const known = this.ids.get(tool);
    if (known?.server === server && known.hash === hash) return known.id;
    const id = changeId(server, name, hash);
    this.ids.set(tool, { server, hash, id });
    return id;
  }
}
