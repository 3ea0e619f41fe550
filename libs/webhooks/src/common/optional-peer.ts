/**
 * Optional peer dependencies: packages only some hosts need (Bull for `redis`, prom-client for
 * `metrics`, ...). The library never imports them at the top of a module that every host
 * loads; it loads them here when a feature that needs them is used, and says what to install
 * when one is missing.
 */

/** A feature was used whose package the host has not installed. */
export class MissingPeerDependencyError extends Error {
  override readonly name = 'MissingPeerDependencyError';

  constructor(
    readonly packages: readonly string[],
    feature: string,
  ) {
    super(`nestjs-webhooks: ${feature} needs ${packages.join(', ')}. Install ${packages.length > 1 ? 'them' : 'it'}: npm install ${packages.join(' ')}`);
  }
}

/** Loads an optional peer that `feature` needs, or throws `MissingPeerDependencyError`. */
export async function loadOptionalPeer<T>(name: string, feature: string): Promise<T> {
  const loaded = await loadPeerIfInstalled<T>(name);
  if (loaded === undefined) throw new MissingPeerDependencyError([name], feature);
  return loaded;
}

/** Loads an optional peer when the host has it; undefined when it is not installed. */
export async function loadPeerIfInstalled<T>(name: string): Promise<T | undefined> {
  try {
    return await loadPackage<T>(name);
  } catch (error) {
    if (isNotFound(error, name)) return undefined;
    throw error;
  }
}

/**
 * Throws `MissingPeerDependencyError` naming every package of `names` that is not installed.
 * Synchronous, for an entry point to check before its own imports load them.
 */
export function assertPeersInstalled(names: readonly string[], feature: string): void {
  if (typeof require !== 'function') return; // sources run as ES modules (this repository's tests), where every peer is installed
  const missing = names.filter((name) => {
    try {
      require.resolve(name);
      return false;
    } catch (error) {
      if (isNotFound(error, name)) return true;
      throw error;
    }
  });
  if (missing.length > 0) throw new MissingPeerDependencyError(missing, feature);
}

// NOTE: the published build is CommonJS, where `require` is there and loads a peer
// synchronously in every runtime, a host's Jest without VM modules included (it cannot run
// `import()`). This repository's tests run the sources as ES modules, where only `import()`
// exists. Either way the host's own copy of the package is loaded, so the host and the library
// share one instance of it.
async function loadPackage<T>(name: string): Promise<T> {
  if (typeof require === 'function') return require(name) as T;
  const module = (await import(name)) as { default?: T };
  // A CommonJS package's exports arrive as `default`; an ES module package has no default here.
  return module.default ?? (module as T);
}

function isNotFound(error: unknown, name: string): boolean {
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  // Only the package itself: one of its own dependencies missing is a real error to surface.
  return (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') && typeof message === 'string' && (message.includes(`'${name}'`) || message.includes(`"${name}"`));
}
