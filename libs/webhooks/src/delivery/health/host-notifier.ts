import { Injectable } from '@nestjs/common';
import { HostEventEmitter } from '../../common/host-event-emitter';

/**
 * Tells the host about endpoint health and dead letters through its EventEmitter2, when it
 * has one. A listener that throws cannot break delivery: EventEmitter2 reports it instead.
 */
@Injectable()
export class HostNotifier {
  constructor(private readonly host: HostEventEmitter) {}

  notify<T extends object>(name: string, payload: T): void {
    this.host.emitter?.emit(name, payload);
  }
}
