import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { EventEmitter2 } from '@nestjs/event-emitter';
import { loadPeerIfInstalled } from './optional-peer';

/**
 * The host's EventEmitter2, from its `EventEmitterModule.forRoot()`, found once the app's
 * providers exist. `@nestjs/event-emitter` is an optional peer: a host without it (or without
 * the module) has no emitter, and the library's notifications go nowhere.
 */
@Injectable()
export class HostEventEmitter implements OnModuleInit {
  private found?: EventEmitter2;

  constructor(private readonly moduleRef: ModuleRef) {}

  /** The emitter; undefined before the module initialised or when the host has none. */
  get emitter(): EventEmitter2 | undefined {
    return this.found;
  }

  async onModuleInit(): Promise<void> {
    const eventEmitter = await loadPeerIfInstalled<typeof import('@nestjs/event-emitter')>('@nestjs/event-emitter');
    if (!eventEmitter) return;
    try {
      this.found = this.moduleRef.get(eventEmitter.EventEmitter2, { strict: false });
    } catch {
      // Installed, but the host did not import EventEmitterModule.forRoot().
    }
  }
}
