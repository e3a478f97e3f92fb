import type { Token } from '../backend/GenerationBackend';
import { SignalColumns } from '../strategies/SignalColumns';
import type { StreamedToken } from './Continuation';

/**
 * The tokens a continuation received, as columns (ids, bytes, exactness, signals) rather than an
 * object per token: a continuation lives as long as its sample, and per-token objects that live
 * that long are what young-generation collections copy and promote (docs/remote.md). `at` hands
 * out a fresh StreamedToken that dies young.
 */
export class StreamedTokens {
  private readonly ids: Token[] = [];
  private readonly bytes: Uint8Array[] = [];
  private readonly exact: boolean[] = [];
  private readonly signals = new SignalColumns();

  get length(): number {
    return this.ids.length;
  }

  push(token: StreamedToken): void {
    this.ids.push(token.token);
    this.bytes.push(token.bytes);
    this.exact.push(token.exact);
    this.signals.push(token.signal);
  }

  at(index: number): StreamedToken | undefined {
    if (index < 0 || index >= this.ids.length) return undefined;
    return { token: this.ids[index]!, bytes: this.bytes[index]!, exact: this.exact[index]!, signal: this.signals.at(index) };
  }

  tokenAt(index: number): Token | undefined {
    return this.ids[index];
  }

  tokens(): readonly Token[] {
    return this.ids;
  }

  *[Symbol.iterator](): IterableIterator<StreamedToken> {
    for (let i = 0; i < this.ids.length; i++) yield this.at(i)!;
  }
}
