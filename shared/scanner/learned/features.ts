// The learned detector's view of a tool definition: hashed word unigrams and
// bigrams, character 3–5-grams and a few structural counts, drawn from every
// string of the definition (name, description, parameter names, and every string
// in the schemas: titles, defaults, enums, examples, nested descriptions).
//
// Scoring a tool must cost well under a tenth of a millisecond, so the walk
// hashes characters as it reads them into one reused scratch vector: no
// substrings, no token arrays. Only the explaining pass (which words pushed the
// score) builds strings, and only for tools that get a finding.

/** Where a string sits in the definition: the same word means more in a default than in a description. */
export const ROLE = { name: 0, description: 1, paramName: 2, paramText: 3, schemaOther: 4 } as const;
export type Role = (typeof ROLE)[keyof typeof ROLE];

const WORD_BITS = 14;
const BIGRAM_BITS = 14;
const CHAR_BITS = 15;
export const WORD_BASE = 0;
export const BIGRAM_BASE = WORD_BASE + (1 << WORD_BITS);
export const CHAR_BASE = BIGRAM_BASE + (1 << BIGRAM_BITS);
export const STRUCT_BASE = CHAR_BASE + (1 << CHAR_BITS);

/** Structural counts, each one slot after STRUCT_BASE. */
export const STRUCT = [
  'imperative-opening', // a sentence that opens with an order (read, send, call, ignore, include…)
  'second-person', // you, your
  'other-tool-reference', // snake_case/camelCase identifiers in prose that are not this tool or its parameters
  'address', // URLs, e-mail addresses, dotted IPs
  'sequencing', // before, after, instead, first, prior, whenever
  'hidden-characters', // zero-width, bidi, tag characters, variation selectors
  'prose-in-schema-values', // defaults, enums, examples, titles of four words or more
  'modal', // must, always, never, required, mandatory, important
  'tag-block', // <IMPORTANT>, <system>, any <word> opening in prose
  'shouting', // words of three letters or more in capitals
  'description-length', // log of the description's characters
  'parameters', // how many parameters
  'secret-words', // ssh, password, token, credential, wallet…
  'speaker-words', // user, system, assistant, model, llm, ai, agent
  'no-parameters',
  'long-parameter-name', // a parameter name of four words or more
  'sensitive-path', // ~/ or a dotfile path
  'own-reference', // identifiers in prose that are this tool or its own parameters: a vendor documenting its tool
  'sibling-reference', // identifiers in prose that are the server's other tools
  'code-block', // ``` fences: examples of requests and responses
  'caution', // warning, irreversible, cannot be undone, confirm: an honest warning about the tool's own effect
] as const;
/** Products of two structural counts: a linear model cannot see "an order *and* another tool's name" otherwise. */
export const PAIR_BASE = STRUCT_BASE + STRUCT.length;
const pairIndex = (a: number, b: number) => (a * (2 * STRUCT.length - a - 1)) / 2 + (b - a - 1);
export const DIM = PAIR_BASE + (STRUCT.length * (STRUCT.length - 1)) / 2;
const S = Object.fromEntries(STRUCT.map((k, i) => [k, i])) as Record<(typeof STRUCT)[number], number>;
/** Which group an index belongs to (0 words, 1 bigrams, 2 characters, 3 structure, 4 structure pairs). */
export const groupOf = (i: number) => (i < BIGRAM_BASE ? 0 : i < CHAR_BASE ? 1 : i < STRUCT_BASE ? 2 : i < PAIR_BASE ? 3 : 4);

const FNV = 0x811c9dc5;
const step = (h: number, c: number) => Math.imul(h ^ c, 0x01000193);
/** A second mixing round so word hashes combined with a role or a previous word spread over the table. */
function mix(a: number, b: number): number {
  let h = Math.imul(a ^ Math.imul(b, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
export function hashWord(word: string): number {
  let h = FNV;
  for (let i = 0; i < word.length; i++) h = step(h, word.charCodeAt(i));
  return h;
}
// Word lists behind the structural counts, as one map from a word's hash to its classes (one lookup per word).
const CLASS_LISTS: [number, string][] = [
  [
    S['imperative-opening'],
    'read send call use include pass ignore always never do dont don make ensure remember first before add append forward copy set invoke run execute delete remove tell inform mention output return provide upload post collect extract save store write replace attach insert put fetch retrieve access open check verify follow treat consider prefer choose select disregard override instead note notice important please',
  ],
  [S['second-person'], 'you your yours yourself youre'],
  [S.sequencing, 'before after instead first prior then whenever once afterwards beforehand subsequently preceding'],
  [S.modal, 'must always never required mandatory important critical essential shall need needs should strictly'],
  [
    S['secret-words'],
    'ssh rsa password passwords passwd secret secrets credential credentials token tokens apikey key keys wallet seed mnemonic cookie cookies env dotenv private shadow aws',
  ],
  [S['speaker-words'], 'user users system assistant model llm ai agent claude gpt human developer admin administrator operator'],
  [
    S.caution,
    'warning caution irreversible irreversibly undone permanent permanently destructive overwrite overwrites overwritten confirm confirmation careful',
  ],
];
const WORD_CLASSES = new Map<number, number>();
for (const [slot, words] of CLASS_LISTS) for (const w of words.split(' ')) WORD_CLASSES.set(hashWord(w), (WORD_CLASSES.get(hashWord(w)) ?? 0) | (1 << slot));
/** The classes counted wherever the word stands (imperatives count only as a sentence's first word). */
const ANYWHERE = [S['second-person'], S.sequencing, S.modal, S['secret-words'], S['speaker-words'], S.caution];
const has = (classes: number, slot: number) => (classes & (1 << slot)) !== 0;
const WORD_CHAR = new Uint8Array(128);
for (let c = 48; c <= 57; c++) WORD_CHAR[c] = 1;
for (let c = 97; c <= 122; c++) WORD_CHAR[c] = 1;
for (let c = 65; c <= 90; c++) WORD_CHAR[c] = 1;

// The scratch vector: counts at touched indices, cleared after each tool.
const values = new Float64Array(DIM);
let touched = new Int32Array(4096);
let nTouched = 0;
// Identifiers of this tool (its name and parameter names) and identifiers its prose mentions, as hashes.
let own = new Int32Array(64);
let nOwn = 0;
let refs = new Int32Array(64);
let nRefs = 0;
let charBudget = 0;
let descriptionLength = 0;
let parameters = 0;
/** Characters of n-grams read per tool at most: a 77,000-character schema costs the same as a long one. */
const CHAR_BUDGET = 12000;

function bump(index: number, by = 1): void {
  if (values[index] === 0) {
    if (nTouched === touched.length) {
      const t = new Int32Array(touched.length * 2);
      t.set(touched);
      touched = t;
    }
    touched[nTouched++] = index;
  }
  values[index]! += by;
}
function pushHash(list: 'own' | 'refs', h: number): void {
  if (list === 'own') {
    if (nOwn === own.length) {
      const t = new Int32Array(own.length * 2);
      t.set(own);
      own = t;
    }
    own[nOwn++] = h;
  } else {
    if (nRefs === refs.length) {
      const t = new Int32Array(refs.length * 2);
      t.set(refs);
      refs = t;
    }
    refs[nRefs++] = h;
  }
}

/** log1p of small whole counts, most of what a tool has: a table instead of a call per feature. */
const LOG1P = Float64Array.from({ length: 64 }, (_, k) => Math.log1p(k));

const siblingCache = new WeakMap<readonly string[], Set<number>>();
/** The sibling names' identifier hashes, built once per list object (a server's scans share one list). */
function siblingHashes(names: readonly string[]): Set<number> {
  let hashes = siblingCache.get(names);
  if (!hashes) {
    hashes = new Set(names.map((n) => hashWord(n.toLowerCase()) | 0));
    siblingCache.set(names, hashes);
  }
  return hashes;
}

/** Words seen by the explaining pass: the word, its two feature indices and where it was. */
export interface WordSite {
  word: string;
  indices: [number, number];
  path: string;
}
let record: WordSite[] | null = null;
let recordPath = '';

const isHidden = (c: number) =>
  (c >= 0x200b && c <= 0x200f) ||
  (c >= 0x202a && c <= 0x202e) ||
  (c >= 0x2060 && c <= 0x2069) ||
  c === 0xfeff ||
  c === 0x00ad ||
  c === 0x180e ||
  (c >= 0xfe00 && c <= 0xfe0f);

/** Set while reading a tool's `annotations` and `_meta`: hints and vendor metadata for clients, not prose. */
let inMetadata = false;

/** Reads one string of the definition into the scratch vector. */
function readText(s: string, role: Role): void {
  const roleSalt = role + 1;
  const prose = !inMetadata && (role === ROLE.description || role === ROLE.paramText || role === ROLE.schemaOther);
  // Inside a ``` fence (a request or response example) and in protocol metadata, words are read but
  // structure is not counted: a curl line's URL and token are documentation, not a demand.
  let quiet = inMetadata;
  let word = FNV; // hash of the current word (lower case)
  let wordLen = 0;
  let wordStart = 0;
  let upper = 0; // capitals in the current word
  let ident = FNV; // hash of the current identifier (word characters and underscores, lower case)
  let identLen = 0;
  let identMarked = false; // has an underscore or a lower-to-upper step inside
  let prevCase = 0; // 1 lower, 2 upper
  let prevWord = 0;
  let sentenceStart = true;
  let wordAtStart = false;
  let words = 0;
  let c0 = 32,
    c1 = 32,
    c2 = 32,
    c3 = 32,
    c4 = 32; // the last five characters read, for n-grams
  let budget = Math.min(s.length, Math.max(0, CHAR_BUDGET - charBudget));
  charBudget += budget;

  const endWord = () => {
    if (wordLen === 0) return;
    words++;
    bump(WORD_BASE + (word & ((1 << WORD_BITS) - 1)));
    const roled = mix(word, roleSalt);
    bump(WORD_BASE + (roled & ((1 << WORD_BITS) - 1)));
    if (prevWord !== 0) bump(BIGRAM_BASE + (mix(prevWord, word) & ((1 << BIGRAM_BITS) - 1)));
    prevWord = word;
    if (record)
      record.push({
        word: s.slice(wordStart, wordStart + wordLen).toLowerCase(),
        indices: [WORD_BASE + (word & ((1 << WORD_BITS) - 1)), WORD_BASE + (roled & ((1 << WORD_BITS) - 1))],
        path: recordPath,
      });
    const classes = quiet ? undefined : WORD_CLASSES.get(word);
    if (classes !== undefined) {
      if (wordAtStart && prose && has(classes, S['imperative-opening'])) bump(STRUCT_BASE + S['imperative-opening']);
      for (const slot of ANYWHERE) if (has(classes, slot)) bump(STRUCT_BASE + slot);
    }
    if (upper >= 3 && upper === wordLen && !quiet) bump(STRUCT_BASE + S.shouting);
    word = FNV;
    wordLen = 0;
    upper = 0;
    wordAtStart = false;
  };
  const endIdent = () => {
    if (identLen === 0) return;
    if (role === ROLE.name || role === ROLE.paramName) pushHash('own', ident);
    else if (identMarked && prose && !quiet) pushHash('refs', ident);
    ident = FNV;
    identLen = 0;
    identMarked = false;
  };
  const charGram = (c: number) => {
    if (budget <= 0) return;
    budget--;
    // Whitespace runs read as one space.
    if (c === 32 && c4 === 32) return;
    c0 = c1;
    c1 = c2;
    c2 = c3;
    c3 = c4;
    c4 = c;
    // Polynomial hashes share their work: the 4-gram is the 3-gram plus one term, the 5-gram one more.
    const h3 = (Math.imul(c2, 0x10001 * 961) + Math.imul(c3, 31 * 0x10001) + c4) | 0;
    const h4 = (h3 + Math.imul(c1, 29791 * 0x10001)) | 0;
    const h5 = (h4 + Math.imul(c0, 923521 * 0x10001)) | 0;
    bump(CHAR_BASE + (Math.imul(h3 ^ 0x3c, 0x9e3779b1) >>> (32 - CHAR_BITS)));
    bump(CHAR_BASE + (Math.imul(h4 ^ 0x4c, 0x9e3779b1) >>> (32 - CHAR_BITS)));
    bump(CHAR_BASE + (Math.imul(h5 ^ 0x5c, 0x9e3779b1) >>> (32 - CHAR_BITS)));
  };

  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    // Unicode tag characters (U+E0020–E007E) spell ASCII invisibly: count them and read what they spell.
    if (c === 0xdb40 && i + 1 < s.length) {
      const lo = s.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdc7f) {
        bump(STRUCT_BASE + S['hidden-characters']);
        i++;
        c = lo - 0xdc00;
        if (c < 32) continue;
      }
    } else if (c > 127 && isHidden(c)) {
      bump(STRUCT_BASE + S['hidden-characters']);
      continue;
    }
    const isUpper = c >= 65 && c <= 90;
    const lower = isUpper ? c + 32 : c;
    const wordChar = c < 128 ? WORD_CHAR[c] === 1 : c > 0xbf && c !== 0x2019 && c !== 0x201c && c !== 0x201d && c !== 0x2014 && c !== 0x2013;
    if (wordChar) {
      if (wordLen === 0) {
        wordStart = i;
        wordAtStart = sentenceStart;
      }
      word = step(word, lower);
      wordLen++;
      if (isUpper) {
        upper++;
        if (prevCase === 1 && identLen > 0) identMarked = true;
      }
      ident = step(ident, lower);
      identLen++;
      prevCase = isUpper ? 2 : 1;
      sentenceStart = false;
    } else {
      endWord();
      if (c === 95 && identLen > 0) {
        ident = step(ident, 95);
        identLen++;
        identMarked = true;
        prevCase = 0;
      } else {
        endIdent();
        prevCase = 0;
        if (c === 46 || c === 33 || c === 63 || c === 58 || c === 10 || c === 62 || c === 59) sentenceStart = true;
        // The words right after an apostrophe ("don't") continue the word for imperative purposes.
        if (c === 39 || c === 0x2019) sentenceStart = false;
        if (prose && c === 96 && s.charCodeAt(i + 1) === 96 && s.charCodeAt(i + 2) === 96 && s.charCodeAt(i + 3) !== 96) {
          // Only a fence that closes: an open one must not quiet the rest of the text.
          quiet = quiet ? false : s.indexOf('```', i + 3) >= 0;
          if (quiet) bump(STRUCT_BASE + S['code-block']);
        } else if (prose && !quiet) {
          if (c === 58 && s.charCodeAt(i + 1) === 47 && s.charCodeAt(i + 2) === 47) bump(STRUCT_BASE + S.address);
          else if (c === 64 && i > 0 && i + 1 < s.length && WORD_CHAR[s.charCodeAt(i - 1)] === 1 && WORD_CHAR[s.charCodeAt(i + 1)] === 1)
            bump(STRUCT_BASE + S.address);
          else if (c === 60 && i + 1 < s.length && WORD_CHAR[s.charCodeAt(i + 1)] === 1) bump(STRUCT_BASE + S['tag-block']);
          else if (c === 126 && s.charCodeAt(i + 1) === 47) bump(STRUCT_BASE + S['sensitive-path']);
          else if (c === 47 && s.charCodeAt(i + 1) === 46 && WORD_CHAR[s.charCodeAt(i + 2)] === 1) bump(STRUCT_BASE + S['sensitive-path']);
        }
      }
    }
    charGram(c === 9 || c === 10 || c === 13 ? 32 : lower);
  }
  endWord();
  endIdent();
  charGram(32);
  if (role === ROLE.schemaOther && words >= 4 && !inMetadata) bump(STRUCT_BASE + S['prose-in-schema-values']);
  if (role === ROLE.paramName && words >= 4) bump(STRUCT_BASE + S['long-parameter-name']);
  if (role === ROLE.description) descriptionLength += s.length;
}

// Schema keywords whose values are structure, not text a model reads as prose.
const STRUCTURAL_KEYS = new Set(['type', '$schema', '$id', '$ref', 'format', 'contentEncoding', 'contentMediaType', '$anchor', '$dynamicRef', 'required']);

function walk(node: unknown, role: Role, key: string, path: string, depth: number): void {
  if (depth > 32) return;
  if (typeof node === 'string') {
    if (STRUCTURAL_KEYS.has(key)) return;
    if (record) recordPath = path;
    readText(node, key === 'description' ? ROLE.paramText : role);
    return;
  }
  if (Array.isArray(node)) {
    // `required` lists parameter names, already read as names.
    if (key === 'required') return;
    for (let i = 0; i < node.length; i++) walk(node[i], role, key, record ? `${path}/${i}` : '', depth + 1);
    return;
  }
  if (!node || typeof node !== 'object') return;
  for (const k in node as Record<string, unknown>) {
    if (!Object.hasOwn(node, k)) continue;
    const v = (node as Record<string, unknown>)[k];
    const at = record ? `${path}/${k}` : '';
    if ((k === 'properties' || k === 'patternProperties') && v && typeof v === 'object' && !Array.isArray(v)) {
      for (const name in v as Record<string, unknown>) {
        if (!Object.hasOwn(v, name)) continue;
        if (record) recordPath = `${at}/${name}`;
        readText(name, ROLE.paramName);
        if (depth === 0 && key === 'inputSchema') parameters++;
        walk((v as Record<string, unknown>)[name], ROLE.schemaOther, name, record ? `${at}/${name}` : '', depth + 1);
      }
      continue;
    }
    walk(v, ROLE.schemaOther, k, at, depth + 1);
  }
}

/**
 * Reads a whole tool into the scratch vector, normalised: each hashed group to unit
 * length over log counts, the structural counts as log counts. Returns how many
 * indices are set; read them with touchedIndex/valueAt, then call clear().
 */
export function accumulate(tool: Record<string, unknown>, sites: WordSite[] | null = null, siblings?: readonly string[]): number {
  record = sites;
  // Whatever a read that threw left behind (a value, the metadata flag) must not reach this tool.
  clear();
  inMetadata = false;
  nOwn = 0;
  nRefs = 0;
  charBudget = 0;
  descriptionLength = 0;
  parameters = 0;
  if (typeof tool.name === 'string') {
    recordPath = '/name';
    readText(tool.name, ROLE.name);
  }
  if (typeof tool.title === 'string') {
    recordPath = '/title';
    readText(tool.title, ROLE.description);
  }
  if (typeof tool.description === 'string') {
    recordPath = '/description';
    readText(tool.description, ROLE.description);
  }
  for (const k in tool) {
    if (!Object.hasOwn(tool, k) || k === 'name' || k === 'title' || k === 'description') continue;
    inMetadata = k === 'annotations' || k === '_meta';
    walk(tool[k], ROLE.schemaOther, k, record ? `/${k}` : '', 0);
    inMetadata = false;
  }
  record = null;
  // Identifiers in prose that are neither this tool nor one of its parameters: likely other tools.
  // Naming a tool of the same server is normal (real servers do it all the time); only outsiders count.
  const sibling = siblings ? siblingHashes(siblings) : null;
  let outsiders = 0;
  let ownRefs = 0;
  let siblingRefs = 0;
  for (let i = 0; i < nRefs; i++) {
    let mine = false;
    for (let j = 0; j < nOwn && !mine; j++) mine = own[j] === refs[i];
    if (mine) ownRefs++;
    else if (sibling !== null && sibling.has(refs[i]!)) siblingRefs++;
    else outsiders++;
  }
  if (outsiders) bump(STRUCT_BASE + S['other-tool-reference'], outsiders);
  if (ownRefs) bump(STRUCT_BASE + S['own-reference'], ownRefs);
  if (siblingRefs) bump(STRUCT_BASE + S['sibling-reference'], siblingRefs);
  if (parameters === 0) bump(STRUCT_BASE + S['no-parameters']);
  else bump(STRUCT_BASE + S.parameters, parameters);
  // Log characters over four: about the scale of the other log counts.
  if (descriptionLength) bump(STRUCT_BASE + S['description-length'], Math.expm1(Math.log1p(descriptionLength) / 4));

  const norms = [0, 0, 0];
  for (let t = 0; t < nTouched; t++) {
    const i = touched[t]!;
    const c = values[i]!;
    const v = c < 64 && c === (c | 0) ? LOG1P[c]! : Math.log1p(c);
    const g = groupOf(i);
    values[i] = v;
    if (g < 3) norms[g]! += v * v;
  }
  for (let g = 0; g < 3; g++) norms[g] = norms[g]! > 0 ? 1 / Math.sqrt(norms[g]!) : 0;
  for (let t = 0; t < nTouched; t++) {
    const i = touched[t]!;
    const g = groupOf(i);
    if (g < 3) values[i]! *= norms[g]!;
  }
  // The pairs go to unit length too, so a long real description does not outweigh the words.
  const firstPair = nTouched;
  let pairNorm = 0;
  for (let a = 0; a < STRUCT.length; a++) {
    const va = values[STRUCT_BASE + a]!;
    if (va === 0) continue;
    for (let b = a + 1; b < STRUCT.length; b++) {
      const vb = values[STRUCT_BASE + b]!;
      if (vb !== 0) {
        bump(PAIR_BASE + pairIndex(a, b), va * vb);
        pairNorm += va * va * vb * vb;
      }
    }
  }
  pairNorm = pairNorm > 0 ? 1 / Math.sqrt(pairNorm) : 0;
  for (let t = firstPair; t < nTouched; t++) values[touched[t]!]! *= pairNorm;
  return nTouched;
}

export const touchedIndex = (t: number) => touched[t]!;
export const valueAt = (i: number) => values[i]!;
export function clear(): void {
  for (let t = 0; t < nTouched; t++) values[touched[t]!] = 0;
  nTouched = 0;
}

/** The tool as a sparse vector (training and tests): indices ascending, values beside them. */
export function featureVector(tool: Record<string, unknown>, siblings?: readonly string[]): { indices: Int32Array; values: Float64Array } {
  const n = accumulate(tool, null, siblings);
  const indices = touched.slice(0, n).sort();
  const out = new Float64Array(n);
  for (let t = 0; t < n; t++) out[t] = values[indices[t]!]!;
  clear();
  return { indices, values: out };
}
