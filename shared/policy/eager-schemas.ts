import { Ajv2020 } from 'ajv/dist/2020.js';
import { schemaCompiler } from './argument-schema.ts';

/** For processes that check bundles (the admin CLI, the console, tests), where ajv's memory does not matter. */
export const eagerSchemaCompiler = schemaCompiler(() => Ajv2020);
