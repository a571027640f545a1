import { createHash } from 'node:crypto';
import type { Digest } from '../../shared/hashing/sha256.ts';

/** node:crypto's SHA-256 as lower-case hex: the Digest the gateway passes to shared/ code. */
export const nodeSha256Hex: Digest = (text) => createHash('sha256').update(text).digest('hex');
