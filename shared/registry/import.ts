import { issueLines } from '../text/zod-issues.ts';
import { z } from 'zod';
import { SERVER_ID, type CredentialSlot } from '../bundle/schema.ts';

// The official MCP registry's server.json, turned into a bundle server entry:
// a package becomes a stdio transport (npm through our npm launcher, PyPI
// through uvx, OCI through docker), a remote becomes an HTTP or SSE transport.
// Secret inputs become credential slots (names and kinds only), never values.

const Input = z.object({
  name: z.string().optional(),
  description: z.string().optional(),
  value: z.string().optional(),
  default: z.string().optional(),
  isSecret: z.boolean().optional(),
  isRequired: z.boolean().optional(),
});

const Argument = z.union([
  z.object({ type: z.literal('positional'), value: z.string().optional(), valueHint: z.string().optional(), default: z.string().optional() }),
  z.object({ type: z.literal('named'), name: z.string(), value: z.string().optional(), default: z.string().optional() }),
]);

const Package = z.object({
  registryType: z.string(),
  identifier: z.string(),
  version: z.string().optional(),
  transport: z.object({ type: z.string() }).optional(),
  runtimeArguments: z.array(Argument).default([]),
  packageArguments: z.array(Argument).default([]),
  environmentVariables: z.array(Input.extend({ name: z.string() })).default([]),
});

const Remote = z.object({
  type: z.string(),
  url: z.string(),
  headers: z.array(Input.extend({ name: z.string() })).default([]),
});

export const ServerJsonSchema = z.object({
  name: z.string().regex(/^[^/]+\/[^/]+$/, 'server.json names look like io.github.owner/server'),
  title: z.string().optional(),
  description: z.string().optional(),
  version: z.string().optional(),
  packages: z.array(Package).default([]),
  remotes: z.array(Remote).default([]),
});

export interface ImportChoice {
  id?: string;
  package?: number;
  remote?: number;
  registry?: string;
}

export interface Imported {
  server: Record<string, unknown>;
  notes: string[];
}

const slotName = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '_')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 48) || 'secret';

export function defaultServerId(name: string): string {
  const id = name
    .split('/')
    .pop()!
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .replace(/^(mcp-server-|server-)/, '')
    .slice(0, 32)
    .replace(/-+$/, '');
  return SERVER_ID.test(id) ? id : 'server';
}

function args(list: z.infer<typeof Argument>[], notes: string[]): string[] {
  const out: string[] = [];
  for (const a of list) {
    const value = a.value ?? a.default;
    if (a.type === 'named') {
      out.push(a.name);
      if (value !== undefined) out.push(value);
      continue;
    }
    if (value === undefined) {
      notes.push(`positional argument ${a.valueHint ? `"${a.valueHint}" ` : ''}has no value: add it to the transport's args by hand`);
      continue;
    }
    out.push(value);
  }
  return out;
}

/** Accepts a server.json, or the registry API's `{ server: … }` wrapper. */
export function importServerJson(input: unknown, choice: ImportChoice = {}): Imported {
  const raw = input && typeof input === 'object' && 'server' in input ? (input as { server: unknown }).server : input;
  const parsed = ServerJsonSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`not a server.json: ${issueLines(parsed.error).join('; ')}`);
  const s = parsed.data;
  const notes: string[] = [];
  const credentials: Partial<CredentialSlot>[] = [];
  let transport: Record<string, unknown>;
  const useRemote = choice.remote !== undefined || (choice.package === undefined && s.packages.length === 0);
  if (!useRemote) {
    const p = s.packages[choice.package ?? 0];
    if (!p) throw new Error(`server.json has no package #${choice.package ?? 0} (it has ${s.packages.length})`);
    if (p.transport && p.transport.type !== 'stdio')
      throw new Error(`package transport "${p.transport.type}" is not supported for local packages; use one of its remotes (--remote N)`);
    const env: Record<string, string> = {};
    for (const v of p.environmentVariables) {
      if (v.isSecret || (v.value === undefined && v.default === undefined)) {
        credentials.push({
          name: slotName(v.name),
          kind: 'env',
          env: v.name,
          required: v.isRequired ?? false,
          ...(v.description ? { description: v.description } : {}),
        });
      } else env[v.name] = (v.value ?? v.default)!;
    }
    const runtime = args(p.runtimeArguments, notes);
    const pkgArgs = args(p.packageArguments, notes);
    if (p.registryType === 'npm') {
      if (runtime.length) notes.push(`runtime arguments ${runtime.join(' ')} are not passed (npm packages run under Gatehouse's Node)`);
      transport = { type: 'npm', package: p.identifier, ...(p.version ? { version: p.version } : {}), args: pkgArgs, env };
    } else if (p.registryType === 'pypi') {
      transport = { type: 'stdio', command: 'uvx', args: [...runtime, p.version ? `${p.identifier}==${p.version}` : p.identifier, ...pkgArgs], env };
    } else if (p.registryType === 'oci') {
      transport = {
        type: 'stdio',
        command: 'docker',
        args: [
          'run',
          '-i',
          '--rm',
          ...Object.keys(env).flatMap((k) => ['-e', k]),
          ...credentials.flatMap((c) => ['-e', c.env!]),
          ...runtime,
          p.version && !p.identifier.includes(':') ? `${p.identifier}:${p.version}` : p.identifier,
          ...pkgArgs,
        ],
        env,
      };
    } else {
      throw new Error(`packages from "${p.registryType}" are not supported yet (npm, pypi and oci are); use a remote, or add the server by hand`);
    }
  } else {
    const r = s.remotes[choice.remote ?? 0];
    if (!r) throw new Error(`server.json has no remote #${choice.remote ?? 0} (it has ${s.remotes.length})`);
    if (r.type !== 'streamable-http' && r.type !== 'sse') throw new Error(`remote type "${r.type}" is not supported (streamable-http and sse are)`);
    const headers: Record<string, string> = {};
    for (const h of r.headers) {
      if (h.isSecret || (h.value === undefined && h.default === undefined)) {
        credentials.push({
          name: slotName(h.name),
          kind: 'header',
          header: h.name,
          required: h.isRequired ?? false,
          ...(h.description ? { description: h.description } : {}),
        });
      } else headers[h.name] = (h.value ?? h.default)!;
    }
    if (/\{[^}]+\}/.test(r.url)) notes.push(`the URL ${r.url} has template variables: fill them in by hand`);
    transport = r.type === 'sse' ? { type: 'sse', url: r.url, headers } : { type: 'http', url: r.url, headers };
  }
  return {
    notes,
    server: {
      id: choice.id ?? defaultServerId(s.name),
      name: s.title ?? s.name,
      ...(s.description ? { description: s.description } : {}),
      transport,
      source: { registry: choice.registry ?? 'registry.modelcontextprotocol.io', name: s.name, ...(s.version ? { version: s.version } : {}) },
      status: 'approved',
      credentials,
      pins: {},
    },
  };
}
