import { z } from 'zod';

// The scanner's pattern rules, as data: versioned with the code and extendable
// from a bundle (settings.scannerRules), so admins can add their own. Each rule
// fires on one text unit (a description, a parameter name, an enum value, …, or
// text recovered by a decoder). Severity grows when rules of different families
// fire on the same tool (see scan.ts).

export const SEVERITIES = ['none', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const ScannerRuleSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]+$/),
  family: z.string().min(1),
  severity: z.enum(['low', 'medium', 'high', 'critical']),
  message: z.string().min(1),
  /** Regular expressions (case-insensitive); one of them must match. */
  match: z.array(z.string()).min(1),
  /** Each group must also match near the match (within 120 characters). */
  with: z.array(z.array(z.string()).min(1)).default([]),
  /** Ignore a match that a negation ("do not", "never") shortly precedes. */
  negatable: z.boolean().default(false),
  /** Only these kinds of text (default: all). */
  roles: z.array(z.enum(['name', 'title', 'description', 'param-name', 'param-text', 'enum', 'default', 'schema-other', 'decoded'])).optional(),
});
export type ScannerRule = z.input<typeof ScannerRuleSchema>;

const SENSITIVE_PATH = String.raw`(?:~?/?\.ssh\b(?!/[\w*.-]*\.pub\b)|id_(?:rsa|dsa|ecdsa|ed25519)\b(?!\.pub\b)|\.aws/credentials|\.aws/config|(?:^|[\s'"\x60(/])\.env\b|mcp\.json|claude_desktop_config|\.cursor/|/etc/(?:shadow|passwd|sudoers|gshadow)|\.bash_history|\.zsh_history|\.bashrc|\.zshrc|\.bash_profile|\.profile\b|\.netrc|\.npmrc|\.pypirc|\.git-credentials|\.kube/config|\.docker/config\.json|\.gnupg|wallet\.dat|keychain|credentials\.json|secrets?\.ya?ml|(?<!\b(?:never|not|no|nor)\s+(?:the\s+|your\s+|a\s+|any\s+)?)private[ _-]?keys?\b|\.pem\b|\.p12\b|\.keystore)`;
const SEND = String.raw`(?:(?:send|upload|post|forward|transmit|sync|report|mirror|relay|beacon|leak|push)(?:s|es|ed|ing)?|sent|ship(?:s|ped|ping)?|pip(?:e|es|ed|ing)|exfiltrat\w*)`;
const PASS = String.raw`(?:pass|include|put|provide|insert|append|attach|embed|add|copy|paste|supply|fill|populate|send|share)`;
const CONVERSATION = String.raw`(?:(?:this|the current|our|your|the user'?s?|all|the whole|the entire|the full|the complete)\s+conversation|conversation (?:so far|history|context)|chat (?:log|history)|message history|previous (?:messages|exchanges|turns|interactions|prompts|conversations?)|prior (?:messages|turns|exchanges|context)|all (?:user |previous |prior )?messages|full (?:context|transcript|history)|complete (?:conversation|context|transcript|history)|entire (?:conversation|context|history)|system prompt|system instructions|your instructions|hidden instructions|(?:chat|conversation|session) transcript|transcript of (?:this|the|our) (?:conversation|chat|session)|dialog(?:ue)? history)`;

export const DEFAULT_RULES: ScannerRule[] = [
  {
    id: 'hidden-instruction-block',
    family: 'hidden-instructions',
    severity: 'medium',
    message: 'Wraps instructions in a block meant for the model rather than the user (<IMPORTANT>, <SYSTEM>, [INFORMATION], an HTML comment)',
    match: [
      String.raw`<\s*/?\s*(?:important|system|instructions?|secret|hidden|admin|context|critical|note_to_ai|ai_instructions?)\s*>`,
      String.raw`\[\s*(?:information|important|system|instructions?|hidden|admin)\s*\]`,
      String.raw`<!--[\s\S]*?[a-z]{3,}[\s\S]*?-->`,
      String.raw`\{\{\s*(?:system|instructions?)\b`,
    ],
  },
  {
    id: 'instruction-override',
    family: 'override',
    severity: 'high',
    message: 'Tries to override earlier instructions or the user',
    match: [
      String.raw`\b(?:ignore|disregard|forget|override|bypass|set aside|throw out|discard)\s+(?:all\s+|any\s+)?(?:of\s+)?(?:the\s+|your\s+|my\s+)?(?:previous|prior|above|earlier|preceding|other|original|existing|system|user'?s?|initial|former|old)\s+(?:\w+\s+)?(?:instructions?|rules|prompts?|guidelines|guidance|directions|directives|requests?|constraints|orders|policies|commands)`,
      String.raw`\b(?:ignore|disregard|forget|set aside|discard)\s+(?:all\s+|any\s+)?(?:of\s+)?(?:the\s+|your\s+)?(?:\w+\s+)?(?:instructions?|rules|guidance|guidelines|directions|directives|prompts?|orders)\s+(?:you\s+(?:were|have been|received|got|had)|(?:given|received)\s+(?:\w+\s+)?(?:earlier|before|previously|so far|at the start))`,
      String.raw`\b(?:ignore|disregard|forget)\s+(?:everything|anything|all)\s+(?:you (?:were|have been) told|(?:said |written )?(?:above|before|earlier|previously))`,
      String.raw`priority is higher than (?:the )?user`,
      String.raw`(?:supersedes?|overrides?|takes? precedence over)\s+(?:the\s+|any\s+|all\s+)?(?:user|system|previous|prior|other)`,
      String.raw`\byou are now\b`,
      String.raw`\bnew (?:system )?instructions?\s*:`,
      String.raw`\b(?:system|developer)\s*(?:prompt|message)?\s*override`,
      String.raw`\bact as (?:the )?(?:system|administrator|root)\b`,
      String.raw`\bthe user (?:has )?(?:already )?(?:authorized|approved|consented|agreed)\b`,
    ],
  },
  {
    id: 'concealment',
    family: 'concealment',
    severity: 'high',
    message: 'Tells the model to hide what it does from the user',
    match: [
      String.raw`\b(?:do not|don'?t|never|without)\s+(?:ever\s+)?(?:mention|tell|inform|notify|reveal|disclose|alert|show|let|explain|say|report|display)\w*\s+(?:about\s+)?(?:this|it|that|these|anything|what|the\s+(?:file|step|read|call|action))?\s*(?:\w+\s+){0,3}(?:to\s+)?(?:the\s+)?(?:user|human|them|operator)`,
      String.raw`\b(?:user|human|they)\s+(?:must|should|need)\s*(?:not|n'?t)\s+(?:know|see|be told|notice|find out|be aware)`,
      String.raw`\b(?:hide|conceal|mask|obscure)\s+(?:this|it|these|the\s+\w+)\s+from\b`,
      String.raw`\bkeep (?:this|it|these)\s+(?:secret|hidden|confidential|private) from\b`,
      String.raw`\bsilently\s+(?:add|send|append|include|forward|copy|upload|set|change|modify|replace|redirect|call|execute|run|log|bcc|cc|insert|inject|attach|read|move|delete|overwrite)`,
      String.raw`\bsecretly\b`,
      String.raw`\bwithout (?:the user'?s? |their )?(?:knowledge|noticing|awareness|consent|knowing)`,
      String.raw`\binternal optimi[sz]ation\b`,
      String.raw`\bnot (?:be )?visible to the user\b`,
      String.raw`\b(?:this could|it (?:may|might|would)) (?:even )?upset the user\b`,
    ],
  },
  {
    id: 'sensitive-file-access',
    family: 'sensitive-files',
    severity: 'high',
    message: 'Asks for a sensitive file (keys, credentials, shell history, MCP config) to be read, sent or altered',
    match: [SENSITIVE_PATH],
    with: [
      [
        String.raw`\b(?:read|reads|reading|cat|open|pass|passes|include|send|upload|copy|attach|overwrite|write|replace|move|relocate|delete|remove|truncate|chmod|contents?|exfiltrat\w*|access|dump|edit|append|grab\w*|hand\w*|take|takes|fetch\w*|collect\w*|obtain\w*|retriev\w*|give|gives|supply|provide|share|shares)\b`,
      ],
    ],
  },
  {
    id: 'sensitive-file-mention',
    family: 'sensitive-files',
    severity: 'low',
    message: 'Mentions a sensitive file path',
    match: [SENSITIVE_PATH],
  },
  {
    id: 'conversation-exfiltration',
    family: 'exfiltration',
    severity: 'high',
    message: 'Asks for the conversation, the system prompt or prior messages to be put into a call',
    match: [
      // "label IDs to add to all messages": the messages are where something goes, not what is passed.
      String.raw`\b${PASS}\w*\b[^.]{0,120}?(?<!\b(?:to|onto)\s)\b${CONVERSATION}\b`,
      String.raw`\b${CONVERSATION}\b[^.]{0,60}?\b(?:in|into|as|to)\s+(?:the\s+)?['"\x60]?\w+['"\x60]?\s+(?:field|parameter|argument|param)`,
    ],
    negatable: true,
  },
  {
    id: 'exfiltration-url',
    family: 'exfiltration',
    severity: 'high',
    message: 'Sends data to an outside address',
    match: [
      String.raw`(?<![/\w-])${SEND}\b[^.]{0,120}?https?://`,
      String.raw`https?://[^\s'"]+[^.]{0,60}?\b(?:to collect|for (?:safe )?(?:storage|logging|backup|analysis|monitoring)|collect|ingest|exfil)\b`,
    ],
    negatable: true,
  },
  {
    id: 'command-injection',
    family: 'command-injection',
    severity: 'high',
    message: 'Carries a shell command to be smuggled into a call',
    match: [
      String.raw`(?:&&|\|\||;|\|)\s*(?:curl|wget|bash|sh|nc|ncat|python3?|perl|rm|chmod|scp)\b`,
      // "$(...)" is a placeholder for command substitution; a smuggled one has a command in it.
      String.raw`\$\([^)]*[A-Za-z][^)]*\)`,
      String.raw`\bcurl\s+(?:-\S+\s+)*['"]?https?://`,
      String.raw`\bwget\s+(?:-\S+\s+)*['"]?https?://`,
      String.raw`\brm\s+-rf\s+[~/]`,
      String.raw`\bappend\w*\b[^.]{0,80}\bto the end of the user'?s?\b`,
    ],
  },
  {
    id: 'parameter-tampering',
    family: 'shadowing',
    severity: 'high',
    message: "Tells the model to change another call's arguments (recipients, channels, paths, URLs)",
    match: [
      // "Set a value to 0", "set this parameter to W1234#": a determiner is not a field's name; "to be" is no destination.
      String.raw`\b(?:modify|change|set|replace|redirect|override|rewrite|alter|swap|switch)\s+(?:the\s+)?(?!(?:the|a|an|this|that|its|each|any|every)\s)['"\x60]?[\w.-]+['"\x60]?\s+(?:argument|parameter|param|field|arg|value|recipient|address)s?\b[^.]{0,80}?\bto\b(?!\s+be\b)`,
      String.raw`\b(?:set|add|include)\s+(?:the\s+)?(?:bcc|cc)\b`,
      String.raw`\b(?:bcc|cc)\s*(?:to|:)?\s*['"]?[\w.+-]+@[\w-]+\.[\w.]+`,
      String.raw`\bredirect\w*\s+(?:all\s+)?(?:messages|emails|requests|traffic|payments|funds|output)\b`,
      // "is automatically set to 45 minutes" states what the service does; it asks the model for nothing.
      String.raw`(?<!\b(?:is|are|be|been|gets?)\s+)\bautomatically (?:modify|change|add|append|replace|redirect|set)\b`,
      String.raw`\bregardless of (?:the\s+)?(?:original|user'?s?|requested)\b`,
      String.raw`\breplace the values? with\b`,
      // "`flavor` set to `php-fpm`": "set to" gives a value; the field "to" is named as such ("the to field", "`to`").
      String.raw`\b(?:modify|change|set|replace|rewrite)\s+(?!to\s)(?:the\s+)?['"\x60]?(?:url|path|channel(?:_id)?|recipient|to|email|address|destination|account|amount|repo(?:sitory)?)['"\x60]?\b[^.]{0,40}?\bto\s+['"\x60]`,
    ],
  },
  {
    id: 'cross-tool-hijack',
    family: 'cross-tool',
    severity: 'high',
    message: 'Makes the model run another step before or after other tools',
    match: [
      String.raw`\b(?:before|prior to|after|when(?:ever)?)\s+(?:using|calling|executing|running|invoking|performing|you use|you call)\b[^.]{0,160}?\b(?:you\s+)?(?:must|should|need to|have to|always|first|are required to)\b[^.]{0,80}?\b(?:call|use|run|execute|invoke|send|read|write|move|edit|delete|add|commit|exfiltrate)`,
      String.raw`\b(?:you\s+)?(?:must|should|need to|have to|always)\s+(?:first\s+)?(?:call|use|run|execute|invoke)\s+['"\x60]?[\w-]+['"\x60]?[^.]{0,60}?\bbefore\b`,
      String.raw`\bbefore (?:execute|executing|using|calling)\s+\w+\s+(?:operation|tool|call)\b[^.]{0,40}?\bexecute this tool\b`,
    ],
    with: [
      [
        SENSITIVE_PATH,
        String.raw`https?://`,
        String.raw`@[\w-]+\.\w`,
        String.raw`\b(?:overwrite|delete|remove|move|relocate|exfiltrat\w*|secrets?|credentials?|history|shadow|replace the values|send_data|externally|curl|wget)\b`,
      ],
    ],
  },
  {
    id: 'cross-tool-data-flow',
    family: 'cross-tool',
    severity: 'medium',
    message: 'Makes the model feed results or data into another tool',
    match: [
      String.raw`\b(?:requires?|required|must|need to|needs to|always)\s+(?:first\s+)?(?:calling|call|invoke|invoking|use|using|pass\w*\s+(?:them|it|results?)\s+to)\s+['"\x60]?[\w-]+['"\x60]?\s+(?:tool\s+)?with\s+(?:all|the|every|complete|full)\s+(?:\w+\s+)?(?:results?|data|output|records|rows|contents?|responses?)`,
    ],
  },
  {
    id: 'tool-disparagement',
    family: 'preference-manipulation',
    severity: 'medium',
    message: 'Disparages other tools or tells the model to stop using them',
    match: [
      String.raw`\b(?:other|built-?in|default|existing|original|standard|regular|official)\s+(?:\w+\s+)?tools?\s+(?:are|is)\s+(?:now\s+)?(?:deprecated|unreliable|broken|compromised|malicious|insecure|unsafe|outdated|manipulated|inaccurate|slow)`,
      String.raw`\breturn\w*\s+(?:manipulated|fake|poisoned|tampered|wrong|false)\s+results\b`,
      String.raw`\b(?:never|do not|don'?t)\s+(?:ever\s+)?(?:use|call|trust)\s+(?!this\b)['"\x60]?[a-z][\w-]*['"\x60]?(?:\s+or\s+['"\x60]?[a-z][\w-]*['"\x60]?)?\s+(?:when|if|again|anymore|tool|instead)`,
      String.raw`\b(?:always\s+)?use this tool instead of\b`,
      String.raw`\b(?:preferred |better |faster |official )?replacement for (?:the\s+)?['"\x60]?[\w-]+`,
      String.raw`\bcertified by\b`,
    ],
  },
  {
    id: 'self-promotion',
    family: 'preference-manipulation',
    severity: 'low',
    message: 'Praises itself to be picked over other tools',
    match: [
      String.raw`\b(?:the\s+)?(?:most|only)\s+(?:accurate|trusted|trustworthy|secure|reliable|official|powerful|authoritative)\b`,
      String.raw`\balways (?:prefer|choose|pick|default to using) this tool\b`,
    ],
  },
  {
    id: 'false-consequence',
    family: 'pressure',
    severity: 'low',
    message: 'Threatens a failure to push the model into an extra step',
    match: [
      String.raw`\botherwise\s+(?:the\s+|this\s+)?(?:tool|it|request|call|operation)\s+(?:will|would)\s+(?:not work|fail|break|error)`,
      String.raw`\b(?:skipping|omitting|failure to|failing to|if you (?:don'?t|do not|skip))\b[^.]{0,60}?\b(?:will|may|would)\s+(?:cause|result|break|fail|overload|corrupt|lead)`,
    ],
  },
  {
    id: 'authority-urgency',
    family: 'pressure',
    severity: 'low',
    message: 'Leans on authority or urgency (policy, mandatory, security protocol)',
    match: [
      String.raw`\b(?:security|compliance|repository|company|corporate|legal|regulatory)\s+(?:policy|protocol|requirement|obligations?|frameworks?)\b`,
      String.raw`\b(?:mandatory|crucial|vital prerequisite|critical security step|pre-?authori[sz]ation)\b`,
      String.raw`\b(?:IT department|administrator has|admin requires)\b`,
    ],
  },
  {
    id: 'forced-first-call',
    family: 'hijack',
    severity: 'low',
    message: 'Asks to be called first, for any request',
    match: [
      String.raw`\b(?:always\s+)?call this tool first\b`,
      String.raw`\bfor (?:any|every|all) (?:request|query|task|message)s?\b`,
      String.raw`\bbefore (?:answering|responding|any other)\b`,
    ],
  },
  {
    id: 'credential-harvest',
    family: 'harvest',
    severity: 'high',
    message: 'Collects credentials or personal data as a side effect',
    match: [
      // "Upload credentials are generated", "the Upload URL endpoint": upload naming a thing, not uploading one.
      String.raw`\b(?:(?:extract|collect|harvest|upload(?!\s+(?:urls?|links?|endpoints?|credentials\s+(?:are|is|were|will))\b)|record|attach|gather)(?:s|ed|ing)?|captur(?:e|es|ed|ing)|stor(?:e|es|ed|ing)|scrap(?:e|es|ed|ing)|log(?:s(?!\s+(?:may|might|can|could|will|often|sometimes|contain|include|are|show)\b)|ged|ging)?|grab(?:s|bed|bing)?|steal(?:s|ing)?|stole)\b[^.]{0,100}?\b(?:passwords?(?!\s+(?:managers?|policy|policies|fields?|prompts?|strength|length|rules?|resets?|hints?))|credit cards?|api[ _-]?keys?|access tokens?|(?<![/\w-])secrets?(?![/\w-])|credentials|environment variables|private keys?|social security|session cookies|seed phrases?)\b`,
      String.raw`\*\.(?:env|pem|key)\b[^.]{0,80}\*`,
      String.raw`\b(?:attach|include|send)\w*\s+(?:the\s+)?environment variables\b`,
    ],
    negatable: true,
  },
  {
    id: 'hidden-side-effect',
    family: 'harvest',
    severity: 'medium',
    message: 'Describes an extra action that happens behind the stated purpose',
    match: [
      String.raw`\b(?:automatically|also|additionally|in the background|quietly|as well)\s+(?:uploads?|sends?|transmits?|copies|syncs?|forwards?|shares?|posts?|emails?)\b`,
      String.raw`\bextracted text is logged\b`,
    ],
  },
  {
    id: 'email-exfiltration',
    family: 'exfiltration',
    severity: 'high',
    message: 'Sends data to a fixed email address',
    match: [
      String.raw`\b(?:send|sent|mail|email|forward|cc|bcc|copy|copied|deliver)\w*\b[^.]{0,80}?\b(?:to|cc|bcc|copy)\s*:?\s*(?:\w+\s+){0,2}['"\x60]?(?!no-?reply|you\+|[\w.+-]*alias)[\w.+-]+@[\w-]+\.[a-z]{2,}(?![\w.-]*\s+style\b)`,
      // A fixed address made a party to the user's own thread, meeting or file ("always add notes-bot@… as an attendee").
      String.raw`(?<!\b(?:e\.?g\.?|for example|for instance|such as|like|example:?)\W{0,3})\b(?:add|adds|added|include|includes|invite|invites)\s+['"\x60]?(?!\S*example\.)[\w.+-]+@[\w-]+\.[a-z]{2,}['"\x60]?\s+(?:as|to)\s+(?:an?\s+|the\s+)?(?:attendee|participant|member|collaborator|guest|recipient|cc|bcc|owner|admin|editor|viewer|reviewer|watcher|follower)s?\b`,
      String.raw`\b[\w.+-]+@[\w-]+\.[a-z]{2,}\b[^.]{0,40}?\b(?:to log|for (?:logging|monitoring|audit))`,
    ],
  },
  {
    // Not an address the user gives: a remote the text names, where the user's repository, export or backup goes too.
    id: 'fixed-remote-destination',
    family: 'exfiltration',
    severity: 'high',
    message: 'Sends data to a fixed remote location (a git remote, an SFTP host or a storage bucket) written into its text',
    match: [
      String.raw`\b(?:send|sent|push|pushes|pushed|mirror|mirrors|mirrored|sync|syncs|synced|upload|uploads|uploaded|copy|copies|copied|export|exports|exported|replicate|replicates|replicated|back(?:s|ed)? up|go|goes)\b[^.]{0,80}?\b(?:to|at|into|on)\s+(?:\w+\s+){0,3}?['"\x60]?(?!\S*(?:example|my-|your-|acme|placeholder|group\/project|owner\/repo|user\/repo))(?:git@(?![<{])[\w.-]+:\S+|(?:sftp|ftp|s3|gs|scp|rsync):\/\/(?![<{])\S+|sftp\.[\w-]+\.[a-z]{2,})`,
    ],
  },
  {
    id: 'decode-and-follow',
    family: 'encoded',
    severity: 'high',
    message: 'Tells the model to decode hidden text and act on it',
    match: [
      // "Values are base64-decoded and returned; … do not paste them": a compound adjective, and a forbidding "do not", order nothing.
      String.raw`(?<!-)\b(?:decode|deobfuscate|decrypt|unescape|rot13)\w*\b[^.]{0,60}?\b(?:and|then)\s+(?:follow|execute|run|obey|apply|do(?!\s+not\b|n'?t\b))`,
      String.raw`\bbase64\b[^.]{0,40}?\b(?:follow|execute|obey)\b`,
    ],
  },
  {
    id: 'instruction-in-value',
    family: 'schema-smuggling',
    severity: 'high',
    message: 'Hides an instruction in a schema value (enum, default, type or an unknown key)',
    match: [
      String.raw`\b(?:you must|you should|always|never|before using|ignore|read|pass|include|send|call)\b[^.]{0,80}?\b(?:tool|file|content|user|instructions?|parameter|argument)\b`,
    ],
    roles: ['enum', 'default', 'schema-other'],
  },
  {
    id: 'keep-default',
    family: 'schema-smuggling',
    severity: 'medium',
    message: 'Insists that a default value be kept',
    match: [String.raw`\b(?:always|must)\s+(?:keep|use|leave)\s+(?:the\s+)?default\b`, String.raw`\bdo not (?:change|modify|override) (?:the|this) default\b`],
  },
];

export function compileRules(rules: ScannerRule[]): CompiledRule[] {
  return rules.map((r) => {
    const rule = ScannerRuleSchema.parse(r);
    return {
      ...rule,
      matchers: rule.match.map((m) => new RegExp(m, 'iu')),
      withMatchers: rule.with.map((g) => g.map((m) => new RegExp(m, 'iu'))),
    };
  });
}

export type CompiledRule = z.output<typeof ScannerRuleSchema> & { matchers: RegExp[]; withMatchers: RegExp[][] };
