import type { EventData } from '../../../common/api/contract';

export type TokenPhase = EventData<'engine.token'>['phase'];

/** A piece of streamed text and the phase it belongs to (thinking, hint, answer, wait, cue). */
export interface TokenChunk {
  phase: TokenPhase;
  text: string;
}

/** Something that pushes chunks until unsubscribed: the engine's token events, or a replay. */
export type TokenSource = (push: (chunk: TokenChunk) => void) => () => void;
