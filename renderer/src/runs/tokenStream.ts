import type { EventData } from '../../../common/api/contract';

export type TokenPhase = EventData<'engine.token'>['phase'];

/** A piece of streamed text and the phase it belongs to (thinking, hint, answer, wait, cue). */
export interface TokenChunk {
  phase: TokenPhase;
  text: string;
  /** Set on the first chunk of a new sample: the view starts afresh and shows this key. */
  sample?: string;
}

/** Something that pushes chunks until unsubscribed: the engine's token events, or a replay. */
export type TokenSource = (push: (chunk: TokenChunk) => void) => () => void;
