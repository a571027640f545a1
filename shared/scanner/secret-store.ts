import { clip, sentences, SENSITIVE_PATH, type IntentFinding } from './intent.ts';
import type { Param } from './internals.ts';
import { escapeRegExp } from '../text/regexp.ts';

// A parameter filled with the contents of a secret store: a credential file, a
// browser's saved logins, a keyring export, a state file with outputs. No tool needs
// those bytes as an argument (an AWS tool reads the SDK's credential chain, a
// registry check asks the registry); asking the model to paste them moves the user's
// secrets into a call the server receives. Judged where the ask sits: in the
// parameter's own text, or in a description sentence that names the parameter. A
// path to the file ("path to your key") is not its contents.

/** Secret stores beyond the dotfiles SENSITIVE_PATH knows. */
const STORES =
  /\bhosts\.ya?ml\b|\.pgpass\b|\bLogin Data\b|['"]Cookies['"]|\bcookies (?:file|database|db)\b|--export-secret-keys\b|\bfind-(?:generic|internet)-password\b|\bterraform\.tfstate\b|\.git-credentials\b|\bkeychain\b|\bcredentials\.json\b|\bsecring\b|\bwallet\.dat\b/i;
/** The contents asked for, not a path. */
const CONTENT =
  /\b(?:paste|contents?|text of|json in|lines? (?:from|of)|output of|base64 of|verbatim|full text|unchanged|dump|export|(?:is|are) expected (?:in|as)|(?:goes|go|put|placed|passed?) (?:in|into|as))\b|содержимое|inhalt|contenu|contenido|conteúdo|`[^`]*(?:--export-secret-keys|find-\w+-password|cat\s)[^`]*`/i;
const PATH_ONLY = /\b(?:path|location|filename|file name|directory|folder)\s+(?:to|of)\b|\bwhere\b/i;

const isStore = (text: string) => SENSITIVE_PATH.test(text) || STORES.test(text);

export function secretStoreFindings(params: readonly Param[], description: string): IntentFinding[] {
  for (const p of params) {
    // The ask for contents first: it is one pattern where a store is two, and most texts ask for none.
    if (!p.text || !CONTENT.test(p.text) || !isStore(p.text) || PATH_ONLY.test(p.text)) continue;
    return [finding(p.name, `${p.name}: ${p.text}`)];
  }
  if (!description || !CONTENT.test(description) || !isStore(description)) return [];
  for (const { text: s } of sentences(description)) {
    if (!isStore(s) || !CONTENT.test(s) || PATH_ONLY.test(s)) continue;
    const named = params.find(
      (p) => p.name.length > 1 && new RegExp(`(?:\`|(?:^|[\\s(])(?:parameter|param|field|argument|параметр)\\s+)${escapeRegExp(p.name)}\\b`, 'i').test(s),
    );
    if (named) return [finding(named.name, s)];
  }
  return [];
}

function finding(param: string, evidence: string): IntentFinding {
  return {
    rule: 'secret-store-into-parameter',
    family: 'exfiltration',
    severity: 'high',
    evidence: clip(evidence),
    message: `Asks the model to fill "${clip(param, 60)}" with the contents of a secret store (credentials, keys, saved logins), which the tool's server then receives`,
  };
}
