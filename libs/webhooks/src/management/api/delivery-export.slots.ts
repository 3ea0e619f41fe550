import { Inject, Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { RESOLVED_WEBHOOKS_OPTIONS } from '../../webhooks.constants';
import type { ResolvedWebhooksOptions } from '../../options/resolved-options';
import { RetryLaterException } from '../retry-later.exception';

/** What a refused export is told to wait, in seconds: exports of a few thousand rows take about that. */
export const EXPORT_RETRY_AFTER_SECONDS = 5;

/**
 * Bounds the delivery exports streaming at once in this process (`maxConcurrentExports`):
 * each holds a database connection and a batch of rows for as long as its client reads.
 */
@Injectable()
export class DeliveryExportSlots {
  private streaming = 0;

  constructor(@Inject(RESOLVED_WEBHOOKS_OPTIONS) private readonly options: ResolvedWebhooksOptions) {}

  /**
   * Opens an export stream in a free slot, which it holds until the stream closes: when it
   * ends, fails, or is destroyed because its client went away (Nest destroys a
   * StreamableFile's stream when the response closes). Throws `RetryLaterException` (429)
   * when every slot is taken.
   */
  open(openStream: () => Readable): Readable {
    if (this.streaming >= this.options.maxConcurrentExports) {
      throw new RetryLaterException(
        `at most ${this.options.maxConcurrentExports} delivery exports run at once (maxConcurrentExports); retry later`,
        EXPORT_RETRY_AFTER_SECONDS,
      );
    }
    const stream = openStream();
    this.streaming += 1;
    stream.once('close', () => (this.streaming -= 1));
    return stream;
  }
}
