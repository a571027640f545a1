import type { Problem } from '../../shared/control/contract.ts';

// The latest problem of each background component (audit shipping, org sync,
// identity, reload…), for the status: work that runs off any request has no
// caller to tell, so its failures would otherwise only be a log line, or nothing.

export class Problems {
  private readonly latest = new Map<string, Problem>();

  /** Records a problem; false when it is the one already on record (not worth another log line). */
  note(component: string, message: string, at = Date.now()): boolean {
    const known = this.latest.get(component);
    this.latest.set(component, { component, message, at: new Date(at).toISOString() });
    return known?.message !== message;
  }

  /** The component works again. */
  clear(component: string): void {
    this.latest.delete(component);
  }

  has(component: string, message: string): boolean {
    return this.latest.get(component)?.message === message;
  }

  list(): Problem[] {
    return [...this.latest.values()];
  }
}

/** The message of anything thrown, without its stack. */
export const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));
