import type { EventMessage } from '../../common/api/messages';
import type { MethodName, Params, Result } from '../../common/api/contract';

/**
 * What the runner needs of the engine: calls answered by the engine process and its event
 * stream. The host implements it over the EngineSupervisor; tests can stand in a fake.
 */
export interface EnginePort {
  call<M extends MethodName>(method: M, params: Params<M>): Promise<Result<M>>;
  onEvent(listener: (message: EventMessage) => void): () => void;
}
