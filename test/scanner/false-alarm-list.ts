// Every false alarm (medium or higher) on the benign sets the repo has, each tool scanned beside its
// server's siblings as the daemon does, the rules and the learned model apart, with the findings'
// evidence: the list the tenth round grouped by why an honest tool said what it said.
//   node test/scanner/false-alarm-list.ts [--json FILE]    (writes the rows as JSON too)
//   node test/scanner/false-alarm-list.ts --summary        (counts per set only)
import { writeFileSync } from 'node:fs';
import { SEVERITIES } from '../../shared/scanner/rules.ts';
import { scanToolList } from '../../shared/scanner/scan.ts';
import { BENIGN_SERVERS_2_DIR, devBenignServers, loadBenignServers, wilson } from './evaluate.ts';
import { HARD_BENIGN } from './hard-benign.ts';
import { HARD_BENIGN_2, type BenignServerSet } from './hard-benign-2.ts';
import { HARD_BENIGN_3 } from './hard-benign-3.ts';
import { HARD_BENIGN_4 } from './hard-benign-4.ts';
import { HARD_BENIGN_5 } from './hard-benign-5.ts';
import { HARD_BENIGN_6 } from './hard-benign-6.ts';
import { HARD_BENIGN_7 } from './paraphrases-7.ts';
import { HARD_BENIGN_8 } from './paraphrases-8.ts';
import { HARD_BENIGN_9 } from './paraphrases-9.ts';
import { HARD_BENIGN_10 } from './hard-benign-10.ts';
import { HARD_BENIGN_11 } from './hard-benign-11.ts';
import { HARD_BENIGN_12 } from './paraphrases-11.ts';
import { HARD_BENIGN_13 } from './paraphrases-12.ts';
import { HARD_BENIGN_14 } from './hard-benign-14.ts';

type Tool = Record<string, unknown>;
type Server = { name: string; tools: Tool[] };
const medium = SEVERITIES.indexOf('medium');
const asServers = (list: BenignServerSet[]): Server[] => list.map((s) => ({ name: s.server, tools: s.tools }));

export function benignSets(): [string, Server[]][] {
  return [
    ['real', [...loadBenignServers(), ...loadBenignServers(BENIGN_SERVERS_2_DIR)].map((s) => ({ name: s.package, tools: s.tools as Tool[] }))],
    ['dev', devBenignServers()],
    ['hard1', HARD_BENIGN.map((tool, i) => ({ name: String(tool.name ?? i), tools: [tool] }))],
    ...(
      [
        HARD_BENIGN_2,
        HARD_BENIGN_3,
        HARD_BENIGN_4,
        HARD_BENIGN_5,
        HARD_BENIGN_6,
        HARD_BENIGN_7,
        HARD_BENIGN_8,
        HARD_BENIGN_9,
        HARD_BENIGN_10,
        HARD_BENIGN_11,
        HARD_BENIGN_12,
        HARD_BENIGN_13,
        HARD_BENIGN_14,
      ] as BenignServerSet[][]
    ).map((s, k): [string, Server[]] => [`hard${k + 2}`, asServers(s)]),
  ];
}

export interface AlarmRow {
  set: string;
  server: string;
  tool: string;
  by: 'rules' | 'learned' | 'both';
  risk: string;
  findings: { rule: string; severity: string; path: string; evidence: string }[];
}

export function listAlarms(): {
  rows: AlarmRow[];
  counts: { set: string; tools: number; servers: number; rules: [number, number]; learned: [number, number]; all: [number, number] }[];
} {
  const rows: AlarmRow[] = [];
  const counts = [];
  for (const [set, servers] of benignSets()) {
    let tools = 0;
    const rs = new Set<string>(),
      ls = new Set<string>(),
      as = new Set<string>();
    let rt = 0,
      lt = 0,
      at = 0;
    for (const server of servers) {
      const withModel = scanToolList(server.tools);
      const rulesOnly = scanToolList(server.tools, { learned: false });
      tools += server.tools.length;
      withModel.forEach((s, i) => {
        const byRules = SEVERITIES.indexOf(rulesOnly[i]!.risk) >= medium;
        const learnedF = s.findings.filter((f) => f.rule.startsWith('learned/') && SEVERITIES.indexOf(f.severity) >= medium);
        const byLearned = learnedF.length > 0;
        if (!byRules && !byLearned && SEVERITIES.indexOf(s.risk) < medium) return;
        if (byRules) {
          rt++;
          rs.add(server.name);
        }
        if (byLearned) {
          lt++;
          ls.add(server.name);
        }
        at++;
        as.add(server.name);
        rows.push({
          set,
          server: server.name,
          tool: s.name,
          by: byRules && byLearned ? 'both' : byRules ? 'rules' : 'learned',
          risk: s.risk,
          findings: s.findings
            .filter((f) => SEVERITIES.indexOf(f.severity) >= medium || f.rule.startsWith('learned/'))
            .map((f) => ({ rule: f.rule, severity: f.severity, path: f.path, evidence: f.evidence.slice(0, 160) })),
        });
      });
    }
    counts.push({
      set,
      tools,
      servers: servers.length,
      rules: [rt, rs.size] as [number, number],
      learned: [lt, ls.size] as [number, number],
      all: [at, as.size] as [number, number],
    });
  }
  return { rows, counts };
}

if (import.meta.main) {
  const { rows, counts } = listAlarms();
  const pct = (h: number, n: number) => {
    const [l, u] = wilson(h, n);
    return `${h}/${n} = ${((100 * h) / Math.max(1, n)).toFixed(1)}% (${(100 * l).toFixed(1)}–${(100 * u).toFixed(1)})`;
  };
  if (!process.argv.includes('--summary'))
    for (const r of rows) {
      console.log(`[${r.set}] ${r.server} / ${r.tool}: ${r.risk} by ${r.by}`);
      for (const f of r.findings) console.log(`    ${f.severity} ${f.rule} @${f.path}: ${JSON.stringify(f.evidence)}`);
    }
  console.log(
    '\n| set | rules: tools | rules: servers | learned: tools | learned: servers | as shipped: tools | as shipped: servers |\n|---|---|---|---|---|---|---|',
  );
  for (const c of counts)
    console.log(
      `| ${c.set} | ${pct(c.rules[0], c.tools)} | ${pct(c.rules[1], c.servers)} | ${pct(c.learned[0], c.tools)} | ${pct(c.learned[1], c.servers)} | ${pct(c.all[0], c.tools)} | ${pct(c.all[1], c.servers)} |`,
    );
  const j = process.argv.indexOf('--json');
  if (j > 0) writeFileSync(process.argv[j + 1]!, JSON.stringify(rows, null, 1));
}
