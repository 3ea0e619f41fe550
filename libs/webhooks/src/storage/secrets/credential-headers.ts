/**
 * Custom header names whose values are credentials: `authorization`, `proxy-authorization`,
 * `cookie`, `*-token`, `*-key`, `*-secret`, `x-api-key`, passwords… Broad on purpose: hiding
 * a harmless value costs little, showing a credential costs a lot.
 */
const CREDENTIAL_HEADER = /auth|token|secret|key|cookie|password/i;

/** What every answer and attempt record shows instead of a credential header's value. */
export const REDACTED_HEADER_VALUE = '[redacted]';

export function isCredentialHeader(name: string): boolean {
  return CREDENTIAL_HEADER.test(name);
}

/** The headers with the value of each credential header replaced, names and order kept. */
export function redactCredentialHeaders(headers: Record<string, string>): Record<string, string> {
  return mapCredentialValues(headers, () => REDACTED_HEADER_VALUE);
}

/** The headers with `convert` applied to the value of each credential header (sealing, opening). */
export function mapCredentialValues(headers: Record<string, string>, convert: (value: string) => string): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, isCredentialHeader(name) && typeof value === 'string' ? convert(value) : value]));
}

/**
 * The headers of an update, where a credential header sent back as `REDACTED_HEADER_VALUE`
 * (a client that read the endpoint and writes it back whole) keeps its stored value.
 */
export function restoreRedactedValues(next: Record<string, string>, stored: Record<string, string> | null): Record<string, string> {
  const storedByName = new Map(Object.entries(stored ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
  return Object.fromEntries(
    Object.entries(next).map(([name, value]) => {
      const kept = value === REDACTED_HEADER_VALUE && isCredentialHeader(name) ? storedByName.get(name.toLowerCase()) : undefined;
      return [name, kept ?? value];
    }),
  );
}
