import type { Ajv2020 } from 'ajv/dist/2020.js';

/** Checks a call's arguments against one rule's schema: undefined when they pass, else where and why they fail. */
export type SchemaCheck = (value: unknown) => string | undefined;
/** Compiles a rule's argument schema (JSON Schema 2020-12); throws when it does not compile. */
export type SchemaCompiler = (schema: Record<string, unknown>) => SchemaCheck;

/**
 * A compiler over ajv, which the caller hands over when first needed: loading ajv costs
 * a process about 13 MB, and most bundles have no argument schema, so the daemon loads
 * it only for one that does (gateway/mux/admission.ts). Hence a loader, not an import.
 */
export function schemaCompiler(load: () => typeof Ajv2020): SchemaCompiler {
  let ajv: Ajv2020 | undefined;
  return (schema) => {
    ajv ??= new (load())({ strict: false, allErrors: false, coerceTypes: false, useDefaults: false, removeAdditional: false, validateFormats: false });
    const validate = ajv.compile(schema);
    return (value) => {
      if (validate(value)) return undefined;
      const e = validate.errors?.[0];
      return e ? `${e.instancePath || '(arguments)'} ${e.message ?? 'is invalid'}` : 'invalid';
    };
  };
}
