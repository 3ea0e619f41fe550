import { Injectable, Optional } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';

/**
 * Tells the host about endpoint health and dead letters through its EventEmitter2, when it
 * has one. A listener that throws cannot break delivery: EventEmitter2 reports it instead.
 */
@Injectable()
export class HostNotifier {
  constructor(@Optional() private readonly emitter?: EventEmitter2) {}

  notify<T extends object>(name: string, payload: T): void {
    this.emitter?.emit(name, payload);
  }
}
