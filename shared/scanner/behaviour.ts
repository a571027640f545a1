import { agentHoldsFindings } from './agent-holds.ts';
import { agentStateFindings } from './agent-state.ts';
import { aboutToolFindings, schemaOrderFindings } from './about-tool.ts';
import { beyondTheCallFindings } from './beyond-the-call.ts';
import { consentWaiverFindings } from './consent-waiver.ts';
import { environmentFindings } from './environment.ts';
import { harvestFieldFindings, privateIntoFieldFindings } from './harvest-field.ts';
import { internalsConceptFindings, internalsRoutedFindings, type Param } from './internals.ts';
import { documentedParameterFindings, type IntentContext, type IntentFinding } from './intent.ts';
import { languageFindings } from './languages.ts';
import { localFaultFindings } from './local-fault.ts';
import { handsOn, ownSecretFindings, PRIVATE_KEY as PRIVATE_KEY_FILE } from './own-business.ts';
import { SENSITIVE_PATH } from './intent.ts';
import { readThatActsFindings } from './read-that-acts.ts';
import { routineDestructionFindings } from './routine-destruction.ts';
import { standingEffectFindings } from './standing-effects.ts';
import { workThatActsFindings } from './work-that-acts.ts';
import { safeguardInProseFindings, safeguardParamFindings } from './safeguard-param.ts';
import { preferenceFindings } from './preference.ts';
import { ranksOverFindings } from './ranks-over.ts';
import { secretStoreFindings } from './secret-store.ts';
import { speakerFindings } from './speaker.ts';
import { steeringFindings } from './steering.ts';
import { reportShapingFindings } from './report-shaping.ts';
import { safeguardOffFindings } from './safeguard-off.ts';
import { toldUserFindings } from './told-user.ts';
import { writtenCallFindings } from './written-call.ts';

// The third round's behaviour detectors (issue 12), registered with the scan as
// one call per text and one per parameter list, so scan.ts stays a runner.

/** What one piece of prose asks the model to do: who speaks, what it demands, what it claims. */
export function behaviourFindings(text: string, ctx: IntentContext, purpose: string, isDescription: boolean): IntentFinding[] {
  // "The file path", "Page number": too short to carry any of these behaviours.
  if (text.length < 16) return [];
  const found = [
    ...speakerFindings(text),
    // Reasons to pick a tool are given where the model chooses: in the description.
    ...(isDescription ? preferenceFindings(text, ctx.name) : []),
    ...(isDescription ? ranksOverFindings(text, ctx.name) : []),
    ...environmentFindings(text, isDescription),
    ...(isDescription ? aboutToolFindings(text, ctx) : schemaOrderFindings(text, ctx)),
    ...steeringFindings(text),
    ...internalsRoutedFindings(text, ctx.params, purpose),
    ...languageFindings(text, ctx.params, purpose),
    ...harvestFieldFindings(text, ctx.params, isDescription),
    ...privateIntoFieldFindings(text, ctx),
    ...beyondTheCallFindings(text, purpose),
    // What a read does on every call is said where the model decides to call it.
    ...(isDescription ? readThatActsFindings(text, purpose) : []),
    ...safeguardInProseFindings(text),
    ...(isDescription ? standingEffectFindings(text, purpose) : []),
    ...(isDescription ? workThatActsFindings(text, purpose) : []),
    ...(isDescription ? documentedParameterFindings(text, purpose) : []),
    ...(isDescription ? routineDestructionFindings(text, purpose) : []),
    ...safeguardOffFindings(text, purpose, isDescription),
  ];
  // The eighth round's readings need a waiver and its check, a step with its tie and place, a call with its
  // arguments, or a question with its answer: a short field text ("The ID of the issue.") holds none of them.
  if (text.length < MIN_PROCEDURE) return found;
  return [
    ...found,
    ...consentWaiverFindings(text, ctx.params),
    ...localFaultFindings(text, ctx.name, isDescription),
    ...writtenCallFindings(text, ctx),
    ...toldUserFindings(text),
    ...reportShapingFindings(text),
  ];
}
/** The shortest text the eighth round's readings look at ("viewer_notice: off" after a one-line description passes). */
const MIN_PROCEDURE = 40;

/** What the parameters ask for, judged against the tool's purpose: one by one, and by the shape of the schema. */
export function parameterBehaviourFindings(params: readonly Param[], purpose: string, schema?: unknown, description = ''): IntentFinding[] {
  return [
    ...internalsConceptFindings(params, purpose),
    ...agentStateFindings(schema, purpose),
    ...secretStoreFindings(params, description),
    ...agentHoldsFindings(params, purpose),
    ...safeguardParamFindings(schema, purpose),
  ];
}

const OWN_READ_VERB = /^\W*(?:reads|lists|parses|shows|returns|loads|validates|checks|edits|updates|prints|displays|summari[sz]es)\b/i;

function ownConfigRead(description: string, name: string): boolean {
  const holding = description.split(/(?<=[.!?])\s+|\n+/).filter((s) => SENSITIVE_PATH.test(s));
  return (
    holding.length > 0 &&
    holding.every(
      (s) =>
        // "How this server authenticates: it reads your kubeconfig…": a label, then the server as the subject.
        /^\W*(?:[^.:\n]{0,40}:\s*)?(?:(?:it|this (?:server|tool)|the (?:server|tool))\s+)?(?:reads|loads|parses|uses)\b/i.test(s) &&
        !PRIVATE_KEY_FILE.test(s) &&
        PATH_TOPICS.some(([path, topic]) => path.test(s) && topic.test(name)) &&
        !handsOn(s.replace(SENSITIVE_PATH, ' ')),
    )
  );
}

/** The topic of a secret path, as a word a tool's name would carry when the file is its business. */
const PATH_TOPICS: [RegExp, RegExp][] = [
  [/\.ssh\/(?:config|known_hosts)\b/i, /ssh/i],
  [/\.aws\/config\b/i, /aws/i],
  [/\.kube\/config\b/i, /kube|k8s/i],
  [/\.docker\/config\.json\b/i, /docker/i],
  [/\.(?:bashrc|zshrc|bash_profile|profile)\b/i, /shell|bash|zsh|profile|dotfile/i],
  [/\.npmrc\b/i, /npm/i],
  [/\.gitconfig\b/i, /git/i],
];

/**
 * A tool whose name and first sentence say the file is its job ("ssh_config: Reads ~/.ssh/config") is doing that
 * job: its sensitive-file finding is kept as a mention. Keys and credential files never qualify, nor any other text.
 * A secret that is the tool's own business (own-business.ts) is kept as a mention first.
 */
export function ownFileFindings<F extends { rule: string; path: string; severity: string; evidence: string }>(
  findings: F[],
  name: string,
  description: unknown,
): F[] {
  findings = ownSecretFindings(findings, name, description);
  if (typeof description !== 'string' || !findings.some((f) => f.rule === 'sensitive-file-access')) return findings;
  const first = /^[^\n]*?[.!?](?=\s|$)/.exec(description)?.[0] ?? description.split('\n')[0] ?? '';
  const reads = (s: string) => OWN_READ_VERB.test(s);
  const own =
    (reads(first) && PATH_TOPICS.some(([path, topic]) => path.test(first) && topic.test(name))) ||
    // "kube_current_context: Shows the current context. Reads ~/.kube/config on this machine; tokens are never returned.":
    // the file its name is about, read in a later sentence of its own, handed to no one. Every sentence naming a secret
    // path must be such a read; a key file, or one that is returned, included, sent or copied, never is.
    ownConfigRead(description, name);
  return own
    ? findings.map((f) => (f.rule === 'sensitive-file-access' && f.path === '/description' ? { ...f, rule: 'sensitive-file-mention', severity: 'low' } : f))
    : findings;
}
