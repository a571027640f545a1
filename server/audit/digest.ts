import { createHash } from 'node:crypto';
import type { Digest } from '../../shared/hashing/sha256.ts';

/** node:crypto's SHA-256 as lower-case hex: the endpoint's Digest for shared/ code (the pure-JS default is several times slower). */
export const sha256Hex: Digest = (text) => createHash('sha256').update(text).digest('hex');
