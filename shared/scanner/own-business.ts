// Secrets that are a tool's own business. Two legacy rules fire on a secret and a
// verb in one sentence: "Stores a secret value in AWS Secrets Manager" (a secrets
// tool doing its job) and "credentials are read from the standard AWS credential
// chain (…, ~/.aws/credentials, …)" (a cloud tool saying where it logs in from)
// read to them like a harvest. What a harvest has and these do not: the secret is a
// side effect rather than the tool's named object, or the file is handed to the
// model or sent on rather than used by the tool to authenticate itself, or, for a tool
// named for the file, read and handed back with the values masked.

import { addresses } from './address.ts';
import { SENSITIVE_PATH } from './intent.ts';
import type { Finding } from './option-effect.ts';
import { nameWords } from './workflow.ts';
import { keptInSecretStore, signsInWithOwnSecret } from './secret-place.ts';

/** A tool named for the secret it handles: put_secret, worker_secret_put, vault_write, rotate_api_key. */
const SECRET_NAMED = /(?:^|[_\-.]|(?<=[a-z])(?=[A-Z]))(?:secrets?|credentials?|passwords?|vault|keychain|keyring|api_?keys?)(?=$|[_\-.A-Z])/i;
/** Handing the file or what is in it on: to the model, into a field, or away. */
const HANDS_ON =
  /\b(?:send|upload|pass|include|attach|cop(?:y|ies)|post|forward|share|provide|paste|put|insert|append|embed|supply|transmit|exfiltrat|sync|mirror|report|print|show|display|echo|output|return|contents?)\w*\b/gi;
/** Handing it away: to a field, a message or somewhere else (returning masked values is not). */
const SENDS_ON =
  /\b(?:send|upload|pass|include|attach|cop(?:y|ies)|post|forward|share|paste|put|insert|append|embed|supply|transmit|exfiltrat|sync|mirror|report)\w*\b/gi;
const NEGATED = /\b(?:never|not|no|without|nor)\b[^.;]{0,20}$/i;
/** "Credentials are read from …", "the standard credential chain": where the tool finds its own login. */
const OWN_LOGIN_SOURCE =
  /\b(?:are|is)\s+(?:read|loaded|picked up|taken|resolved|sourced)\s+from\b|\bcredential(?:s)?\s+(?:provider\s+)?chain\b|\bauthenticates?\s+(?:with|using)\b/i;
export const PRIVATE_KEY = /\bid_(?:rsa|dsa|ecdsa|ed25519)\b|\.pem\b|\.key\b|private[ _-]?keys?|\.gnupg|wallet/i;

export function handsOn(sentence: string, verbs = HANDS_ON): boolean {
  for (const m of sentence.matchAll(verbs)) if (!NEGATED.test(sentence.slice(Math.max(0, m.index - 30), m.index))) return true;
  return false;
}

/** "Returns the names with their values masked": what the tool hands back is not the secret. */
const MASKED =
  /\b(?:masked|redacted|obfuscated|(?:names|keys) only|without (?:their |the )?values|never (?:returns?|shows?|prints?) (?:the |their )?values)\b/i;

/** What the sentence hands back is the file itself: a tool named for the file still must not show it to the model. */
const SHOWS_CONTENTS = /\b(?:contents?|raw|verbatim|full text|as text|as is)\b/i;

/**
 * Every sentence naming a secret path says the tool logs in from it, or the tool is named for the file and
 * says it hands back only masked values; no sentence hands the file on, and private keys never qualify.
 */
function ownFile(description: string, name: string): boolean {
  const own = new Set(nameWords(name));
  const pathWords = (s: string) => nameWords(SENSITIVE_PATH.exec(s)?.[0] ?? '');
  // The file is named for what the tool is named for: ssh_connect and ~/.ssh, npm_whoami and ~/.npmrc.
  const namedFor = (s: string) => pathWords(s).some((w) => [...own].some((o) => o.length >= 3 && (w === o || w.startsWith(o))));
  const holding = description.split(/(?<=[.!?])\s+|\n+/).filter((s) => SENSITIVE_PATH.test(s));
  const named = (s: string) => pathWords(s).some((w) => own.has(w)) && MASKED.test(description);
  return (
    holding.length > 0 &&
    holding.every((s) => {
      if (PRIVATE_KEY.test(s)) return false;
      const rest = s.replace(SENSITIVE_PATH, ' ');
      return (
        (OWN_LOGIN_SOURCE.test(s) && !handsOn(rest)) ||
        (named(s) && !handsOn(rest, SENDS_ON)) ||
        (namedFor(s) && !handsOn(rest, SENDS_ON) && !SHOWS_CONTENTS.test(rest))
      );
    })
  );
}

/**
 * Findings of the two rules kept as mentions (low) where the secret is the tool's own
 * business; any outside address in the description keeps them as they are, so a secrets
 * tool that also ships what it stores is still a harvest.
 */
/**
 * A tool whose job is calling a model: its name or first sentence says it sends a prompt to a model for a completion.
 * A system prompt and the conversation are its input, as a recipient's address is a mail tool's.
 */
const CALLS_A_MODEL = /(?:^|[_\-.]|(?<=[a-z])(?=[A-Z]))(?:llm|completions?|chat_?completion|inference|generate_?text)(?=$|[_\-.A-Z])/i;
const MODEL_PURPOSE =
  /\b(?:sends?|passes|forwards?|routes?)\s+(?:a\s+|the\s+)?(?:prompt|messages?|request)\s+to\s+(?:a|an|the|any)\s+(?:\w+\s+)?(?:model|llm)\b|\b(?:returns?|gets?)\s+(?:the\s+|a\s+)?(?:model's\s+)?completion\b/i;
const PROMPT_RULES = new Set(['conversation-exfiltration', 'secret-routed-out']);
const ABOUT_PROMPTS = /\b(?:system prompt|conversation|messages?|chat history|prompt)\b/i;

const KEPT_IN_STORE_RULES = new Set(['credential-harvest', 'unfitting-side-effect', 'sensitive-file-access']);

export function ownSecretFindings<F extends Finding>(findings: F[], name: string, description: unknown): F[] {
  if (typeof description !== 'string' || addresses(description).length > 0) return findings;
  findings = findings.map((f) =>
    f.path === '/description' && KEPT_IN_STORE_RULES.has(f.rule) && keptInSecretStore(f.evidence)
      ? {
          ...f,
          rule: 'kept-in-secret-store',
          severity: 'low',
          message: 'Says a credential is kept in a local secret store (a keychain, environment variables), which protects it',
        }
      : f.path === '/description' && f.rule === 'credential-harvest' && signsInWithOwnSecret(f.evidence)
        ? { ...f, rule: 'signs-in-with-secret', severity: 'low', message: 'Says which stored credential it signs in with; it hands it to no one' }
        : f,
  );
  // The first piece a split would give, without splitting the whole description.
  const end = /(?<=[.!?])\s+/.exec(description);
  const firstSentence = end ? description.slice(0, end.index) : description;
  const modelTool = CALLS_A_MODEL.test(name) || MODEL_PURPOSE.test(firstSentence);
  const harvestIsJob = SECRET_NAMED.test(name);
  const fileIsOwn = findings.some((f) => f.rule === 'sensitive-file-access') && ownFile(description, name);
  return findings.map((f) => {
    if (f.path !== '/description') return f;
    if (modelTool && PROMPT_RULES.has(f.rule) && ABOUT_PROMPTS.test(f.evidence) && !PRIVATE_KEY.test(f.evidence) && !SENSITIVE_PATH.test(f.evidence))
      return {
        ...f,
        rule: 'handles-prompts',
        severity: 'low',
        message: 'Takes a system prompt and messages, which its name says is its job (it calls a model)',
      };
    if (harvestIsJob && f.rule === 'credential-harvest')
      return { ...f, rule: 'handles-secrets', severity: 'low', message: 'Handles secrets, which its name says is its job' };
    if (fileIsOwn && f.rule === 'sensitive-file-access')
      return { ...f, rule: 'sensitive-file-mention', severity: 'low', message: 'Names a credentials file it logs in from, or reads with the values masked' };
    return f;
  });
}
