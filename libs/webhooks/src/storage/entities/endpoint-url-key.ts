import { createHash } from 'node:crypto';

/**
 * What makes a live endpoint unique: its tenant and URL, hashed to fit an index on every
 * database (a 2,048-character URL does not, on MySQL). Deleted endpoints keep no key.
 */
export function endpointUrlKey(tenantId: string | null, url: string): string {
  return createHash('sha256').update(JSON.stringify([tenantId, url])).digest('hex');
}
