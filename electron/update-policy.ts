import { z } from 'zod';

// How the app keeps itself patched (electron-updater does the downloading and the
// signature checks): which channel to follow, how often to look, and whether the org's
// bundle says this version is too old to keep running ungoverned by a fix.

export const UpdateChannelSchema = z.enum(['stable', 'beta']);
export type UpdateChannel = z.output<typeof UpdateChannelSchema>;

const SEMVER = /^v?(\d{1,9})\.(\d{1,9})\.(\d{1,9})(?:-([0-9A-Za-z.-]{1,64}))?(?:\+[0-9A-Za-z.-]{1,64})?$/;

/** Semantic-version order (prereleases before their release); null when either is not a version. */
export function compareVersions(a: string, b: string): number | null {
  const x = SEMVER.exec(a.trim());
  const y = SEMVER.exec(b.trim());
  if (!x || !y) return null;
  for (let i = 1; i <= 3; i++) {
    const d = Number(x[i]) - Number(y[i]);
    if (d !== 0) return Math.sign(d);
  }
  const [pa, pb] = [x[4], y[4]];
  if (pa === undefined || pb === undefined) return pa === pb ? 0 : pa === undefined ? 1 : -1;
  const sa = pa.split('.');
  const sb = pb.split('.');
  for (let i = 0; i < Math.max(sa.length, sb.length); i++) {
    const [ia, ib] = [sa[i], sb[i]];
    if (ia === undefined) return -1;
    if (ib === undefined) return 1;
    const [na, nb] = [/^\d+$/.test(ia), /^\d+$/.test(ib)];
    if (na && nb) {
      const d = Number(ia) - Number(ib);
      if (d !== 0) return Math.sign(d);
      continue;
    }
    if (na !== nb) return na ? -1 : 1;
    if (ia !== ib) return ia < ib ? -1 : 1;
  }
  return 0;
}

export interface UpdatePlan {
  /** electron-updater's channel name. */
  channel: 'latest' | 'beta';
  allowPrerelease: boolean;
  /** Never: an older build may lack a fix the newer one has. */
  allowDowngrade: false;
  /** The org requires a newer version than this one. */
  required: boolean;
  checkEveryMs: number;
  /** What the tray says, when there is something to say. */
  notice: string | null;
}

export function updatePlan(opts: { current: string; channel: UpdateChannel; orgMinimum: string | null | undefined }): UpdatePlan {
  const cmp = opts.orgMinimum ? compareVersions(opts.current, opts.orgMinimum) : 1;
  // A minimum we cannot read is treated as not met: the org meant to require something.
  const required = cmp === null || cmp < 0;
  const beta = opts.channel === 'beta';
  return {
    channel: beta ? 'beta' : 'latest',
    allowPrerelease: beta,
    allowDowngrade: false,
    required,
    checkEveryMs: required ? 15 * 60_000 : 6 * 3_600_000,
    notice: required ? `Your organisation requires Gatehouse ${opts.orgMinimum} or later (this is ${opts.current}): update now` : null,
  };
}

/** The app's own settings (userData/desktop.json), read defensively: a bad file means defaults. */
export const DesktopPrefsSchema = z.object({ updateChannel: UpdateChannelSchema.default('stable') });
export type DesktopPrefs = z.output<typeof DesktopPrefsSchema>;

export function readPrefs(text: string | null): DesktopPrefs {
  if (text === null) return DesktopPrefsSchema.parse({});
  try {
    const parsed = DesktopPrefsSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : DesktopPrefsSchema.parse({});
  } catch {
    return DesktopPrefsSchema.parse({});
  }
}
