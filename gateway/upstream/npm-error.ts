import { cutText } from '../../shared/text/cut.ts';

/**
 * A server started through npx that fails usually fails in npm (a registry it cannot
 * reach, a proxy's certificate, a package that does not exist); "did not answer
 * initialize" hides that. npm's own error, from the server's stderr, goes beside it.
 */
export function withNpmError(reason: string, stderrTail: readonly string[]): string {
  let line: string | undefined;
  for (let i = stderrTail.length - 1; i >= 0 && !line; i--) if (/\bnpm (?:ERR!|error) /.test(stderrTail[i]!)) line = stderrTail[i];
  if (!line) return reason;
  const what = cutText(line.replace(/^.*?\bnpm (?:ERR!|error) /, '').trim(), 200);
  return what && !reason.includes(what) ? `${reason} (npm: ${what})` : reason;
}
