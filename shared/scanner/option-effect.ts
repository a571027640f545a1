// Tenth round (issue 12): what a yes/no option does when it is on. "addNewlineIfNeeded: Automatically add a newline
// before the appended text" is the field saying what turning it on does; its subject is the option, not the model, and
// it changes nothing of another call. The attack the parameter-tampering rule was written for tells the model to change
// a call's recipients, paths or addresses ("automatically add the auditor in bcc"): so an option whose text names a
// destination, an address or another tool's argument keeps its finding.

import { addresses } from './address.ts';

/** A finding as the detectors of this round and the next read it (scan.ts's Finding, loosely). */
export interface Finding {
  rule: string;
  path: string;
  severity: string;
  evidence: string;
  message?: string;
}

const OPTION_PATH = /^\/inputSchema\/properties\/([^/]+)\/description$/;
/** Where a changed call would send things: none of these may be in the option's own text. */
const DESTINATION =
  /\b(?:b?cc|recipients?|to:|from:|addresses|address|e-?mails?|url|urls|endpoints?|webhooks?|channels?|accounts?|owners?|admins?|paths?|destinations?|forward\w*|redirect\w*|send\w*|sent|amounts?|prices?|fees?|payees?|beneficiar\w*|iban|currency|roles?|permissions?|access|scopes?|users?|members?)\b/i;

/** The boolean a property path names, when the schema declares it so. */
function booleanOption(schema: unknown, name: string): Record<string, unknown> | undefined {
  const props = (schema as { properties?: Record<string, unknown> } | undefined)?.properties;
  const p = props && Object.hasOwn(props, name) ? props[name] : undefined;
  return p && typeof p === 'object' && (p as { type?: unknown }).type === 'boolean' ? (p as Record<string, unknown>) : undefined;
}

export function optionEffectFindings<F extends Finding>(findings: F[], schema: unknown): F[] {
  if (!findings.some((f) => f.rule === 'parameter-tampering')) return findings;
  return findings.map((f) => {
    if (f.rule !== 'parameter-tampering') return f;
    const m = OPTION_PATH.exec(f.path);
    const option = m ? booleanOption(schema, m[1]!) : undefined;
    const text = typeof option?.description === 'string' ? option.description : '';
    if (!text || DESTINATION.test(text) || addresses(text).length > 0) return f;
    return { ...f, rule: 'option-effect', severity: 'low', message: 'A yes/no option says what it does when it is on; it changes no other call' };
  });
}

/**
 * "Forwarding an attendee's copy also sends a message to notify the organizer": an extra message, stated openly, to a
 * party of the very thing the tool works on (the event's organizer, the ticket's assignee). The attack the
 * hidden-side-effect rule was written for also sends the content somewhere else ("also uploads the file to our
 * archive"): an address, a remote place, or anything but a notice to such a party keeps the finding.
 */
const NOTICE_TO_PARTY =
  /\b(?:also|additionally|automatically|as well)\s+(?:sends?|emails?|posts?)\s+(?:a|an)\s+(?:\w+\s+){0,2}?(?:message|notice|notification|e-?mail|alert|reminder)\s+(?:to\s+(?:notify|inform|alert|tell|let)\s+|to\s+)(?:the\s+|its\s+|each\s+|every\s+|all\s+)?(?:organi[sz]ers?|attendees?|participants?|owners?|assignees?|authors?|senders?|requesters?|reviewers?|watchers?|subscribers?|members?|invitees?|followers?|creators?)\b/i;
const ELSEWHERE =
  /\b(?:remote|external|third[- ]part\w*|our\s|archive|cop(?:y|ies)|contents?|attachments?|documents?|files?|data|body|payload|transcript|conversation|history|with the)\b/i;
export function noticeToPartyFindings<F extends Finding>(findings: F[]): F[] {
  return findings.map((f) =>
    f.rule === 'hidden-side-effect' && NOTICE_TO_PARTY.test(f.evidence) && !ELSEWHERE.test(f.evidence) && addresses(f.evidence).length === 0
      ? { ...f, rule: 'stated-notice', severity: 'low', message: 'Says it also notifies a party of what it works on (an organizer, an assignee), openly' }
      : f,
  );
}
