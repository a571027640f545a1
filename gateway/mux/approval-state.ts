import canonicalize from 'canonicalize';
import { nodeSha256Hex } from '../hashing/sha256.ts';
import { StateSeal } from './sealed-state.ts';

/** What the requestState of Gatehouse's own 2026 question seals: the change, the tool, for whom, for which arguments, until when, and the correlation id. */
export interface Sealed {
  c: string;
  t: string;
  a: string;
  h: string;
  e: number;
  k: string;
}

/** Seals and opens the state of Gatehouse's own questions (per process: a restart makes open questions unanswerable, and they are asked again). */
export class QuestionSeal {
  private readonly seal = new StateSeal(4096);

  close(state: Sealed): string {
    return this.seal.seal(state);
  }

  /** The sealed question, or why the state is not one Gatehouse issued. */
  open(state: unknown): Sealed | string {
    if (typeof state !== 'string') return 'no requestState';
    const sealed = this.seal.unseal(state);
    return sealed === undefined ? 'the requestState is not one Gatehouse issued' : (sealed as Sealed);
  }
}

/** A question is about one call: its arguments, canonicalized so key order does not matter. */
export function argumentsHash(args: unknown): string {
  let text: string | undefined;
  try {
    text = canonicalize(args ?? {});
  } catch {
    text = undefined;
  }
  return nodeSha256Hex(text ?? JSON.stringify(args ?? {})).slice(0, 32);
}
