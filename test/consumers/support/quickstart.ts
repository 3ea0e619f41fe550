/**
 * The README's quickstart, as edits to the files `nest new` makes: the consumer tests apply
 * them to a fresh app and count what they add, and check that the README shows each one
 * word for word, so the README and what CI proves cannot drift apart.
 */
export interface QuickstartEdit {
  /** A file of the `nest new` app. */
  file: string;
  /** An existing line of that file (trimmed), where the edit applies. */
  anchor: string;
  position: 'after' | 'before' | 'replace';
  lines: string[];
}

const POSTGRES_CONNECTION =
  "    TypeOrmModule.forRoot({ type: 'postgres', url: process.env.DATABASE_URL, autoLoadEntities: true, migrations: WEBHOOK_MIGRATIONS }),";
const WEBHOOKS_MODULE = '    WebhooksModule.forRoot({ redis: process.env.REDIS_URL, runMigrations: true }),';

/** The quickstart for PostgreSQL; Redis is used when `REDIS_URL` is set, embedded mode otherwise. */
export const QUICKSTART: readonly QuickstartEdit[] = [
  {
    file: 'src/app.module.ts',
    anchor: "import { Module } from '@nestjs/common';",
    position: 'after',
    lines: ["import { TypeOrmModule } from '@nestjs/typeorm';", "import { WEBHOOK_MIGRATIONS, WebhooksModule } from 'nestjs-webhooks';"],
  },
  {
    file: 'src/app.module.ts',
    anchor: 'imports: [],',
    position: 'replace',
    lines: ['  imports: [', POSTGRES_CONNECTION, WEBHOOKS_MODULE, '  ],'],
  },
  {
    file: 'src/app.service.ts',
    anchor: "import { Injectable } from '@nestjs/common';",
    position: 'after',
    lines: ["import { EmitsWebhook } from 'nestjs-webhooks';"],
  },
  {
    file: 'src/app.service.ts',
    anchor: 'getHello(): string {',
    position: 'before',
    lines: ["  @EmitsWebhook('hello.sent', { data: (greeting: string) => ({ greeting }) })"],
  },
  {
    file: 'src/main.ts',
    anchor: "import { NestFactory } from '@nestjs/core';",
    position: 'after',
    lines: ["import { EndpointsService } from 'nestjs-webhooks';"],
  },
  {
    file: 'src/main.ts',
    anchor: 'const app = await NestFactory.create(AppModule);',
    position: 'after',
    lines: ["  await app.get(EndpointsService).ensure({ url: process.env.WEBHOOK_URL!, eventTypes: ['*'], secret: process.env.WEBHOOK_SECRET });"],
  },
];

/** The README's variants: a line of the quickstart, and what replaces it. */
export const VARIANTS = {
  /** A receiver on this machine: plain http and loopback allowed (never in production). */
  localReceiver: {
    line: WEBHOOKS_MODULE,
    becomes: "    WebhooksModule.forRoot({ redis: process.env.REDIS_URL, runMigrations: true, outbound: { allowHttp: true, allowedNetworks: ['127.0.0.0/8', '::1/128'] } }),",
  },
  /** SQLite (better-sqlite3) instead of PostgreSQL. */
  sqlite: {
    line: POSTGRES_CONNECTION,
    becomes: "    TypeOrmModule.forRoot({ type: 'better-sqlite3', database: 'webhooks.sqlite', autoLoadEntities: true, migrations: WEBHOOK_MIGRATIONS }),",
  },
} as const;

export type Variant = keyof typeof VARIANTS;

/** The edits with the chosen variants applied. */
export function quickstartEdits(variants: readonly Variant[]): QuickstartEdit[] {
  return QUICKSTART.map((edit) => ({
    ...edit,
    lines: edit.lines.map((line) => variants.reduce<string>((current, variant) => (current === VARIANTS[variant].line ? VARIANTS[variant].becomes : current), line)),
  }));
}

/** Applies the edits to the files (path → text); throws when an anchor is missing. */
export function applyEdits(files: Map<string, string>, edits: readonly QuickstartEdit[]): Map<string, string> {
  const result = new Map(files);
  for (const edit of edits) {
    const lines = (result.get(edit.file) ?? '').split('\n');
    const at = lines.findIndex((line) => line.trim() === edit.anchor);
    if (at < 0) throw new Error(`quickstart: "${edit.anchor}" not found in ${edit.file}`);
    if (edit.position === 'after') lines.splice(at + 1, 0, ...edit.lines);
    else if (edit.position === 'before') lines.splice(at, 0, ...edit.lines);
    else lines.splice(at, 1, ...edit.lines);
    result.set(edit.file, lines.join('\n'));
  }
  return result;
}

/** Lines of `after` that `before` does not have (as a multiset): what the host added or changed. */
export function addedLines(before: Map<string, string>, after: Map<string, string>): string[] {
  const added: string[] = [];
  for (const [file, text] of after) {
    const remaining = new Map<string, number>();
    for (const line of (before.get(file) ?? '').split('\n')) remaining.set(line, (remaining.get(line) ?? 0) + 1);
    for (const line of text.split('\n')) {
      const left = remaining.get(line) ?? 0;
      if (left > 0) remaining.set(line, left - 1);
      else added.push(line);
    }
  }
  return added;
}
