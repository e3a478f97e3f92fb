/**
 * Text of generated tokens one token at a time, from the bytes the server reports per token.
 * A token that ends inside a UTF-8 character yields '' and its bytes come out with the token
 * that completes the character, as the local backend's IncrementalDetokenizer does, so pieces
 * always join to valid text (stop strings and the think delimiter are found in them).
 */
export class Utf8Pieces {
  private held = new Uint8Array(0);
  private readonly decoder = new TextDecoder('utf-8');

  /**
   * The text this token adds. `shared`: the bytes are an array the backend keeps per token id,
   * so its text is made once and shared (a sample keeps every piece until it ends, and one string
   * per token would be copied by every young collection until promoted).
   */
  push(bytes: Uint8Array, shared = false): string {
    // Most tokens are a few ASCII bytes with nothing held: no copy, no decoder call.
    if (this.held.length === 0 && bytes.length <= ASCII_FAST_PATH && isAscii(bytes)) {
      if (!shared) return String.fromCharCode.apply(null, bytes as unknown as number[]);
      let text = SHARED_TEXTS.get(bytes);
      if (text === undefined) SHARED_TEXTS.set(bytes, (text = String.fromCharCode.apply(null, bytes as unknown as number[])));
      return text;
    }
    const joined = concat(this.held, bytes);
    const complete = completePrefixLength(joined);
    this.held = joined.slice(complete);
    return this.decoder.decode(joined.subarray(0, complete));
  }

  /** The text this token would add, without adding it (a window's look-ahead token). */
  peek(bytes: Uint8Array): string {
    return this.decoder.decode(concat(this.held, bytes));
  }
}

const SHARED_TEXTS = new WeakMap<Uint8Array, string>();

/** Longest token taken by the ASCII fast path (longer ones are rare, and the decoder is fine for them). */
const ASCII_FAST_PATH = 64;

function isAscii(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! >= 0x80) return false;
  return true;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/**
 * The length of the longest prefix that does not end inside a UTF-8 character. Invalid bytes
 * count as complete (they decode to U+FFFD), and at most 3 bytes are ever held back.
 */
export function completePrefixLength(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let back = 1; back <= Math.min(3, n); back += 1) {
    const byte = bytes[n - back]!;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: look further back for the lead
    const needed = byte >= 0xf5 ? 1 : byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc2 ? 2 : 1;
    return needed > back ? n - back : n;
  }
  return n;
}
