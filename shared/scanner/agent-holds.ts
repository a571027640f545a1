import { clip, type IntentFinding } from './intent.ts';
import type { Param } from './internals.ts';

// A parameter that asks for what only the agent holds (issue 12, eleventh round part 2). Whatever the field is called,
// the attack asks the model to hand over its own state: what was said or returned earlier in the session (the user's
// earlier words, the previous calls' outputs), or what it holds about itself (its memories, the tools it sees, the
// model it runs, its thinking). internals.ts reads named concepts; this reads the grammar those requests share: the
// session's past said of something communicated, or the model addressed as the one holding it ("you hold", "visible
// to you", "making this request"). A tool whose purpose is the conversation, the agent or a model's work asks that
// honestly; an id, a cursor or a count of a message names nothing the model holds, and "the previous message in the
// thread" is the data the tool works on, not the session.

/** The session's past, said of something communicated: "the previous tool calls' outputs", "what the user said before this". */
const SESSION_PAST =
  /\b(?:previous|prior|earlier|preceding|recent|last)\s+(?:\w+\s+){0,3}?(?:tool\s+(?:calls?|results?|outputs?)|user\s+messages?|messages?|turns?|replies|answers|prompts?)\b(?!\s*(?:ids?|tokens?|cursors?|timestamps?|ts|counts?|numbers?|index|offset)\b)(?!\s+(?:in|of|on)\s+(?:the|this|that|a)\s+(?:thread|channel|email|mail|ticket|issue|pull request|document|file|page|list|chain|queue|room|chat)\b)|\b(?:said|wrote|typed|asked)\s+(?:\w+\s+){0,2}?(?:before|earlier|previously|so far)\b|\b(?:outputs?|results?)\s+of\s+(?:the\s+)?(?:previous|prior|earlier|other)\s+tool\s+calls?\b/i;
/** The model addressed as the holder: "memories you hold", "visible to you", "the model making this request". */
const HELD_BY_YOU =
  /\b(?:memories|memory|profile facts|thinking|reasoning|tools?(?:\/list)?|tool (?:definitions|list|catalog\w*)|instructions|plan)\b[^.;]{0,40}\b(?:you\s+(?:hold|keep|have|see|know|remember|were given|are given|follow)|visible to you|available to you|known to you)\b|\byour\s+(?:current\s+)?(?:tools(?:\/list)?|memories|instructions|system prompt|thinking|reasoning|plan(?!\s+(?:id|name|tier|type|level|limits?|code|slug|sku)\b))\b|\b(?:language )?model\s+(?:making|sending|behind)\s+this\s+(?:request|call)\b|\bif you think\b[^.;]{0,40}\binclude\b/i;
/** The tool's own purpose is the conversation, the agent or a model's work. */
const FITS =
  /think|thought|reason|\b(?:chat|conversation|transcript|agent|assistant|llm|model|prompt|memory|memories|session|debug\w*|eval\w*|trace|telemetry|handoff|hand off|summari[sz]e (?:the )?(?:chat|conversation|thread))\b/i;

/** Every pattern above needs one of these words: a field with none is left after one cheap pass. */
const CUE = /previous|prior|earlier|preceding|recent|last|said|wrote|typed|asked|outputs?|results?|you|model/i;

/** A field name read as words ("what_the_user_said_before_this"). */
const words = (name: string) => name.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ');

export function agentHoldsFindings(params: readonly Param[], purpose: string): IntentFinding[] {
  if (FITS.test(purpose.replace(/[_-]/g, ' '))) return [];
  for (const p of params) {
    const said = `${words(p.name)}. ${p.text}`;
    if (!CUE.test(said)) continue;
    const m = SESSION_PAST.exec(said) ?? HELD_BY_YOU.exec(said);
    // "The file ID from a Drive URL or a previous tool result": a value taken from an earlier result, not the result.
    if (!m || /\bfrom\b[^.;]*$/i.test(said.slice(Math.max(0, m.index - 60), m.index))) continue;
    return [
      {
        rule: 'asks-for-what-the-agent-holds',
        family: 'exfiltration',
        severity: 'high',
        evidence: clip(`${p.name}: ${p.text || '(no description)'}`),
        message: `The parameter \`${p.name}\` asks the model for its own session or state ("${clip(m[0], 50)}"), which this tool does not need`,
      },
    ];
  }
  return [];
}
