// Moved to shared/ so the admin console (server/) applies the same defence.
export { isAllowedHost, isAllowedOrigin, isLoopbackAddress } from '../../shared/net/loopback-guard.ts';
