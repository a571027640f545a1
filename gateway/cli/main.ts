import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { DEMO_BUNDLE_PATH } from '../config/install-root.ts';
import { defaultDataDir } from '../config/data-dir.ts';
import { OPTIONS, UsageError } from './command-kit.ts';
import { COMMANDS } from './command-table.ts';
import { suggestion } from './did-you-mean.ts';
import { selfCommand, withSelf } from './self-command.ts';

const USAGE = `gatehouse — a governed MCP multiplexer for your IDE agents

Usage:
  gatehouse daemon [--data-dir DIR] [--port N] [--bundle FILE] [--print-token]
  gatehouse stdio [--agent NAME] [--data-dir DIR] [--no-start]
  gatehouse stdio --standalone [--bundle FILE] [--agent NAME] [--data-dir DIR]
  gatehouse status [--data-dir DIR] [--json]
  gatehouse dashboard [--no-browser] [--data-dir DIR]   open the dashboard, signed in (a one-time link)
  gatehouse token create|revoke --agent NAME [--data-dir DIR]
  gatehouse token list [--data-dir DIR]
  gatehouse token requests | allow ID [--agent NAME] | deny ID   answer an IDE that connects with OAuth
  gatehouse reload [--data-dir DIR]
  gatehouse server enable|disable|restart ID [--data-dir DIR]   switch a server off or on here, or restart it
  gatehouse pending [--json] [--data-dir DIR]
  gatehouse approve ID [--reason TEXT] [--data-dir DIR]
  gatehouse reject ID [--reason TEXT] [--data-dir DIR]
  gatehouse reopen ID [--reason TEXT] [--data-dir DIR]   undo a rejection: the change is pending again
  gatehouse enroll URL --token TOKEN [--fingerprint FP | --trust-on-first-use] [--data-dir DIR]
  gatehouse unenroll [--data-dir DIR]        leave the org (the daemon must be stopped); the org sees the device revoked
  gatehouse login [--no-browser]             sign in to your org (OIDC), for group-based policies
  gatehouse login SERVER [--no-browser]      sign in to an OAuth-protected server
  gatehouse sync [--data-dir DIR]            fetch the org's bundle now
  gatehouse connect claude-desktop|claude-code|cursor|vscode|windsurf [--dry-run] [--undo] [--config FILE]
  gatehouse scan FILE|-
  gatehouse audit verify [--data-dir DIR]
  gatehouse audit export [--since ISO-TIME] [--format jsonl] [--data-dir DIR]
  gatehouse secrets list | set SERVER/SLOT | rotate SERVER/SLOT | delete SERVER/SLOT   (values on stdin)
  gatehouse pin [--bundle FILE] [--server ID]... [--write [--force]]

Without --bundle, the embedded demo bundle (resources/demo-bundle.json) is used.
The data dir defaults to the OS app-data folder + /gatehouse ($GATEHOUSE_DATA_DIR overrides).
The port defaults to 7465 ($GATEHOUSE_PORT overrides; 0 picks a free one).
`;

async function main(argv: string[]): Promise<number> {
  // Flags may come before the command (`gatehouse --data-dir D status`), and a wrapper
  // that passes its own `--` on (`npm start -- status`) still names a command.
  const { values, positionals: words } = parseCommandLine(argv[0] === '--' ? argv.slice(1) : argv, OPTIONS);
  const [command, ...positionals] = words;
  if (!command || command === 'help' || command === '--help' || command === '-h' || values.help) {
    process.stdout.write(USAGE.replace(/^( {2})gatehouse /gm, `$1${selfCommand()} `));
    return 0;
  }
  const run = COMMANDS.get(command);
  if (!run) throw new UsageError(`unknown command "${command}"${suggestion(command, [...COMMANDS.keys(), 'help'])}`);
  return run({ command, dataDir: values['data-dir'] ?? defaultDataDir(), bundlePath: values.bundle ?? DEMO_BUNDLE_PATH, values, positionals });
}

/** Exits once everything written to stdout and stderr has left: pipes are asynchronous, and an export can be large. */
function exitAfterFlush(code: number): void {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

main(process.argv.slice(2)).then(exitAfterFlush, (err: unknown) => {
  const message = withSelf(err instanceof Error ? err.message : String(err));
  process.stderr.write(`gatehouse: ${message}\n`);
  if (err instanceof UsageError) process.stderr.write(`(\`${selfCommand()} help\` lists the commands and their flags)\n`);
  exitAfterFlush(2);
});

/** Options, with a mistyped or incomplete flag told in our words rather than Node's parser's. */
function parseCommandLine<O extends ParseArgsOptionsConfig>(args: string[], options: O) {
  try {
    return parseArgs({ args, allowPositionals: true, options });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const flag = /'(-{1,2}[^' ]+)/.exec((err as Error).message)?.[1] ?? '';
    const names = Object.keys(options);
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError(`unknown flag ${flag}${suggestion(flag.replace(/^-+/, ''), names, (n) => `--${n}`)}`);
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const name = flag.replace(/^-+/, '');
      throw new UsageError(options[name]?.type === 'boolean' ? `${flag} takes no value` : `${flag} needs a value`);
    }
    throw err;
  }
}
