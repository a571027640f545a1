import { addresses } from './address.ts';

// Sixteenth round (issue 12): honest tools that handle people's data end a sentence with a limit in their favour,
// "Logs contain customer personal data; don't copy them outside the workspace", "only use credentials the user typed
// for this purpose", "nothing else leaves the machine". A reading that looks for data passed on somewhere far away
// finds its far-away words in the limit. The limit is a clause of its own, so it is taken out before such a sentence is
// read: what is left must say the passing on by itself. A limit that is really a demand ("never forget to forward…",
// "not only stored but also shared") or that hides something from the user, or names a place to send to, stays.

/** A clause that forbids or narrows: "don't copy them…", "must not be used for…", "nothing else leaves…". */
const FORBIDS =
  /^\s*(?:and\s+|so\s+|but\s+|please\s+)?(?:do not|don['’]t|never|must not|mustn['’]t|should not|shouldn['’]t|may not|cannot|can['’]t|nothing else|no (?:other|one|copy|data|part)\b)|\b(?:must|should|may|will|can|is|are)\s+(?:not|never)\b|\b(?:isn['’]t|aren['’]t|doesn['’]t|does not|won['’]t)\b/i;
/** Narrowed to what the user chose: "only use credentials the user typed", "only to the token endpoint you give". */
const ONLY_WHAT_THE_USER =
  /\bonly\b[^;]{0,60}\b(?:the user|you)\s+(?:\w+\s+){0,2}?(?:typed|chose|chosen|named|gave|give|given|selected|picked|asked|asks|entered|provided|supplied|need|needs|approved?|confirmed?)\b/i;
/** Negations that demand: "never forget to…", "not only … but also", "don't skip". */
const DEMANDS =
  /\bnot only\b|\b(?:except|other than|apart from|besides|save for|but for)\b|\b(?:never|don['’]t|do not)\s+(?:forget|fail|skip|omit|neglect|miss)\b|\bwithout (?:asking|telling|notifying|informing|the user)\b/i;
const HIDES = /\b(?:silent(?:ly)?|quiet(?:ly)?|secret(?:ly)?|hid(?:e|es|den|ing)|tell|mention|inform|notify)\b/i;

/** Any word a limit needs, anywhere in the sentence: a sentence without one is returned at once. */
const ANY_LIMIT_WORD = /\b(?:not|never|nothing|no|don['’]t|mustn['’]t|shouldn['’]t|can['’]t|cannot|isn['’]t|aren['’]t|doesn['’]t|won['’]t)\b/i;

const CLAUSE = /;|\s[—–]\s|,\s*but\s+|\bbut\b/;

function isLimit(clause: string): boolean {
  // The cheap tests first: the address scan runs only on a clause that reads as a limit (review 2026-12-02: running it on
  // every clause doubled an old slow path on address-heavy text).
  if (!(FORBIDS.test(clause) || ONLY_WHAT_THE_USER.test(clause)) || DEMANDS.test(clause) || HIDES.test(clause)) return false;
  return addresses(clause).length === 0;
}

/** The sentence without its limiting clauses; the sentence itself when it has none or is nothing else. */
export function withoutLimits(sentence: string): string {
  if (!ONLY_WHAT_THE_USER.test(sentence) && (!ANY_LIMIT_WORD.test(sentence) || !CLAUSE.test(sentence))) return sentence;
  const clauses = sentence.split(CLAUSE);
  const kept = clauses.filter((c) => !isLimit(c));
  return kept.length === clauses.length ? sentence : kept.join('; ');
}
