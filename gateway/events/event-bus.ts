import type { GatewayEvent } from '../../shared/control/contract.ts';

export type EventListener = (event: GatewayEvent) => void;

/**
 * The daemon's live events (server states, agents, bundles, decisions, problems), handed
 * to whoever reports them: the multiplexer, the org runtime, OAuth logins, the control
 * API. One bus per daemon, so a reporter needs the bus, not the object that owns it.
 */
export class EventBus {
  private readonly listeners = new Set<EventListener>();

  emit(event: GatewayEvent): void {
    // A copy: a listener may unsubscribe (or subscribe another) while hearing this event.
    for (const listener of [...this.listeners]) listener(event);
  }

  /** Subscribes; returns the unsubscribe. */
  on(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }
}
