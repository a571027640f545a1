import { environmentFindings } from './environment.ts';
import { internalsConceptFindings, internalsRoutedFindings, type Param } from './internals.ts';
import type { IntentContext, IntentFinding } from './intent.ts';
import { languageFindings } from './languages.ts';
import { preferenceFindings } from './preference.ts';
import { speakerFindings } from './speaker.ts';
import { steeringFindings } from './steering.ts';

// The third round's behaviour detectors (issue 12), registered with the scan as
// one call per text and one per parameter list, so scan.ts stays a runner.

/** What one piece of prose asks the model to do: who speaks, what it demands, what it claims. */
export function behaviourFindings(text: string, ctx: IntentContext, purpose: string, isDescription: boolean): IntentFinding[] {
  // "The file path", "Page number": too short to carry any of these behaviours.
  if (text.length < 16) return [];
  return [
    ...speakerFindings(text),
    // Reasons to pick a tool are given where the model chooses: in the description.
    ...(isDescription ? preferenceFindings(text, ctx.name) : []),
    ...environmentFindings(text, isDescription),
    ...steeringFindings(text),
    ...internalsRoutedFindings(text, ctx.params, purpose),
    ...languageFindings(text, ctx.params, purpose),
  ];
}

/** What the parameters ask for, judged against the tool's purpose. */
export function parameterBehaviourFindings(params: readonly Param[], purpose: string): IntentFinding[] {
  return internalsConceptFindings(params, purpose);
}
