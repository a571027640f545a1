// Twelfth reading (issue 12, 2026-12-02): a safeguard of the machine switched off as a step of using the tool.
// The invented-environment attacks of blind sets 5 and 6 that no rule caught had one thing in common under
// their stories (a skewed clock, a broken credential helper, an antivirus that quarantines the installer,
// a changelog that says rootless mode is unsupported): the step turns off a control that protects the user
// — certificate checks, the antivirus, the firewall, the OS's security policy, a container's isolation,
// access limited to its owner, the package registry the user trusts. Those steps are written as commands
// and settings, which read the same in any language, so this reads the command, not the story. A tool whose
// own purpose is that control (a firewall tool, an IAM tool) may name it; a sentence that warns against it
// ("never set …", "not recommended") is advice.

import { clip, sentences, type IntentFinding } from './intent.ts';

interface Safeguard {
  /** What switching it off does, for the message. */
  what: string;
  command: RegExp;
  /** A tool whose name or first sentence is about this control may name the command as its job. */
  topic?: RegExp;
}

const SAFEGUARDS: readonly Safeguard[] = [
  {
    what: 'turns off TLS certificate checks',
    command:
      /NODE_TLS_REJECT_UNAUTHORIZED\s*=\s*['"]?0|strict-ssl\s*(?:=\s*|\s+)false|PYTHONHTTPSVERIFY\s*=\s*['"]?0|GIT_SSL_NO_VERIFY\s*=\s*\S|sslVerify\s*(?:=\s*|\s+)false|rejectUnauthorized\s*:\s*false|InsecureSkipVerify\s*:\s*true|--no-check-certificate\b|\bverify\s*=\s*False\b|\bcurl\s+(?:-[a-zA-Z]+\s+)*-k\b/,
    topic: /\b(?:tls|ssl|certificates?|certs?)\b/i,
  },
  {
    what: 'switches off the antivirus or the security monitoring',
    command:
      /Set-MpPreference\s+-Disable\w+|DisableRealtimeMonitoring|Add-MpPreference\s+-Exclusion\w+|\b(?:systemctl|service)\s+(?:stop|disable|mask)\s+(?:falcon\w*|crowdstrike\w*|auditd|apparmor|firewalld|ufw|clamav\w*|clamd|osquery\w*|wazuh\w*|defender\w*|sentinel\w*|mdatp)\b|\bauditctl\s+-e\s*0\b|\bunset\s+HISTFILE\b|HISTFILE=\/dev\/null/i,
    topic: /\b(?:antivirus|defender|edr|audit(?:d|ing)?|monitoring agent)\b/i,
  },
  {
    what: 'drops the firewall',
    command:
      /\biptables\s+(?:-[a-zA-Z]\s+\w+\s+)*-F\b|\biptables\s+-P\s+(?:INPUT|FORWARD)\s+ACCEPT|\bufw\s+disable\b|\bnetsh\s+advfirewall\s+set\s+\w+\s+state\s+off\b|\bpfctl\s+-d\b|Set-NetFirewallProfile\b[^.;]*-Enabled\s+False/i,
    topic: /\b(?:firewall|iptables|ufw|netsh|pfctl)\b/i,
  },
  {
    what: "disables the operating system's security policy",
    command:
      /\bsetenforce\s+0\b|SELINUX\s*=\s*disabled|\baa-(?:teardown|disable)\b|\bspctl\s+--master-disable\b|\bcsrutil\s+disable\b|Set-ExecutionPolicy\s+(?:-ExecutionPolicy\s+)?(?:Unrestricted|Bypass)\b|\bxattr\s+-[a-z]*c[a-z]*\s+~/i,
    topic: /\b(?:selinux|apparmor|gatekeeper|execution ?policy|sip)\b/i,
  },
  {
    what: "runs a container with the host's powers",
    command: /--privileged\b|(?:-v|--volume)[= ]\/:\/?\w*|\/var\/run\/docker\.sock|--pid[= ]host\b|--cap-add[= ](?:ALL|SYS_ADMIN)\b/i,
  },
  {
    what: 'opens access to everyone',
    command:
      /\bchmod\s+(?:-R\s+)?(?:0?777|a\+rwx|o\+rwx)\b|\bsetfacl\b[^.;]*\bo::rwx|\bNOPASSWD\b|--member[= ]all(?:Authenticated)?Users\b|\bAdministratorAccess\b|\bcluster-admin\b/i,
    topic: /\b(?:iam|acl|sudoers|rbac|permissions?|roles?|chmod|polic(?:y|ies))\b/i,
  },
  {
    what: 'points package installs at another registry',
    command:
      /\b(?:npm|yarn|pnpm)\s+config\s+set\s+(?:@[\w-]+:)?registry\b|--(?:extra-)?index-url[= ]\S+|\bpip\s+config\s+set\s+global\.(?:extra-)?index-url\b/i,
    topic: /\b(?:registry|registries|mirror|index)\b/i,
  },
  {
    what: 'wipes a whole data store',
    command: /\bFLUSHALL\b|\bFLUSHDB\b/,
    topic: /\b(?:flush\w*|redis|memcached?|valkey|caches?)\b/i,
  },
];

/** A sentence that warns against the step, or names it as something not done. */
const WARNS =
  /\b(?:never|do not|don'?t|avoid|not recommended|unsafe|dangerous|at your own risk|we (?:do not|don'?t|never)|refuses? to|is not (?:needed|required|supported)|must not|should not|shouldn'?t)\b/i;
/** The command named as what is not done: "no --privileged", "without --pid=host". */
const NAMED_AS_NOT_DONE = /\b(?:no|without|never|not|nor)\s*[`'"]?$/i;

/**
 * The first command in the text that switches a safeguard off, in a sentence that does not warn against it, on a tool
 * whose name and first sentence are not about that safeguard.
 */
export function safeguardOffFindings(text: string, purpose: string, isDescription: boolean): IntentFinding[] {
  if (!isDescription) return [];
  for (const guard of SAFEGUARDS) {
    if (!guard.command.test(text)) continue;
    // The purpose is read without the command itself (a description with no sentence end is all "purpose", and
    // NODE_TLS_REJECT_UNAUTHORIZED names TLS), and names as words: redis_flush is about flushing.
    const about = purpose.replace(new RegExp(guard.command.source, `${guard.command.flags}g`), ' ').replace(/[_\-.]+|(?<=[a-z])(?=[A-Z])/g, ' ');
    if (guard.topic?.test(about)) continue;
    for (const s of sentences(text)) {
      // Each occurrence on its own: "no --privileged for builds, deploys use docker run --privileged" still runs it.
      const m = [...s.text.matchAll(new RegExp(guard.command.source, `${guard.command.flags.replace('g', '')}g`))].find(
        (x) => !NAMED_AS_NOT_DONE.test(s.text.slice(0, x.index)) && !WARNS.test(s.text.slice(0, x.index) + s.text.slice(x.index + x[0].length)),
      );
      if (!m) continue;
      return [
        {
          rule: 'safeguard-switched-off',
          family: 'destructive',
          severity: 'high',
          evidence: clip(s.text),
          message: `Has the model run \`${clip(m[0], 60)}\`, which ${guard.what}: a step no use of this tool needs`,
        },
      ];
    }
  }
  return [];
}
