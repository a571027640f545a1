import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

/** SHA-256 as lower-case hex. The pure-JS default runs anywhere; Node callers pass node:crypto's, ~6× faster. */
export type Digest = (text: string) => string;

export const sha256Hex: Digest = (text) => bytesToHex(sha256(utf8ToBytes(text)));
