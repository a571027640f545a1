import type { IntentContext } from './intent.ts';

// Exact preconditions of detectors ("gates"): a test cheaper than the detector that must hold for the
// detector to find anything in a text. scan.ts skips a detector whose gate fails; a detector without
// a gate always runs, so a new detector is safe by default. A gate is derived from the detector's
// code and names what it relies on: when that code changes, the gate must change with it.
// test/scanner/fast-path.test.ts compares gated scans with exhaustive ones (ScanContext.exhaustive)
// finding by finding, over every corpus and generated variants, so a gate gone stale fails CI.

/**
 * Relies on intent.ts findRefs: an unknown name is a reference only when it reads as an identifier
 * (`isIdent`: an underscore, a lower-case letter before an upper-case one, or kebab-case).
 */
const IDENT_CHARS = /[_-]|[a-z][A-Z]/;
/** findRefs' third alternative, a word named a tool ("the divide operation"): a weak reference. */
const TOOL_NOUN = /\s(?:tool|function|operation|endpoint|action|command|server)s?\b/i;
/** findRefs' fourth alternative, a plain word set before a use ("any time fetch runs"): a weak reference. */
const WEAK_USE = /\s(?:runs|is (?:used|called|invoked|run)|gets (?:used|called))\b/i;
/**
 * Every name findRefs can look up (its IDENT captures, without underscores or hyphens): a word of
 * ASCII letters and digits, or a quoted run of them with dots. Each maximal run from a letter, and
 * each of its dot-separated parts, covers both.
 */
const WORDS = /[A-Za-z][A-Za-z0-9.]*/g;

/** Whether a word of the text is a name the context knows: a sibling (when asked) or another server's tool. */
function namesKnown(text: string, ctx: IntentContext, siblings: boolean): boolean {
  const index = ctx.index;
  if (!index && !(siblings && ctx.siblings.size)) return false;
  const known = (word: string) => (siblings && ctx.siblings.has(word)) || (index !== undefined && index.has(word, ctx.server));
  for (const m of text.matchAll(WORDS)) {
    const word = m[0].toLowerCase();
    if (known(word)) return true;
    if (word.includes('.')) for (const part of word.split('.')) if (part && known(part)) return true;
  }
  return false;
}

/** findRefs can return any reference at all (crossToolFindings needs one in a sentence to find anything). */
export function mayRefer(text: string, ctx: IntentContext): boolean {
  return IDENT_CHARS.test(text) || TOOL_NOUN.test(text) || WEAK_USE.test(text) || namesKnown(text, ctx, true);
}

/** findRefs can return a strong reference that is not a sibling (what scan.ts checkReferences reports). */
export function mayReferStrongly(text: string, ctx: IntentContext): boolean {
  return IDENT_CHARS.test(text) || namesKnown(text, ctx, false);
}
