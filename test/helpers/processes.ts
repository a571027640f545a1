// Running the project's Node entry points from tests: one to completion with
// its output, and waiting for a line a long-running one prints.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/** Runs `node cmd args…` to its end. */
export function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [cmd, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    p.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    p.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** The first line of either output stream that matches; rejects, with what it printed, if the process exits first. */
export function lineOf(proc: ChildProcess, match: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const readers = [proc.stdout!, proc.stderr!].map((input) => createInterface({ input }));
    const onExit = (code: number | null) => reject(new Error(`exited with ${code}: ${seen.slice(-2000)}`));
    proc.once('exit', onExit);
    for (const rl of readers) {
      rl.on('line', (l) => {
        seen += `${l}\n`;
        if (!match.test(l)) return;
        proc.off('exit', onExit);
        for (const r of readers) r.close();
        resolve(l);
      });
    }
  });
}
