/**
 * The fields the client sent. DTO instances have every declared property, set to undefined
 * when absent, while the services tell "absent" (keep it) from null (clear it).
 */
export function definedOnly<T extends object>(dto: T): T {
  return Object.fromEntries(Object.entries(dto).filter(([, value]) => value !== undefined)) as T;
}
