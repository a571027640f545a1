import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

// Which process listens on a loopback port, for the EADDRINUSE message. Linux only
// (/proc); elsewhere, and for another user's process, the answer is "unknown".

export interface PortHolder {
  pid: number;
  command: string;
}

/** Socket inodes listening on the port, from /proc/net/tcp{,6} (state 0A = LISTEN). */
function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length > 9 && cols[1]!.endsWith(`:${hex}`) && cols[3] === '0A') inodes.add(cols[9]!);
    }
  }
  return inodes;
}

export function portHolder(port: number): PortHolder | undefined {
  if (process.platform !== 'linux') return undefined;
  const inodes = listeningInodes(port);
  if (!inodes.size) return undefined;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode && inodes.has(inode)) {
        let command = '';
        try {
          command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
        } catch {
          /* gone meanwhile */
        }
        // A command line can be anything: keep it to one short line.
        return { pid: Number(pid), command: [...command.replace(/[\u0000-\u001f\u007f]/g, ' ')].slice(0, 120).join('') };
      }
    }
  }
  return undefined;
}
