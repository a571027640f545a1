/**
 * A peer's value as JSON text, or undefined when JSON.stringify cannot write it: a value nested
 * some thousands deep (which JSON.parse reads) overflows the encoder's stack, and the throw must
 * cost that value, never whatever was running (a timer, a microtask, a catalogue build).
 */
export function jsonText(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}
