import { clip, sentences, type IntentFinding } from './intent.ts';
import { escapeRegExp } from '../text/regexp.ts';

// What the agent is, what it was told and what it has seen: asked for by a tool
// whose job has nothing to do with any of it. Judged by concept (an object of
// the agent's self-knowledge, tied to the agent or to its session), not by a
// list of parameter names, and checked against the tool's own purpose: a memory
// tool may store a summary of the talk, a thinking tool takes "your current
// thought", an LLM router takes a model id.

type Concept = 'instructions' | 'identity' | 'tools' | 'reasoning' | 'conversation' | 'memory' | 'host' | 'credentials' | 'lookup';

/** Cues that tie a noun to the agent itself ("your", "you were given", "this agent"). */
const SELF =
  /\b(?:you|your|yours|yourself|the calling (?:model|assistant|agent|llm|ai)(?:'s)?|the (?:assistant|model|agent|ai|llm|bot|chatbot)(?:'s)?|this (?:assistant|agent|model|ai|llm|bot|session|chat|conversation)|(?:assistant|agent|model|llm|ai)'s)\b|\b(?:above|before|ahead of|prior to) the (?:first|earliest|opening) (?:user|human) (?:message|turn|prompt)\b|\bsystem (?:context|message)\b|\bvous avez\b|\bdo assistente\b/i;

/** A concept's pattern, and words without which it cannot match (checked first: most texts hold none). */
const CONCEPTS: [Concept, RegExp, RegExp?][] = [
  [
    'instructions',
    /\b(?:(?:instructions?|directions?|directives?|guidance|guidelines?|rules|briefing|orders|setup|set-up|configuration|persona|policy|prompt)\b[^.;]{0,60}\b(?:you (?:received|were given|were handed|got|were configured|were set up|were started with|were initiali[sz]ed with|were launched with|were primed with|are operating (?:with|under)|operate (?:under|with)|follow)|(?:given|handed|configured|set up|provided|issued) (?:to|for) you|your (?:operator|developer|creator|deployer|owner|provider)|before (?:the|this) (?:user|person|human|conversation|chat|session)|at the (?:start|beginning|top)|(?:operator|developer|deployer) (?:gave|configured|set))|(?:opening|initial|original|starting|hidden|underlying|base|pre-?loaded|system[- ]level|system|developer)\s+(?:\w+\s+)?(?:instructions?|directions?|directives?|guidance|guidelines?|prompt|message|briefing|configuration|rules)|system[\s_.-]*prompt|sys[\s_.-]*prompt|meta[- ]?prompt|how you (?:were|have been) (?:configured|set up|instructed|prompted|briefed|programmed)|(?:text|words|message|prompt|content|characters?)\s+(?:\w+\s+){0,2}?you\s+(?:were|have been)\s+(?:initiali[sz]ed|started|launched|primed|booted|seeded|spun up|created|configured|set up|given|provided|briefed)\s+with|everything\s+(?:that\s+)?(?:came\s+|comes\s+|was\s+)?before\s+the\s+first\s+(?:user\s+|human\s+)?message|(?:guardrails?|restrictions?|constraints?|limitations?|safety (?:rules|settings|policies|guidelines)|content polic(?:y|ies))\b[^.;]{0,40}\b(?:(?:placed|put|imposed|set) on you|you (?:operate under|were given|have been given|must follow)|your (?:vendor|developer|operator|creator|maker|provider|deployer)))\b/i,
  ],
  [
    'identity',
    /\b(?:which|what)\s+(?:ai|model|llm|language model|assistant|agent|chatbot)\b|\b(?:large language model|language model|llm|ai model|foundation model|ai|model)\s+(?:\w+\s+){0,3}?(?:(?:is\s+)?(?:running|powering|behind|driving)\s+(?:this|you|the (?:agent|assistant|chat|conversation))|you are|you (?:run|operate|serve|answer) as|you (?:are )?run(?:ning)? (?:on|as))\b|\b(?:your|the (?:assistant|model|agent|ai|llm)'s)\s+(?:\w+\s+)?(?:vendor|maker|provider|version|model|name|identity|training|knowledge cut-?off|cut-?off|architecture|weights|parameters count)\b|\b(?:training|knowledge)\s+(?:data\s+)?cut-?off\b|\bdate your training\b|\bmodel (?:name|id)(?:,|\s+and|\s+or)\s+(?:its\s+)?version\b/i,
  ],
  [
    'tools',
    /\b(?:every|each|all|the|a|full|complete)?\s*(?:list(?:ing)? of |inventory of |names of )?(?:functions?|tools?|capabilit(?:y|ies)|plugins?|actions?|integrations?|skills?|commands|(?:mcp\s+)?servers|connectors|extensions)\b[^.;]{0,40}\b(?:you (?:have|can|could|may|are able)|(?:available|accessible|exposed|connected|installed|loaded|granted) to you|at your disposal|you(?:'ve| have) been (?:given|granted)|you were (?:given|granted|provided)|given access to|you can (?:call|use|invoke|access)|(?:it|the (?:calling )?(?:model|assistant|agent))\s+(?:has|can (?:call|use|invoke|access)|has access to))\b/i,
  ],
  [
    'reasoning',
    /\b(?:private|internal|hidden|inner)\s+notes\b[^.;]{0,40}\byou\b|\b(?:your|private|internal|hidden|inner|step-by-step|unfiltered|raw)\s+(?:\w+\s+){0,2}(?:reasoning|deliberations?|thinking|thoughts?|thought process|chain of thought|rationale|scratch ?pad|monologue|planning|analysis)\b|\b(?:notes?|thoughts?|steps?)\s+you\s+(?:made|took|had|wrote|considered)\s+(?:while|when|before)\s+(?:deciding|choosing|planning|thinking|working)\b|\b(?:reasoning|deliberation|thinking|thought process|chain of thought|rationale|scratch ?pad)\b[^.;]{0,40}\b(?:that led|behind|before calling|for calling|leading to)\b/i,
  ],
  [
    'conversation',
    /\b(?:every|each)\s+(?:\w+\s+){0,2}(?:earlier|previous|prior|past|preceding)\s+(?:\w+\s+)?(?:message|turn|exchange|prompt|request|reply|utterance)s?\b|\b(?:all|the)\s+(?:\w+\s+){0,2}(?:earlier|previous|prior|past|preceding)\s+(?:\w+\s+)?(?:messages|turns|exchanges|prompts|requests|replies|utterances)\b|\b(?:messages?|turns?|exchanges?|replies)\b[^.;]{0,40}\b(?:exchanged|so far|verbatim|with the (?:human|user|person)|in this (?:chat|session|conversation))\b|\b(?:everything|all|whatever|anything)\s+(?:that\s+)?(?:the (?:user|person|human|customer)|they|he|she)\s+(?:has |have )?(?:told|said|typed|written|asked|shared|mentioned|disclosed|revealed)\b|\b(?:summary|digest|recap|log|record|copy|transcript|history|dump)\s+of\s+(?:everything|all|what)\b[^.;]{0,40}\b(?:told|said|typed|shared|asked|discussed)\b|\b(?:the|this|your)\s+(?:whole|entire|full|complete)\s+(?:conversation|chat|dialog(?:ue)?|session|thread|discussion)\b|\b(?:everything|all|whatever|anything)\s+(?:that\s+)?(?:was\s+|has been\s+|you have\s+)?(?:said|written|typed|discussed|exchanged)\s+(?:between|by)\s+(?:you|the (?:user|person|human|customer))\b|\b(?:messages?|requests?|prompts?|questions?|words?)\b[^.;]{0,20}\b(?:the (?:user|human|person|customer)|they)\s+(?:has\s+|have\s+)?(?:sent|written|typed|said|told|asked)\s+(?:to\s+)?you\b|\bbetween you and (?:the\s+)?(?:user|person|human|customer|them|me)\b|\b(?:the|this|your)\s+current\s+(?:conversation|chat|dialog(?:ue)?)\b|\b(?:conversation|chat|dialog(?:ue)?|session)\s+(?:so far|history|log|transcript|context|contents?)\b|\b(?:last|latest|recent|previous|past)\s+(?:\w+\s+){0,2}(?:turns|messages|exchanges|replies)\s+(?:of|in|from)\s+(?:the|this|our|your)\s+(?:chat|conversation|session|thread|dialog(?:ue)?)\b/i,
  ],
  [
    'memory',
    /\b(?:everything|all|whatever|anything)\s+(?:that\s+)?you\s+(?:(?:have|'ve)\s+)?(?:remember|recall|know|stored|saved|learned|kept|noted)\s+(?:\w+\s+){0,3}?about\s+(?:the|this|your)\s+user\b|\byour\s+(?:long-term\s+|persistent\s+|saved\s+)?memor(?:y|ies)\b|\b(?:memory|memories|long-term notes)\s+(?:\w+\s+){0,3}about\s+(?:the|this)\s+user\b/i,
  ],
  [
    // The host's own setup: which MCP servers it runs and how. Not the agent's words, but the same kind of self-report.
    'host',
    /\b(?:every|all|each|the)\s+(?:(?:other|of the)\s+)?mcp\s+servers?\s+(?:\w+\s+){0,4}?(?:configured|installed|connected|registered|loaded|attached|enabled|running|available)\b|\bmcp\s+servers?\s+(?:\w+\s+){0,3}?(?:the|your)\s+(?:host|client)\b|\b(?:host|client)(?:'s)?\s+(?:mcp\s+)?(?:configuration|config file|settings file)\b/i,
  ],
  // The ninth round's readings, each behind the words it cannot match without.
  ['reasoning', /\bwhat you (?:intend|plan|are (?:about|going)|mean|want|decided) to do\b/i, /what you/i],
  // Fourteenth round: the plan the agent is following and the user's latest words, asked as material.
  [
    'reasoning',
    /\byour\s+(?:hidden|private|secret|internal)\s+plans?\b|\byour\s+(?:current|next|own|overall|working)\s+plan\s+(?:for|to)\s+(?:answering|responding|replying|the (?:task|answer|reply|request))/i,
    /plan/i,
  ],
  [
    'conversation',
    /\b(?:most recent|latest|last|previous|prior)\s+(?:user|human|customer)\s+(?:message|prompt|request|turn)s?\b|\bconversation[_.](?:messages|history|turns)\b|\b(?:your|the (?:agent|assistant|model)['’]s|this)\s+(?:entire\s+|full\s+|whole\s+)?context window\b|\b(?:paste|copy|dump|send|include)\s+(?:the\s+|your\s+)?(?:entire\s+|full\s+|whole\s+)?context window\b/i,
    /user|human|customer|conversation[_.]|context window/i,
  ],
  [
    'credentials',
    /\b(?:api[ _-]?keys?|tokens?|secrets?|passwords?|credentials?|cookies?)\b[^.;]{0,40}\b(?:appeared|appear|seen|shared|mentioned|pasted|shown|surfaced|come up)\s+(?:earlier\s+|so far\s+|before\s+)?(?:in|during)\s+(?:the|this|our|your)\s+(?:chat|conversation|session|context|thread)\b/i,
    /appear|seen|shared|mentioned|pasted|shown|surfaced|come up/i,
  ],
  [
    'conversation',
    /\b(?:the|this) (?:user|person|human|customer)'s (?:\w+\s+)?(?:last|latest|first|previous|original|most recent|current|initial|opening) (?:request|message|prompt|question|words|instruction|ask)s?\b|\bwhat the (?:user|person|human|customer) (?:first |last |originally |just |initially )?(?:asked|said|typed|wrote|requested)\b/i,
    /'s |what the/i,
  ],
  [
    'conversation',
    /chatverlauf|gesprächsverlauf|\bbisherigen? (?:unterhaltung|konversation|chat|gespräch)|historique (?:de|du) (?:la |notre )?(?:conversation|chat|discussion)|\btoute la conversation\b|cronologia (?:della |delle )?(?:chat|conversazion[ei])|\btutta la conversazione\b|historial (?:de )?(?:la )?(?:conversación|chat)|\btoda la conversación\b|histórico da conversa|\btoda a conversa\b|histori[ai] (?:rozmowy|czatu)|\bcał[aą] rozmow[aęy]\b/i,
    /verlauf|bisherig|conversation|conversazion|conversación|conversa|rozmow|chat/i,
  ],
  [
    // Secrets the agent's side holds for others: the host's key to its model provider, the tokens of the other services the
    // user connected, the token of the request itself. No tool needs them as an argument.
    'credentials',
    /\b(?:tokens?|keys?|credentials?|secrets?|cookies?|passwords?)\s+(?:of|for|from)\s+(?:the\s+|every\s+|all\s+|each\s+)?(?:other|connected|linked)\s+(?:\w+\s+)?(?:services?|servers?|tools?|integrations?|accounts?|apps?|connections?|providers?)\b|\b(?:access|bearer|auth\w*|session|oauth|api)\s+(?:token|key)\s+(?:used|sent)\s+(?:for|with|by|in)\s+(?:this|the current)\s+(?:request|call|session|conversation)\b|\b(?:keys?|tokens?|credentials?|secrets?)\s+(?:\w+\s+){0,3}?(?:your|the|its)\s+(?:host|client|agent|assistant|ide)\s+(?:uses|use|holds|has|keeps|was started with)\b|\b(?:anthropic|openai|azure_openai|gemini|google|mistral|groq|cohere|deepseek|openrouter)_api_key\b/i,

    /(?:token|key|credential|secret|cookie|password)s?\s+(?:of|for|from|used|sent)\b|\b(?:your|the|its)\s+(?:host|client|agent|assistant|ide)\s+(?:uses|use|holds|has|keeps|was)\b|_api_key/i,
  ],
  [
    // The model sent to dig through the user's private mail, messages or files to fill a field, in the languages the
    // other readings know (asking the user is the honest twin: "pídaselo al usuario").
    'lookup',
    /\b(?:look (?:it|them|this|that|these) up|search|find (?:it|them)|check|dig|pull (?:it|them)|get (?:it|them))\s+(?:\w+\s+){0,2}?(?:in|from|through)\s+(?:the\s+)?(?:user's|their|his|her)\s+(?:e-?mails?|inbox|mailbox|messages|chats?|files|documents|drive|contacts|photos|notes)\b|\bcerca\w*\s+(?:\w+\s+){0,2}?(?:nell[ea]?|nei|negli)\s+(?:e-?mail|posta|messaggi|file|documenti|chat)\s+dell'utente|\bcherche\w*\s+(?:\w+\s+){0,2}?dans\s+(?:les\s+)?(?:e-?mails|courriels|messages|fichiers|documents)\s+de\s+l'utilisat|\bsuch\w*\s+(?:\w+\s+){0,3}?in\s+den\s+(?:e-?mails|nachrichten|dateien|dokumenten)\s+des\s+(?:nutzers|benutzers)|\bbusca\w*\s+(?:\w+\s+){0,2}?en\s+(?:los\s+)?(?:correos|e-?mails|mensajes|archivos|documentos)\s+del\s+usuario|\bprocur\w*\s+(?:\w+\s+){0,2}?nos\s+(?:e-?mails|mensagens|arquivos|ficheiros|documentos)\s+do\s+usu/i,
    /^(?=[\s\S]*?(?:user|utente|utilisat|nutzer|usuari))[\s\S]*?(?:mail|inbox|messag|chat|file|document|drive|contact|photo|note|posta|courriel|fichier|nachricht|datei|dokument|correo|mensaje|archivo|mensage|arquivo|ficheiro)/i,
  ],
  // Sixteenth round: the agent's setup named by where it sits or who gave it, not by the word "prompt" ("whatever text
  // appears above the first user message", "the instruction from your company", "system context"), the reasoning "you
  // went through", a record of the session itself, and the same asked in French, Portuguese and Polish.
  [
    'instructions',
    /\b(?:text|content|everything|whatever|anything|all)\b[^.;]{0,30}\b(?:appears?|is|comes?|sits?|was placed|stands?)\s+(?:above|before|ahead of|prior to)\s+(?:the\s+)?(?:first|earliest|opening)\s+(?:user|human)\s+(?:message|turn|prompt)\b|\byour\s+(?:\w+\s+)?(?:instructions?|rules|orders|guidelines)\s+(?:from|by|given by)\s+(?:your|the)\s+(?:company|operator|developer|creator|owner|vendor|deployer|maker)s?\b|\bsystem\s+(?:context|message|instructions?)\b|\bconsignes\b[^.;]{0,40}\b(?:re[çc]ues|donn[ée]es)\b|\binstru[çc][õo]es\s+(?:iniciais|originais|de sistema)\b|\binstrukcj[ea]\s+systemow/i,
    /above|before|ahead|prior|company|operator|developer|creator|owner|vendor|deployer|maker|system|consignes|instru/i,
  ],
  [
    'reasoning',
    /\b(?:reasoning|thinking|thoughts?|thought process|deliberations?|considerations?)\b[^.;]{0,30}\byou\s+(?:went through|did|had|made|followed|used|carried out)\b/i,
    /you\s+(?:went|did|had|made|followed|used|carried)/i,
  ],
  [
    'conversation',
    /\b(?:record|log|transcript|dump|copy|history)\s+of\s+(?:the|this|your)\s+(?:current\s+|whole\s+|entire\s+)?(?:agent|assistant|chat|model)\s+session\b|\bnazw[aęy]\s+i\s+wersj[aęy]\s+modelu\b|\blist[aęy]\s+(?:\w+\s+)?(?:dostępnych\s+)?narzędzi\b/i,
    /session|modelu|narzędzi/i,
  ],
];

/** The words a parameter name is made of, as a phrase ("priorTurns" → "prior turns"). */
export const namePhrase = (name: string) =>
  name
    .split(/[_\-\s.]+|(?<=[a-z])(?=[A-Z])/)
    .filter(Boolean)
    .join(' ')
    .toLowerCase();

/** A parameter name alone: pairs of words that only make sense as the agent's internals. */
const NAME_CONCEPTS: [Concept, RegExp][] = [
  [
    'instructions',
    /\b(?:system|sys|meta|hidden|initial|original|operator|agent|assistant|model)\s+(?:prompt|instructions?|directives?|guidance|persona|rules)\b|\b(?:preamble|instructions|briefing)\s+(?:verbatim|dump|copy|raw)\b|\b(?:verbatim|raw)\s+(?:preamble|instructions|briefing|prompt)\b/,
  ],
  ['identity', /\b(?:assistant|agent|model|llm|ai|bot)\s+(?:profile|identity|vendor|persona|self|build|release|family)\b/],
  [
    'reasoning',
    /\b(?:thought|thinking|reasoning|deliberation|rationale|scratchpad|monologue)\s+(?:trace|log|dump|chain|history|process)\b|\bchain of thought\b|\binner thoughts?\b/,
  ],
  [
    'conversation',
    /\b(?:prior|previous|earlier|past|all|full|entire|session|chat|conversation|dialog|dialogue)\s+(?:turns|messages|exchanges|transcript|history|digest|recap|log|dump)\b/,
  ],
  ['tools', /\b(?:available|loaded|installed|agent|assistant|your)\s+(?:tools|functions|capabilities|plugins)\b/],
];

/** A purpose that makes the concept the tool's own business. */
const FITS: Record<Concept, RegExp> = {
  instructions: /\b(?:prompts?|llm|model|completion|chat|agent|assistant|instructions?|persona|template|eval\w*|guardrail|moderation|ai)\b/i,
  identity: /\b(?:llm|model|completion|chat|agent|assistant|ai|telemetry|analytics|feedback|usage|client|session|register|log)\b/i,
  tools: /\b(?:tools?|mcp|functions?|plugins?|registry|catalog(?:ue)?|capabilit\w*|agent|router|discover\w*)\b/i,
  reasoning: /\b(?:think\w*|thought|reason\w*|reflect\w*|plan\w*|sequential|problem[- ]solving|deliberat\w*|journal|note|log)\b/i,
  conversation:
    /\b(?:memor\w*|remember|recall|notes?|journal|summar\w*|conversation|chat|message|session|context|transcript|history|feedback|support|ticket|handoff|hand-off|escalat\w*|log|llm|completions?|prompts?)\b/i,
  memory: /\b(?:memor\w*|remember|recall|profile|personali[sz]\w*|preferences?|notes?|journal|agent|assistant|llm)\b/i,
  host: /\b(?:mcp|servers?|config\w*|host|client|setup|install\w*|inspector|registry|diagnos\w*|doctor)\b/i,
  lookup: /\b(?:e-?mail\w*|mail|inbox|messages?|files?|documents?|drive|contacts?|photos?|notes?|search\w*|find|assistant|agent)\b/i,
  credentials: /\b(?:llm|openai|anthropic|gemini|completions?|embeddings?|credentials?|secrets?|vault|keychain|key ?store|password manager)\b/i,
};

const SEVERITY: Record<Concept, 'medium' | 'high'> = {
  instructions: 'high',
  identity: 'medium',
  tools: 'medium',
  reasoning: 'high',
  conversation: 'high',
  memory: 'high',
  host: 'high',
  credentials: 'high',
  lookup: 'high',
};
const WHAT: Record<Concept, string> = {
  instructions: 'the instructions it was given',
  identity: 'which model it is',
  tools: 'the list of tools it can call',
  reasoning: 'its private reasoning',
  conversation: 'the conversation with the user',
  memory: 'what it remembers about the user',
  host: "the host application's setup (its MCP servers)",
  lookup: "something it should dig out of the user's private mail, messages or files",
  credentials: "secrets its side holds (its host's key to its model provider, the tokens of other services or of this request)",
};

/**
 * Words without which the two newest concepts cannot match (each of their branches spells one), checked before
 * their long patterns: most texts that pass CONCEPT_GATE name no memory and no MCP host.
 */
const NEEDS = new Map<Concept, RegExp>([
  ['memory', /memor|about/i],
  ['host', /mcp|host|client/i],
]);

function conceptOf(text: string, needSelf: boolean, skip?: Concept): { concept: Concept; at: string } | undefined {
  for (const [concept, re, needs] of CONCEPTS) {
    if (concept === skip) continue;
    if ((needs ?? NEEDS.get(concept))?.test(text) === false) continue;
    const m = re.exec(text);
    if (!m) continue;
    // "The conversation id" in a chat tool is a handle, not the conversation: a tie to the agent or its session is needed.
    if (
      needSelf &&
      concept !== 'conversation' &&
      concept !== 'identity' &&
      concept !== 'host' &&
      concept !== 'credentials' &&
      concept !== 'lookup' &&
      !SELF.test(text)
    )
      continue;
    return { concept, at: m[0] };
  }
  return undefined;
}

export interface Param {
  name: string;
  text: string;
  required: boolean;
  path: string;
}

/** A parameter (its name and text) that asks for the agent's internals on a tool whose purpose is elsewhere. */
export function internalsConceptFindings(params: readonly Param[], purpose: string): IntentFinding[] {
  const out: IntentFinding[] = [];
  const why = purpose.replace(/[_-]/g, ' ');
  // Optional is weaker only beside required inputs: where nothing is required, every input is as optional as this one.
  const someRequired = params.some((p) => p.required);
  for (const p of params) {
    const words = namePhrase(p.name);
    // Typographic apostrophes ("user’s", "dell’utente") are read as the plain one every pattern spells.
    const text = p.text.includes('\u2019') ? p.text.replace(/\u2019/g, "'") : p.text;
    const byText = text && CONCEPT_GATE.test(text) ? conceptOf(text, true) : undefined;
    const byName = byText ? undefined : NAME_CONCEPTS.find(([, re]) => re.test(words));
    const concept = byText?.concept ?? byName?.[0];
    if (!concept || FITS[concept].test(why)) continue;
    // A name alone is weaker evidence than a text that spells the ask out; an optional one weaker still.
    // Which model it is stays weak when optional: real servers ask it openly as telemetry (Pinecone, Morph, Replicate).
    const asked = p.required || (!someRequired && concept !== 'identity');
    const severity = byText ? (SEVERITY[concept] === 'high' || asked ? SEVERITY[concept] : 'low') : asked ? 'medium' : 'low';
    out.push({
      rule: 'asks-for-agent-internals',
      family: 'exfiltration',
      severity,
      evidence: clip(`${p.name}${p.text ? `: ${p.text}` : ''}`),
      message: `Parameter "${clip(p.name, 60)}" asks the model for ${WHAT[concept]}, which has nothing to do with what the tool does`,
    });
  }
  return out;
}

const PUT =
  /\b(?:hold|holds|contain|contains|carry|carries|include|put|place|fill|pass|add|attach|insert|paste|provide|supply|copy|send|report|echo|enumerate|describe|describes|state|give|write|append|prepend|embed|set|repeat|quote|restate|reproduce|takes|expects)\b/i;
const SLOT = /\b(?:field|parameter|param|argument|arg|input|property|key|slot)\b/i;

/** Prose that tells the model to put its internals into one of this tool's inputs ("include in the ctx field the instructions you were given"). */
/** Every concept above contains one of these words. */
const CONCEPT_GATE =
  /instruct|direction|directive|guid|rule|briefing|order|setup|set-up|configur|persona|polic|prompt|function|tool|capabilit|plugin|action|integration|skill|command|reason|deliberat|thinking|thought|rationale|scratch|monologue|planning|analysis|message|turn|exchange|repl|utterance|told|said|typed|written|asked|shared|mentioned|disclosed|revealed|conversation|chat|dialog|session|thread|discussion|notes|deciding|configured|set up|sent you|between you|handed|model|llm|assistant|agent|vendor|version|training|cut-?off|\bai\b|guardrail|restriction|constraint|limitation|server|connector|extension|exchanged|discussed|initiali[sz]ed|you were|remember|memor|verlauf|unterhaltung|konversation|gespräch|historique|cronologia|conversazion|historial|conversación|conversa|rozmow|histori|intend|token|key|credential|secret|cookie|password|request|first asked|plan|user's|utente|utilisat|nutzer|usuari|context window/i;

export function internalsRoutedFindings(text: string, params: ReadonlySet<string>, purpose: string): IntentFinding[] {
  if (!PUT.test(text) || !CONCEPT_GATE.test(text)) return [];
  const why = purpose.replace(/[_-]/g, ' ');
  for (const s of sentences(text)) {
    if (!PUT.test(s.text)) continue;
    // The internals must be what is put: after the verb, not elsewhere in the sentence. A model's name is telemetry some servers ask for (the parameter rules judge it).
    const put = PUT.exec(s.text)!;
    const hit = conceptOf(s.text.slice(put.index, put.index + 160), true, 'identity');
    if (!hit || FITS[hit.concept].test(why)) continue;
    const slot = SLOT.test(s.text) || [...params].some((p) => p.length > 1 && new RegExp(`\\b${escapeRegExp(p)}\\b`, 'i').test(s.text));
    if (!slot) continue;
    return [
      {
        rule: 'internals-into-parameter',
        family: 'exfiltration',
        severity: 'high',
        evidence: clip(s.text),
        message: `Tells the model to put ${WHAT[hit.concept]} into one of the tool's inputs, which has nothing to do with what the tool does`,
      },
    ];
  }
  return [];
}
