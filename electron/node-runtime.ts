import { delimiter, join, sep } from 'node:path';

// The daemon runs under plain Node, not inside Electron: with the RunAsNode fuse off the
// app's binary cannot act as Node, and the daemon spawns `process.execPath` for stdio
// servers and writes it into IDE configs (`gatehouse connect`), where it must be a Node
// an IDE can run. So the app finds one: a Node shipped beside the app (resources/node),
// then GATEHOUSE_NODE, then `node` on PATH, whichever first reports a version we support.

/** Node versions the compiled daemon runs on (package.json engines). */
export const MIN_NODE = [22, 12] as const;

export function supportedNode(version: string): boolean {
  const m = /^v?(\d+)\.(\d+)\.\d+/.exec(version.trim());
  if (!m) return false;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  return major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
}

export interface NodeSearch {
  /** Folder holding a Node shipped with the app (`<resources>/node`), if the build put one there. */
  bundledDir?: string;
  env: Readonly<Record<string, string | undefined>>;
  platform: NodeJS.Platform;
  /** The Electron binary itself: never a candidate, it is not Node. */
  selfPath: string;
  /** Runs `<path> --version`; null when it cannot run. */
  versionOf(path: string): string | null;
}

export function nodeCandidates(s: NodeSearch): string[] {
  const exe = s.platform === 'win32' ? 'node.exe' : 'node';
  const out: string[] = [];
  if (s.bundledDir) out.push(s.platform === 'win32' ? join(s.bundledDir, exe) : join(s.bundledDir, 'bin', exe));
  const chosen = s.env.GATEHOUSE_NODE;
  if (chosen) out.push(chosen);
  for (const dir of (s.env.PATH ?? s.env.Path ?? '').split(delimiter)) {
    // Relative PATH entries would resolve against whatever folder the app was started in.
    if (dir && (dir.startsWith(sep) || /^[A-Za-z]:\\/.test(dir))) out.push(join(dir, exe));
  }
  return [...new Set(out)].filter((p) => p !== s.selfPath);
}

export type NodeChoice = { path: string; version: string } | { path: null; problem: string };

export function findNode(s: NodeSearch): NodeChoice {
  const tried: string[] = [];
  for (const path of nodeCandidates(s)) {
    const version = s.versionOf(path);
    if (version === null) continue;
    if (supportedNode(version)) return { path, version: version.trim() };
    tried.push(`${path} is ${version.trim()}`);
  }
  return {
    path: null,
    problem: `Gatehouse needs Node.js ${MIN_NODE.join('.')} or later to run its gateway${tried.length ? ` (${tried.join('; ')})` : ''}. Install it, or set GATEHOUSE_NODE to its path.`,
  };
}

/** A path inside app.asar as an outside process must see it: the unpacked copy beside the archive. */
export function outsidePath(path: string): string {
  return path.replace(`${sep}app.asar${sep}`, `${sep}app.asar.unpacked${sep}`);
}
