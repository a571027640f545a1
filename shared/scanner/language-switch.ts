// Thirteenth round (issue 12): a tool written in English that says part of itself in another language. The readings
// of this scanner read English and a few patterns in ten languages; an order slipped into an English description in
// Polish, Indonesian or Turkish is read by the model and by no rule, and a reviewer who reads English skips it. No real
// server in the repo's 3,382 tools does this (a server in its own language writes all of it so, opening included).

import { clip, sentences, type IntentFinding } from './intent.ts';

/** English function words: an opening with two of them is English whatever its nouns. */
const ENGLISH_FUNCTION_WORDS = 'the a an of to and for with in on is are this that from by or it its as be at your you'.split(' ');
/** With those, words an English sentence of four words or more is never without. */
const MORE_ENGLISH_WORDS = 'if not no all each any when will can use only per via into than then was has have must should may'.split(' ');

/** Letters of scripts other than Latin: a few of them in a row are words of another language. */
const OTHER_SCRIPT = /[\u0370-\u03ff\u0400-\u04ff\u0590-\u05ff\u0600-\u06ff\u0900-\u097f\u0e00-\u0e7f\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]{3}/u;
/**
 * Function words of other languages written in Latin letters that English never uses as words of its own, in lower
 * case and not after a dot: "MIT", "Open Sans", "Los Angeles" and ".com" are names, not German, French or Spanish.
 */
const OTHER_FUNCTION_WORDS =
  /(?<![\p{L}.])(?:und|oder|mit|nicht|ist|sind|auch|wird|werden|les|une|pour|avec|sans|sont|dans|aussi|également|los|las|del|para|por|una|también|tutti|della|sono|anche|het|een|niet|ook|wordt|się|jest|oraz|lub|dla|może|też|yang|dan|dengan|untuk|juga|dari|ini|bir|ile|için|olarak|och|att|är|för|inte|också|sau|pentru|este|și|não|uma|também|com|được|của|và|cho)(?!\p{L})/gu;
/** A sentence in another language than English: a run of another script, or two distinct function words of one. */
export function otherLanguage(text: string): boolean {
  if (OTHER_SCRIPT.test(text)) return true;
  // A sentence's first word is capitalised ("Het token wordt…"); a name in capitals ("MIT") is not lowered.
  const t = text.replace(/^\s*\p{Lu}(?=\p{Ll})/u, (c) => c.toLowerCase());
  if (new Set((t.match(OTHER_FUNCTION_WORDS) ?? []).map((w) => w.toLowerCase())).size >= 2) return true;
  // Fourteenth round: four words or more, not one English function word among them, and a lower-case word spelt with a
  // letter English does not use ("Bitte den vollständigen Inhalt…", "Lütfen kullanıcının…"). Names are capitalised and
  // quoted identifiers are left out; an English sentence of four words has a function word, a fragment of jargon has
  // no accented letters.
  // Most sentences hold no accented letter: the cheapest test first.
  if (!ACCENTED_LETTER.test(text)) return false;
  const plain = text.replace(/\x60[^\x60]*\x60|"[^"]*"|'[^']*'/g, ' ');
  // A list of names ("Popular: crème brûlée, pâté, jalapeño poppers") is not a sentence in another language.
  if ((plain.match(/,/g)?.length ?? 0) * 3 >= (plain.match(/\p{L}+/gu)?.length ?? 0)) return false;
  const words = plain.match(/\p{L}{2,}/gu) ?? [];
  // Word by word, never one pattern with lookarounds over a run of letters (that backtracked: 5 s on 63,000 "é").
  return words.length >= 4 && !ANY_ENGLISH_WORD.test(plain) && words.some((w) => ACCENTED_LETTER.test(w) && w === w.toLowerCase());
}
const ANY_ENGLISH_WORD = new RegExp(`(?<![\\p{L}\\p{N}_])(?:${[...ENGLISH_FUNCTION_WORDS, ...MORE_ENGLISH_WORDS].join('|')})(?![\\p{L}\\p{N}_])`, 'iu');
/** A Latin letter outside ASCII. */
const ACCENTED_LETTER = /[\u00e0-\u00ff\u0100-\u024f]/;
/** A tool about languages (a translator, a locale tool) shows other languages as its examples. */
const ABOUT_LANGUAGES = /\b(?:translat\w*|languages?|locales?|i18n|l10n|locali[sz]\w*|dictionar\w*|phrase ?book)\b/i;

const ENGLISH_WORDS = new RegExp(`\\b(?:${ENGLISH_FUNCTION_WORDS.join('|')})\\b`, 'gi');
/** The text reads as English: two distinct English function words, and nothing of another language. */
export function inEnglish(text: string): boolean {
  if (otherLanguage(text)) return false;
  return new Set((text.match(ENGLISH_WORDS) ?? []).map((w) => w.toLowerCase())).size >= 2;
}

/** The first sentence after an English opening that is in another language, as a finding. */
export function languageSwitchFindings(description: string): IntentFinding[] {
  const all = sentences(description);
  if (all.length < 2 || !inEnglish(all[0]!.text) || ABOUT_LANGUAGES.test(all[0]!.text)) return [];
  const foreign = all.slice(1).find((s) => otherLanguage(s.text));
  return foreign
    ? [
        {
          rule: 'switches-language',
          family: 'hidden-text',
          severity: 'medium',
          evidence: clip(foreign.text.trim()),
          message: 'Written in English, but says part of itself in another language: read what that part tells the model before trusting the tool',
        },
      ]
    : [];
}
