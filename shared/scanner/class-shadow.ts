import { harmsOf, clip, sentences, type IntentContext, type IntentFinding } from './intent.ts';

// Shadowing without a name: text that sets a rule for a whole class of actions
// ("whenever you send e-mail…", "for any file operation…", "on every search…")
// that neither this tool nor its server performs. A weather tool has no business
// deciding what goes into the user's e-mails. Which tool does the action does not
// matter: the rule reaches every tool that does.

interface ActionClass {
  label: string;
  verbs: string;
  nouns: string;
  own: RegExp;
}

// A class is named by an action on its objects ("send … e-mail", "run a command"),
// a quantified object ("any e-mail", "every search") or "<object> operations".
const CLASSES: ActionClass[] = [
  {
    label: 'e-mail and messages',
    verbs: 'send|sending|sends|sent|writ(?:e|es|ing)|compos(?:e|es|ing)|draft(?:s|ing)?|repl(?:y|ies|ying) to|forward(?:s|ing)?|post(?:s|ing)?',
    nouns: 'e-?mails?|mails?|messages?|dms?|sms|newsletters?|replies|e-?mailing|messaging|mailing',
    own: /e-?mail|mail|messag|sms|slack|chat|notif|inbox|smtp|gmail|outlook|\bdm|send|post|reply|discord|telegram|whatsapp|teams/i,
  },
  {
    label: 'file operations',
    verbs:
      'read(?:s|ing)?|writ(?:e|es|ing)|sav(?:e|es|ing)|open(?:s|ing)?|delet(?:e|es|ing)|edit(?:s|ing)?|creat(?:e|es|ing)|modif(?:y|ies|ying)|access(?:es|ing)?|upload(?:s|ing)?|download(?:s|ing)?|mov(?:e|es|ing)|cop(?:y|ies|ying)|touch(?:es|ing)?',
    nouns: 'files?|file ?system|director(?:y|ies)|folders?',
    own: /file|dir|folder|path|\bfs\b|document|disk|upload|download|read|write|edit|storage|drive|pdf|docx?|sheet/i,
  },
  {
    label: 'searches',
    verbs: 'run(?:s|ning)?|perform(?:s|ing)?|do(?:es|ing)?|mak(?:e|es|ing)|send(?:s|ing)?|execut(?:e|es|ing)|submit(?:s|ting)?',
    nouns: '(?:\\w+ )?search(?:es)?|quer(?:y|ies)|look-?ups?|searching|looking up',
    own: /search|query|find|lookup|look_up|retriev|discover|explore/i,
  },
  {
    label: 'payments and transfers',
    verbs: 'mak(?:e|es|ing)|send(?:s|ing)?|process(?:es|ing)?|execut(?:e|es|ing)|initiat(?:e|es|ing)|submit(?:s|ting)?|plac(?:e|es|ing)',
    nouns:
      'payments?|transfers?|transactions?|purchases?|orders?|checkouts?|invoices?|withdrawals?|deposits?|trades?|swaps?|refunds?|wires?|paying|transferring|purchasing|buying|crypto(?:currency)?|funds|money|coins?|eth|btc|bitcoin|usdc|tokens',
    own: /pay|transfer|transaction|purchase|order|checkout|invoice|wallet|bank|trade|swap|withdraw|deposit|refund|billing|stripe|\bbuy/i,
  },
  {
    label: 'bookings and purchases',
    verbs: 'book(?:s|ing)?|reserv(?:e|es|ing)|order(?:s|ing)?|buy(?:s|ing)?|purchas(?:e|es|ing)|subscrib(?:e|es|ing) to',
    nouns: 'bookings?|reservations?|flights?|hotels?|tickets?|subscriptions?|rentals?|rides?',
    own: /book|reserv|flight|hotel|travel|ticket|trip|subscri|rental|ride|shop|cart|order|purchas|store|restaurant/i,
  },
  {
    label: 'code changes',
    verbs: 'mak(?:e|es|ing)|creat(?:e|es|ing)|open(?:s|ing)?|push(?:es|ing)?|submit(?:s|ting)?|merg(?:e|es|ing)|run(?:s|ning)?',
    nouns:
      'commits?|pushes|pull requests?|merge requests?|merges|deploy(?:ment)?s?|releases?|git (?:operations?|commands?)|committing|pushing|merging|deploying|releasing',
    own: /git|commit|push|pull|merge|deploy|release|repo|branch|\bpr\b|\bci\b|pipeline|build/i,
  },
  {
    label: 'shell commands',
    verbs: 'run(?:s|ning)?|execut(?:e|es|ing)|issu(?:e|es|ing)|typ(?:e|es|ing)',
    nouns: '(?:shell |terminal |bash |cli )?commands?|scripts?',
    own: /shell|command|exec|terminal|bash|\brun|process|script/i,
  },
  {
    label: 'database operations',
    verbs: 'run(?:s|ning)?|execut(?:e|es|ing)|writ(?:e|es|ing)|issu(?:e|es|ing)',
    nouns: '(?:database |db |sql )(?:quer(?:y|ies)|writes?|statements?)|sql',
    own: /sql|\bdb|database|query|table|mongo|postgres|redis|collection/i,
  },
  {
    label: 'web requests',
    verbs: 'fetch(?:es|ing)?|open(?:s|ing)?|visit(?:s|ing)?|brows(?:e|es|ing)|mak(?:e|es|ing)|send(?:s|ing)?',
    nouns: 'urls?|web ?pages?|websites?|links?|(?:http|web|api|network|outbound) (?:requests?|calls?)|browsing',
    own: /http|fetch|url|web|brows|request|api|scrap|crawl|navigat|page|site/i,
  },
  {
    label: 'tool calls',
    verbs: 'call(?:s|ing)?|us(?:e|es|ing)|invok(?:e|es|ing)|run(?:s|ning)?',
    nouns: '(?:other )?tools?|(?:other )?functions?|tool calls?',
    own: /(?!)/,
  },
];
const QUANTIFIED = String.raw`\b(?:any|every|each|all|outgoing|incoming)\s+(?:\S+\s+){0,2}?`;
/** Verbs that name any action by asking for it. */
const GENERIC = 'request(?:s|ed|ing)?|asks? for|wants?|initiat(?:e|es|ing)|start(?:s|ing)?|do(?:es|ing)?|perform(?:s|ing)?';
const COMPILED = CLASSES.map((c) => ({
  ...c,
  act: new RegExp(
    String.raw`\b(?:${c.verbs}|${GENERIC})\s+(?:\S+\s+){0,3}?(?:${c.nouns})\b|${QUANTIFIED}(?:${c.nouns})\b|\b(?:${c.nouns})\s+(?:operations?|requests?|actions?|access|you (?:send|make|run|write)|(?:goes|go|going|is|are|gets?|get|being) (?:out|sent|delivered|composed|drafted|written|made|placed|executed|run|submitted|booked|opened|created))\b|\b(?:you|the user|the agent|the assistant|they)\s+(?:\w+\s+)?(?:${c.verbs}|${GENERIC})\s+(?:\S+\s+){0,2}?(?:${c.nouns})\b`,
    'i',
  ),
  noun: new RegExp(String.raw`\b(?:${c.nouns})\b`, 'i'),
  lead: new RegExp(String.raw`^\s*(?:(?:you|we)\s+(?:are\s+)?)?(?:(?:the|an?|any|every|each)\s+)?(?:${c.nouns})\b`, 'i'),
}));

/** The scope of a rule: "whenever you…", "for any…", "before each…", "on every…", "all outgoing…". */
const SCOPE =
  /\b(?:should (?:the user|you|they|anyone|someone)|in case (?:the user|you|they)?|if (?:the user|anyone|someone|they)|whenever|when(?:ever)?|each time|every time|any ?time|before|after|prior to|for (?:any|every|each|all)|in (?:any|every|all|each)|during|while|if you|if the user|as you|on (?:any|every|each|all)|(?:any|every|each|all)(?: outgoing| incoming| future| subsequent| other)?)\b/gi;
/** What the rule demands, after its scope. */
const DEMAND =
  /\b(?:ought to|is to|are to|is expected to|supposed to|must|should|shall|always|never|need(?:s)? to|has to|have to|make sure|ensure|be sure|required?|append|prepend|add|include|insert|attach|set|change|replace|redirect|route|bcc|cc|copy|forward|rewrite|tag|sign|mention|recommend|promote|swap|substitute|instead)\b/i;
/** A demand placed before its scope ("Append X for any search") must itself change something: "required for all calls" documents its own parameters. */
const CHANGE = /\b(?:append|prepend|add|include|insert|attach|set|change|replace|redirect|route|bcc|cc|copy|forward|rewrite|tag|sign|swap|substitute|send)\b/i;
const ABOUT_SELF = /\b(?:calling|using|invoking|running|executing|call|use|invoke|run)\s+(?:this|the present|the current)\s+(?:tool|function)\b/i;
const words = (name: string): string => name.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ');
/** Only asking for this tool to be used: a bid for calls (forced-first-call), not a rule over others' actions. */
const SELF_ONLY = /\b(?:use|call|invoke|run|choose|prefer|pick)\s+(?:this|me|it)\b(?!\s+(?:to|with)\b)/i;

export function classShadowFindings(text: string, ctx: IntentContext, purpose: string): IntentFinding[] {
  if (!DEMAND.test(text)) return [];
  for (const { text: s } of sentences(text)) {
    for (const scope of s.matchAll(SCOPE)) {
      const start = scope.index + scope[0].length;
      // The scope clause runs to the next comma or colon (or a few words). Every window is bounded, so a long
      // sentence full of scopes costs linear time, not one pass over the rest of it per scope.
      const rest = s.slice(start, start + 120);
      const cut = rest.search(
        /[,;:]|\s(?:you|we|the model|the assistant|please)\s+(?:must|should|shall|always|need|have)\b|\s(?:must|should|shall|always|never|needs? to|has to|have to|are to|is to|ought to|is expected to|supposed to)\b/i,
      );
      const clause = rest.slice(0, cut >= 0 ? Math.min(cut, 80) : 60);
      const demand = s.slice(start + clause.length, start + clause.length + 240);
      if (!DEMAND.test(demand) && !CHANGE.test(s.slice(Math.max(0, scope.index - 240), scope.index))) continue;
      const cls = COMPILED.find((c) => c.act.test(scope[0] + clause) || c.lead.test(clause));
      if (!cls) continue;
      // The tool, or its server, does that kind of thing: its own rules about it are documentation.
      const performs = !ctx.noParams && cls.own.test(purpose.replace(/[_-]/g, ' '));
      if (performs || [...ctx.siblings].some((n) => cls.own.test(n))) continue;
      // "stories-set-external-links: Replace all external links on a story.": the first sentence, on the objects the
      // tool's name names, says what the tool does. A rule further on ("crypto_price: … use wallet X") is still a rule.
      if (/^(?:any|every|each|all)\b/i.test(scope[0]) && cls.noun.test(words(ctx.name)) && purpose.includes(s.trim())) continue;
      const harms = harmsOf(s, []);
      if (SELF_ONLY.test(s) && !harms.length) continue;
      // "Before calling this tool, ensure the project is running": a condition on this tool's own call is its usage note.
      if (!harms.length && ABOUT_SELF.test(clause) && !/\b(?:other|any|every|all|each)\b/i.test(clause)) continue;
      return [
        {
          rule: 'class-rule',
          family: 'shadowing',
          severity: harms.length ? 'high' : 'medium',
          evidence: clip(s),
          message: `Sets a rule for all ${cls.label} ("${clip(scope[0] + clause, 60)}"), which this tool does not do itself${harms.length ? `; the rule ${harms.join(', ')}` : ''}`,
        },
      ];
    }
  }
  return [];
}
