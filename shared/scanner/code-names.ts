// Tool names in prose, as code spells them.

/**
 * Words as code spells them, found in one linear pass (a pattern that looks for separators inside a run of letters tries
 * every start of the run: a 4,000-letter string cost 50 ms, red team 2026-12-02), then judged whole: snake, kebab,
 * dotted, camel or Pascal case, or any word in backticks. A plain word is never taken for a sibling.
 */
const TOKEN = /`?[A-Za-z0-9][A-Za-z0-9_.-]*/g;
const CODE_SHAPED = /^[A-Za-z][A-Za-z0-9]*(?:[_.-][A-Za-z0-9]+)+$|^[a-z]+(?:[A-Z][a-z0-9]+)+$|^[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]+)+$/;
const MAX_TOKEN = 120;
export function* codeNames(text: string): Generator<{ name: string; at: number }> {
  for (const m of text.matchAll(TOKEN)) {
    const quoted = m[0].startsWith('`');
    const word = (quoted ? m[0].slice(1) : m[0]).replace(/[.-]+$/, '');
    if (word.length < 2 || word.length > MAX_TOKEN) continue;
    if (quoted || CODE_SHAPED.test(word)) yield { name: word, at: m.index + (quoted ? 1 : 0) };
  }
}
