// Tenth round (issue 12): where a credential is put. "The token is kept in the system keychain by npm", "Always store
// the secret key in environment variables": an honest tool that creates or takes a credential says where it is kept,
// and that place is the user's own secret store. Saying so protects the secret. The attack these sentences resemble
// (a credential harvest, an unfitting side effect) keeps what it *collects* and sends it on, or keeps it somewhere
// of its own; so a sentence that collects, hands on, or names an address is never this.

import { addresses } from './address.ts';

const LOCAL_STORE_PLACED =
  /\b(?:kept|keeps?|stored|stores?|saved|saves?|held|holds?|put|placed)\b[^.;]{0,40}?\bin\s+(?:the\s+|an?\s+|your\s+|its\s+)?(?:(?:system|os|macos|windows|login|platform|local|user'?s?)\s+)?(?:keychain|keyring|credential (?:helper|manager|store)|secret (?:manager|service|store)|environment variables?|env vars?)\b/i;
const COLLECTS = /\b(?:collect|harvest|extract|grab|steal|stole|captur|scrap|gather|sniff|intercept|dump)\w*/i;
/** Handing the secret on to someone, unless negated ("never sent"); showing it once to the user who made it is not. */
const SENDS =
  /\b(?:send|upload|pass|include|attach|cop(?:y|ies)|post|forward|share|paste|insert|append|embed|supply|transmit|exfiltrat|sync|mirror|report)\w*\b/gi;
const NEGATED = /\b(?:never|not|no|without|nor)\b[^.;]{0,20}$/i;

function sendsOn(sentence: string): boolean {
  for (const m of sentence.matchAll(SENDS)) if (!NEGATED.test(sentence.slice(Math.max(0, m.index - 30), m.index))) return true;
  return false;
}

/** The sentence puts a credential in a local secret store, collects nothing, hands nothing on, and names no address. */
export function keptInSecretStore(sentence: string): boolean {
  return LOCAL_STORE_PLACED.test(sentence) && !COLLECTS.test(sentence) && !sendsOn(sentence) && addresses(sentence).length === 0;
}
