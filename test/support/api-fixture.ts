import { Injectable, UnauthorizedException, ValidationPipe, type CanActivate, type ExecutionContext, type INestApplication, type Provider, type Type } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { WEBHOOK_ENTITIES, WEBHOOK_MIGRATIONS, WebhooksModule, type WebhooksModuleOptions } from 'nestjs-webhooks';
import { WebhooksApiModule } from 'nestjs-webhooks/api';
import { testWebhookOptions, type FixtureOptions } from './fixture-app';

/** API keys of the fixture: each maps to a tenant; `key-without-tenant` passes the guard but has none. */
export const API_KEYS: Record<string, string | null> = {
  'key-tenant-a': 'tenant-a',
  'key-tenant-b': 'tenant-b',
  'key-without-tenant': null,
};

interface ApiKeyRequest {
  headers: Record<string, string | string[] | undefined>;
  tenantId?: string | null;
}

/** A host's API-key guard: unknown or missing keys are refused, known keys name a tenant. */
@Injectable()
export class TestApiKeyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<ApiKeyRequest>();
    const key = request.headers['x-api-key'];
    if (typeof key !== 'string' || !(key in API_KEYS)) throw new UnauthorizedException('missing or unknown API key');
    request.tenantId = API_KEYS[key];
    return true;
  }
}

export interface ApiFixtureOptions {
  database: FixtureOptions['database'];
  withoutRedis?: boolean;
  webhooks?: WebhooksModuleOptions;
  /** Providers of the API module replaced by test doubles. */
  overrides?: Array<{ provide: Type<unknown>; useClass: Type<unknown> }>;
  providers?: Provider[];
  /** Also run a global ValidationPipe of the host's own (as the demo does) before the API's. */
  hostValidationPipe?: boolean;
}

/**
 * A host app with the management API mounted under /webhooks, guarded by `TestApiKeyGuard`,
 * listening on a free loopback port.
 */
export async function startApiApp(options: ApiFixtureOptions): Promise<INestApplication> {
  let builder = Test.createTestingModule({
    imports: [
      TypeOrmModule.forRoot({ ...options.database, entities: WEBHOOK_ENTITIES, migrations: WEBHOOK_MIGRATIONS, migrationsRun: true, logging: false }),
      EventEmitterModule.forRoot({ wildcard: false }),
      WebhooksModule.forRoot(testWebhookOptions(options.webhooks, options.withoutRedis)),
      WebhooksApiModule.forRoot({ guards: [TestApiKeyGuard], resolveTenant: (request: ApiKeyRequest) => request.tenantId }),
    ],
    providers: options.providers ?? [],
  });
  for (const override of options.overrides ?? []) builder = builder.overrideProvider(override.provide).useClass(override.useClass);
  const app = (await builder.compile()).createNestApplication({ logger: ['error', 'warn'] });
  if (options.hostValidationPipe) app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true }));
  app.enableShutdownHooks();
  await app.listen(0, '127.0.0.1');
  // A client reusing a connection the server is closing as idle at that moment gets ECONNRESET;
  // the tests' pauses between requests can reach Node's 5 s default, so keep them open longer.
  (app.getHttpServer() as { keepAliveTimeout: number }).keepAliveTimeout = 60_000;
  return app;
}

export interface ApiAnswer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** Calls the management API of `app` as the holder of an API key (none: no header). */
export class ApiClient {
  private constructor(
    private readonly baseUrl: string,
    private readonly apiKey: string | undefined,
  ) {}

  static async of(app: INestApplication, apiKey?: string): Promise<ApiClient> {
    return new ApiClient(`${(await app.getUrl()).replace('[::1]', '127.0.0.1')}/webhooks`, apiKey);
  }

  as(apiKey: string | undefined): ApiClient {
    return new ApiClient(this.baseUrl, apiKey);
  }

  get<T = any>(path: string): Promise<ApiAnswer<T>> {
    return this.request('GET', path);
  }

  post<T = any>(path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiAnswer<T>> {
    return this.request('POST', path, body, headers);
  }

  patch<T = any>(path: string, body?: unknown): Promise<ApiAnswer<T>> {
    return this.request('PATCH', path, body);
  }

  delete<T = any>(path: string): Promise<ApiAnswer<T>> {
    return this.request('DELETE', path);
  }

  /** The raw fetch response, for streamed answers (`init.signal` to walk away from one). */
  raw(path: string, init: Pick<RequestInit, 'signal'> = {}): Promise<Response> {
    return fetch(`${this.baseUrl}${path}`, { ...init, headers: this.headers() });
  }

  async request<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiAnswer<T>> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { ...this.headers(), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  private headers(): Record<string, string> {
    return this.apiKey === undefined ? {} : { 'x-api-key': this.apiKey };
  }
}
