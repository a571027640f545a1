import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatBundleIssues, parseBundle, type Bundle } from '../../shared/bundle/schema.ts';
export { DEMO_BUNDLE_PATH } from './install-root.ts';

export class BundleError extends Error {}

/** Reads and validates a bundle file; errors name the file, the field and the reason. */
export function loadBundleFile(path: string): Bundle {
  const full = resolve(path);
  let text: string;
  try {
    text = readFileSync(full, 'utf8');
  } catch (err) {
    throw new BundleError(`cannot read bundle ${full}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new BundleError(`bundle ${full} is not valid JSON: ${(err as Error).message}`);
  }
  const result = parseBundle(raw);
  if (!result.ok) throw new BundleError(`bundle ${full} is invalid:\n${formatBundleIssues(result.issues)}`);
  return result.bundle;
}
