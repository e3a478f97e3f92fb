import type { EventMessage } from '../../common/api/messages';
import type { EventData, EventName } from '../../common/api/contract';

export type EventListener = (message: EventMessage) => void;

/** Fans events from services out to every connected front end. */
export class EventHub {
  private readonly listeners = new Set<EventListener>();

  emit<E extends EventName>(event: E, data: EventData<E>): void {
    this.forward({ type: 'event', event, data });
  }

  /** Passes on an event that another process already shaped (the engine's). */
  forward(message: EventMessage): void {
    for (const listener of this.listeners) {
      try {
        listener(message);
      } catch {
        // A broken front end must not stop the others from receiving events.
      }
    }
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
