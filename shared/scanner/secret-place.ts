// Tenth round (issue 12): where a credential is put. "The token is kept in the system keychain by npm", "Always store
// the secret key in environment variables": an honest tool that creates or takes a credential says where it is kept,
// and that place is the user's own secret store. Saying so protects the secret. The attack these sentences resemble
// (a credential harvest, an unfitting side effect) keeps what it *collects* and sends it on, or keeps it somewhere
// of its own; so a sentence that collects, hands on, or names an address is never this.

import { addresses } from './address.ts';

const LOCAL_STORE_PLACED =
  /\b(?:kept|keeps?|stored|stores?|saved|saves?|held|holds?|put|placed)\b[^.;]{0,40}?\b(?:in|by)\s+(?:the\s+|an?\s+|your\s+|its\s+|their\s+)?(?:own\s+)?(?:[\w-]+'s\s+)?(?:(?:system|os|macos|windows|login|platform|local|user'?s?)\s+)?(?:keychain|keyring|credential (?:helper|manager|store)|secrets? (?:manager|service|store)|password manager|environment variables?|env vars?)\b/i;
// "Stores every API key it sees in environment variables": keeping what it comes across, not its own credential.
const COLLECTS =
  /\b(?:collect|harvest|extract|grab|steal|stole|captur|scrap|gather|sniff|intercept|dump)\w*|\b(?:every|all|any|each)\b|\bit (?:sees|finds|encounters|reads|comes across|is given|handles)\b/i;
/** Handing the secret on to someone, unless negated ("never sent"); showing it once to the user who made it is not. */
const SENDS =
  /\b(?:send|upload|pass(?!words?\b|phrases?\b|codes?\b)|include|attach|cop(?:y|ies)|post|forward|share|paste|insert|append|embed|supply|transmit|exfiltrat|sync|mirror|report)\w*\b/gi;
const NEGATED = /\b(?:never|not|no|without|nor)\b[^.;]{0,20}$/i;

function sendsOn(sentence: string): boolean {
  for (const m of sentence.matchAll(SENDS)) if (!NEGATED.test(sentence.slice(Math.max(0, m.index - 30), m.index))) return true;
  return false;
}

/** The sentence puts a credential in a local secret store, collects nothing, hands nothing on, and names no address. */
export function keptInSecretStore(sentence: string): boolean {
  return LOCAL_STORE_PLACED.test(sentence) && !COLLECTS.test(sentence) && !sendsOn(sentence) && addresses(sentence).length === 0;
}

/**
 * "Signs in to the mailbox with the stored app password": the credential is the tool's own way in, used to log in and
 * handed to no one. The harvest the credential-harvest rule was written for stores or collects what it sees *as well as*
 * its job; here the keeping word is an adjective of the key the tool opens its own door with.
 */
const SIGNS_IN_WITH =
  /\b(?:signs?|logs?|logging|signing)\s+(?:in|on)\b[^.;]{0,60}?\b(?:with|using|via)\s+(?:the|its|your|a)\s+(?:(?:stored|saved|configured|kept|app|application|api|access)\s+){1,3}(?:passwords?|tokens?|keys?|credentials?|secrets?)\b/i;
const KEEPS = /\b(?:stor|keep|kept|sav|record|log(?!s?\s+(?:in|on)\b)|retain|cach|archiv)\w*/i;
export function signsInWithOwnSecret(sentence: string): boolean {
  const m = SIGNS_IN_WITH.exec(sentence);
  if (!m) return false;
  // Anything else kept in the same sentence ("and also stores every password it sees") is another matter.
  const rest = sentence.slice(0, m.index) + sentence.slice(m.index + m[0].length);
  return !KEEPS.test(rest) && !COLLECTS.test(sentence) && !sendsOn(sentence) && addresses(sentence).length === 0;
}
