import type { z } from 'zod';

/** What a zod failure says, one `path: message` per issue; `root` names the value itself. */
export function issueLines(error: z.ZodError, root = '(root)'): string[] {
  return error.issues.map((i) => `${i.path.map(String).join('.') || root}: ${i.message}`);
}
