// How long a message was on the wire, kept beside the parsed object (never inside it: a peer's keys are its own).
// The stdio channel knows each line's length for free; a reader that needs a message's size asks here before it
// walks the object to estimate it.
const sizes = new WeakMap<object, number>();

export function noteWireSize(message: object, chars: number): void {
  sizes.set(message, chars);
}

/** Characters of the line the message came in, when its channel noted it. */
export function wireSize(message: object): number | undefined {
  return sizes.get(message);
}
