import { dirname, join, resolve } from 'node:path';
import type { Bundle, BundleServer, Settings } from '../shared/bundle/schema.ts';
import { AuditRecorder } from './audit/call-record.ts';
import { AuditLog } from './audit/log.ts';
import { openDisabledServers, type DisabledServersFile } from './config/disabled-servers.ts';
import { EventBus } from './events/event-bus.ts';
import { Gateway } from './mux/gateway.ts';
import { localUser } from './pinning/gate.ts';
import { PinStore } from './pinning/store.ts';
import type { Refusal } from './sandbox/egress-proxy.ts';
import type { SecretBackend } from './secrets/backend.ts';
import { CredentialVault } from './secrets/vault.ts';
import type { UpstreamChannel } from './upstream/channel.ts';
import { DeferredChannel } from './upstream/deferred-channel.ts';
import { createChannel, launchVars } from './upstream/launch.ts';
import { RotatingLog } from './upstream/stderr-log.ts';

export interface GatewayContext {
  dataDir: string;
  bundlePath: string;
  /** The process's one secret backend; the vault opens its own when there is none (standalone). */
  backend?: SecretBackend;
}

export interface BuiltGateway {
  gateway: Gateway;
  events: EventBus;
  recorder: AuditRecorder;
  vault: CredentialVault;
  liveHeaders: Map<string, Record<string, string>>;
  audit: AuditLog;
  disabled: DisabledServersFile;
}

/**
 * Builds the multiplexer with real upstream channels (processes, HTTP), the pin
 * store, and the credential vault whose values are injected at spawn time and
 * scrubbed from everything agents and logs see.
 */
export function createGateway(bundle: Bundle, ctx: GatewayContext): BuiltGateway {
  const vars = launchVars(ctx.dataDir, dirname(resolve(ctx.bundlePath)));
  const { backend } = ctx;
  const vault = backend ? new CredentialVault(ctx.dataDir, () => backend) : new CredentialVault(ctx.dataDir);
  const audit = new AuditLog(ctx.dataDir);
  const disabled = openDisabledServers(ctx.dataDir);
  /** The live header objects of HTTP upstreams, by server id, for tokens refreshed mid-session. */
  const liveHeaders = new Map<string, Record<string, string>>();
  const events = new EventBus();
  // Records carry the user and bundle version of their moment: both are the multiplexer's to know.
  const recorder = new AuditRecorder({
    sink: audit,
    redactor: () => vault.redactor,
    context: () => ({ user: gateway.user.user, bundleVersion: gateway.currentBundle.version }),
  });
  const gateway: Gateway = new Gateway({
    bundle,
    pins: new PinStore(ctx.dataDir),
    redactor: () => vault.redactor,
    events,
    recorder,
    identity: { user: localUser(), groups: [] },
    vars,
    disabledServers: disabled.ids,
    onServerRetired: (server) => retireCredentials(vault, events, server),
    makeChannel: channelMaker(ctx, { vault, recorder, liveHeaders, vars, settings: () => gateway.settings }),
  });
  return { gateway, events, recorder, vault, liveHeaders, audit, disabled };
}

/** A server the bundle retired takes its credentials with it; what happened is an event either way. */
function retireCredentials(vault: CredentialVault, events: EventBus, server: BundleServer): void {
  void vault
    .removeServer(
      server.id,
      server.credentials.map((c) => c.name),
    )
    .then(
      (deleted) => {
        if (deleted.length) events.emit({ type: 'credentials-deleted', server: server.id, slots: deleted, at: Date.now() });
      },
      (err: unknown) => events.emit({ type: 'credentials-error', server: server.id, error: (err as Error).message, at: Date.now() }),
    );
}

interface ChannelDeps {
  vault: CredentialVault;
  recorder: AuditRecorder;
  liveHeaders: Map<string, Record<string, string>>;
  vars: ReturnType<typeof launchVars>;
  settings(): Settings;
}

/** Real upstream channels: a process or HTTP client per server, its stderr in a rotating, redacted log. */
function channelMaker(ctx: GatewayContext, deps: ChannelDeps): (server: BundleServer) => UpstreamChannel {
  const logs = new Map<string, RotatingLog>();
  const { vault, recorder, liveHeaders, vars } = deps;
  return (server) => {
    let log = logs.get(server.id);
    if (!log) {
      log = new RotatingLog(join(ctx.dataDir, 'logs', `${server.id}.log`));
      log.redact = (text) => vault.redactor.redact(text);
      logs.set(server.id, log);
    }
    const serverLog = log;
    const onHeaders = (headers: Record<string, string>) => liveHeaders.set(server.id, headers);
    // The egress proxy refusing a host is a denial for the audit log (gateway/sandbox/).
    const onSandboxRefusal = (r: Refusal) =>
      recorder.record(undefined, 'denial', {
        server: server.id,
        outcome: 'denied',
        error: `network: ${r.host}:${r.port} is not on this server's allow-list`,
        detail: { sandbox: 'egress', host: r.host, port: r.port },
      });
    if (server.credentials.length === 0)
      return createChannel(server, { settings: deps.settings(), vars, env: process.env, log: serverLog, onHeaders, onSandboxRefusal });
    // Credentials are read from the keychain when the server (re)starts, never per call.
    return new DeferredChannel(async () =>
      createChannel(server, {
        settings: deps.settings(),
        vars,
        env: process.env,
        log: serverLog,
        onHeaders,
        onSandboxRefusal,
        credentials: await vault.valuesFor(server),
        // Only an OAuth slot can be refreshed: a 401 to an API-key server loads no OAuth code.
        ...(server.credentials.some((c) => c.kind === 'oauth') ? { reauthorize: () => vault.reauthorizer?.(server.id) ?? Promise.resolve(false) } : {}),
      }),
    );
  };
}
