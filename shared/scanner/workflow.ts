// Whether a harmless call another tool's text demands is a step of that tool's own
// workflow. Real servers say "call pg_list_tables first so you know the table names",
// "call create_price first if the product has no price yet", "after navigating, call
// browser_snapshot": the called tool works on what this tool works on. A poisoned
// calculator that demands read_contacts first asks for something its purpose never
// touches. Only the no-harm rules ask this; a step that sends, deletes or touches a
// secret is judged on that harm whatever it fits.

/** Words of a tool name that say what it does, not what it works on. */
export const ACTION_WORDS = new Set(
  (
    'get list read write create delete update send post search fetch run execute exec move edit add remove set query push commit start stop ' +
    'upload download open close find call invoke make put copy transfer pay publish share forward save load store insert modify change ' +
    'navigate click scrape crawl generate check validate fix lookup retrieve submit sync export import kill reset clear drop append replace ' +
    'rename merge deploy install purge wipe erase notify archive backup grant revoke approve invite withdraw sign mint swap describe show ' +
    'view fetch resolve use do new all my the of to for by on in from with and or tool tools info'
  ).split(' '),
);

/** Name words: snake, kebab and camel case split, lower case, plural folded. */
export function nameWords(name: string): string[] {
  return name
    .split(/[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])/)
    .map((w) => stem(w.toLowerCase()))
    .filter((w) => w.length >= 2);
}

const stem = (w: string) => (w.length > 4 && w.endsWith('ies') ? `${w.slice(0, -3)}y` : w.length > 3 && /[^s]s$/.test(w) ? w.slice(0, -1) : w);

/**
 * What this tool works on, for fitsWorkflow: the words of its name and parameters and, when it takes input, the
 * sentence's words outside tool names ("so you know the real table names"). Built once per sentence.
 */
export function workflowTopic(window: string, ctx: { name: string; params: ReadonlySet<string>; noParams: boolean }): Set<string> {
  const own = new Set([...nameWords(ctx.name), ...[...ctx.params].flatMap(nameWords)]);
  // A tool that takes no input has no work of its own for a step to prepare: only its name can fit.
  if (ctx.noParams) return own;
  const prose = window.replace(/[A-Za-z0-9]+(?:[_-][A-Za-z0-9]+)+|[a-z]+(?:[A-Z][a-z0-9]*)+/g, ' ');
  for (const w of prose.toLowerCase().match(/[a-z0-9]+/g) ?? []) own.add(stem(w));
  return own;
}

/**
 * The demanded call fits this tool's workflow when a word of what the target works on (not its verb) is in this
 * tool's topic (workflowTopic). Objects that are loot (contacts, messages, keys) never make a fit, so a demand to
 * harvest them stays a finding however the sentence dresses it.
 */
export function fitsWorkflow(target: string, topic: ReadonlySet<string>, loot: (word: string) => boolean): boolean {
  const objects = nameWords(target).filter((w) => !ACTION_WORDS.has(w) && !/^\d+$/.test(w));
  if (objects.length === 0 || objects.some(loot)) return false;
  return objects.some((w) => topic.has(w));
}
