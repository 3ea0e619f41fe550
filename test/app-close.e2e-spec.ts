import { describe, expect, it } from '@jest/globals';
import type { Socket } from 'node:net';
import { postgresWithBull } from './support/backends';
import { startApiApp } from './support/api-fixture';
import { TEST_REDIS_URL } from './support/services';
import { waitFor } from './support/wait-for';

// A host may close its app more than once (shutdown hooks, then its tests' own close): the
// second close must not open a connection to Redis that nothing closes, which keeps the
// process alive after its work is done.

const REDIS_PORT = Number(new URL(TEST_REDIS_URL).port || 6379);

/** The sockets of this process that are connected to Redis. */
function redisSockets(): Set<Socket> {
  const handles = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles();
  return new Set(handles.filter((handle): handle is Socket => (handle as Socket)?.remotePort === REDIS_PORT && !(handle as Socket).destroyed));
}

describe('closing the app', () => {
  it('twice leaves no Redis connection open', async () => {
    const backend = await postgresWithBull.create();
    const before = redisSockets();
    try {
      const app = await startApiApp({ database: backend.database });
      expect([...redisSockets()].some((socket) => !before.has(socket))).toBe(true);

      await app.close();
      await app.close();

      const opened = () => [...redisSockets()].filter((socket) => !before.has(socket));
      await waitFor(() => opened().length === 0, { what: 'every Redis connection of the app closed', timeoutMs: 10_000 });
    } finally {
      await backend.drop();
    }
  });
});
