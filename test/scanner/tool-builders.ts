// Builders for hand-written tool definitions in the scanner's test sets.

export type Tool = Record<string, unknown>;

/** A tool with an object input schema. */
export const t = (name: string, description: string, properties: Record<string, unknown> = {}, required: string[] = []): Tool => ({
  name,
  description,
  inputSchema: { type: 'object', properties, required },
});

/** A string parameter, with a description when given. */
export const s = (description?: string) => (description ? { type: 'string', description } : { type: 'string' });
