import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { ApiClient, startApiApp } from './support/api-fixture';
import { sqliteEmbedded, type TestBackend } from './support/backends';

// What the management API does with bodies that are too deep or too large: a 4xx naming the
// problem, never a 500. The host runs a global ValidationPipe of its own, as many do: it runs
// before the API's pipes, so a depth bound placed in a pipe would come too late.

/** `{"a":{"a":…1…}}`, `levels` objects deep. */
const nested = (levels: number) => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);

describe('management API: request bodies', () => {
  let backend: TestBackend;
  let app: INestApplication;
  let api: ApiClient;

  beforeAll(async () => {
    backend = await sqliteEmbedded.create();
    app = await startApiApp({ database: backend.database, withoutRedis: true, hostValidationPipe: true, webhooks: { worker: false } });
    api = await ApiClient.of(app, 'key-tenant-a');
  });

  afterAll(async () => {
    await app?.close();
    await backend?.drop();
  });

  describe('nesting depth', () => {
    it.each([
      ['POST /endpoints (metadata)', '/endpoints', (deep: string) => `{"url":"http://127.0.0.1:9/deep","eventTypes":["invoice.paid"],"metadata":${deep}}`],
      ['POST /events (data)', '/events', (deep: string) => `{"type":"invoice.paid","data":${deep}}`],
      ['POST /endpoints/:id/recover', '/endpoints/00000000-0000-4000-8000-000000000000/recover', (deep: string) => `{"since":${deep}}`],
    ])('%s answers 400 naming the depth to a body 2,400 levels deep (14 KB)', async (_route, path, body) => {
      const answer = await api.post(path, body(nested(2_400)));
      expect(answer.status).toBe(400);
      expect(answer.body.message).toBe('the JSON body nests deeper than 64 levels');
    });

    it('answers 400 to an array nested as deep', async () => {
      const answer = await api.post('/events', `{"type":"invoice.paid","data":${'['.repeat(2_400)}${']'.repeat(2_400)}}`);
      expect(answer.status).toBe(400);
      expect(answer.body.message).toBe('the JSON body nests deeper than 64 levels');
    });

    it('accepts a body 64 levels deep', async () => {
      const answer = await api.post('/events', `{"type":"invoice.paid","data":${nested(63)}}`);
      expect(answer.status).toBe(202);
    });

    it('asks for the API key before looking at the body', async () => {
      expect((await api.as(undefined).post('/events', `{"data":${nested(2_400)}}`)).status).toBe(401);
    });
  });

  describe('size', () => {
    it("answers 413 to a body over the host's body-parser limit (100 KB by default)", async () => {
      const answer = await api.post('/events', JSON.stringify({ type: 'invoice.paid', data: { blob: 'x'.repeat(200 * 1024) } }));
      expect(answer.status).toBe(413);
    });

    it('answers 400 to a body that is not JSON', async () => {
      expect((await api.post('/events', '{"type": "invoice.paid", "data": ')).status).toBe(400);
    });
  });
});
