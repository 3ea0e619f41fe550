import { Injectable } from '@nestjs/common';
import { InjectWebhooksDataSource } from '../data-source.provider';
import { DataSource } from 'typeorm';
import { WebhookEndpoint, type PreviousSecret } from '../entities/endpoint.entity';
import { installedSecretCipher } from './endpoint-secret.transformer';
import { isCredentialHeader, mapCredentialValues } from './credential-headers';

export interface ReencryptionReport {
  /** Endpoints looked at, soft-deleted ones included. */
  examined: number;
  /** Endpoints whose secrets were written again under the current key. */
  reencrypted: number;
  /** Endpoints whose secret or headers changed meanwhile (such a change writes under the current key anyway). */
  skipped: number;
}

interface RawSecrets {
  id: string;
  secret: string;
  previousSecrets: string | PreviousSecret[] | null;
  /** The column as the database stores it, as text: compared again when the row is written. */
  headers: string | null;
}

/**
 * Completes a key rotation: writes every endpoint secret (and previous secret, and credential
 * header value) that is not sealed with the current key again under it, in batches, so the
 * old key can then be removed from `secretEncryption.keys`. Safe while the application runs:
 * a row whose secret or headers changed since it was read is left alone.
 *
 * @publicApi
 */
@Injectable()
export class EndpointSecretsReencryptor {
  constructor(@InjectWebhooksDataSource() private readonly dataSource: DataSource) {}

  async reencryptAll(batchSize = 100): Promise<ReencryptionReport> {
    const cipher = installedSecretCipher();
    if (!cipher) throw new Error('EndpointSecretsReencryptor: no WebhooksModule is running');
    const report: ReencryptionReport = { examined: 0, reencrypted: 0, skipped: 0 };
    let after: string | null = null;
    for (;;) {
      const rows = await this.batch(after, batchSize);
      if (rows.length === 0) return report;
      after = rows[rows.length - 1].id;
      for (const row of rows) {
        report.examined += 1;
        const previous = parseJson<PreviousSecret[]>(row.previousSecrets) ?? [];
        const headers = row.headers === null ? null : (JSON.parse(row.headers) as Record<string, string>);
        const sealed = [row.secret, ...previous.map((entry) => entry.secret), ...Object.values(credentialValues(headers))];
        if (sealed.every((value) => cipher.isCurrent(value))) continue;
        // The column transformers seal what is set here with the current key.
        const result = await this.dataSource
          .createQueryBuilder()
          .update(WebhookEndpoint)
          .set({
            secret: cipher.open(row.secret),
            previousSecrets: previous.map((entry) => ({ ...entry, secret: cipher.open(entry.secret) })),
            headers: headers && mapCredentialValues(headers, (value) => cipher.open(value)),
          })
          .where('id = :id AND secret = :stored', { id: row.id, stored: row.secret })
          // Nor are its headers, should they have changed since they were read.
          .andWhere(row.headers === null ? 'headers IS NULL' : `${this.headersAsText('headers')} = :headers`, { headers: row.headers })
          .execute();
        if (result.affected === 0) report.skipped += 1;
        else report.reencrypted += 1;
      }
    }
  }

  private batch(after: string | null, size: number): Promise<RawSecrets[]> {
    const query = this.dataSource
      .getRepository(WebhookEndpoint)
      .createQueryBuilder('e')
      .withDeleted()
      .select('e.id', 'id')
      .addSelect('e.secret', 'secret')
      .addSelect('e.previousSecrets', 'previousSecrets')
      .addSelect(this.headersAsText('e.headers'), 'headers')
      .orderBy('e.id', 'ASC')
      .limit(size);
    if (after !== null) query.where('e.id > :after', { after });
    return query.getRawMany<RawSecrets>();
  }

  /** The headers column as text, the same on every read: PostgreSQL's `json` has no `=`. */
  private headersAsText(column: string): string {
    return `CAST(${column} AS ${['mysql', 'mariadb'].includes(this.dataSource.options.type) ? 'CHAR' : 'TEXT'})`;
  }
}

function parseJson<T>(value: string | T | null): T | null {
  return typeof value === 'string' ? (JSON.parse(value) as T) : value;
}

/** The credential headers among `headers` (their stored values). */
function credentialValues(headers: Record<string, string> | null): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).filter(([name]) => isCredentialHeader(name)));
}
