import { CandidateSignal } from './CandidateSignal';
import { LlamaTokenEvents } from './llamaTokenEvents';
import type { PayloadReader } from './serverSentEvents';
import { candidatesRead, clearCandidates, readCandidates, signalOfCandidatesRead } from './candidateBytes';

/**
 * The JSON of one streamed completion event, read faster where llama-server's candidates make
 * it large: with token signals every token carries K `top_logprobs` entries
 * (`{"id":…,"token":"…","bytes":[…],"logprob":…}`, K = 20 by default), about three quarters of
 * the event, of which the client needs only the ids and log-probabilities. Those arrays are read
 * straight from the received bytes (never decoded to a string, no object per candidate) into
 * reused typed arrays, the token's signal is computed from them, and JSON.parse gets only the
 * rest of the event. Anything that does not have exactly that shape, in JSON's own grammar, is
 * parsed whole by JSON.parse, so the result is what JSON.parse gives, each candidate array
 * replaced by a CandidateSignal. An event of one token in llama-server's exact layout is read
 * without JSON.parse at all (LlamaTokenEvents).
 */
export function completionEventReader(topK: number | null): PayloadReader {
  const tokenEvents = new LlamaTokenEvents(topK);
  return (bytes, start, end) => tokenEvents.read(bytes, start, end) ?? readCompletionEvent(bytes, start, end, topK);
}

/*
 * The array's key is searched from its second byte: Buffer.indexOf with a needle that starts
 * with a quote, as frequent as any byte in JSON, took three times as long (~330 against ~100 ns
 * over an event).
 */
const ARRAY_KEY = Buffer.from('top_logprobs":[');

const QUOTE = 34;

/** Where each candidate array of the event being read ends (in candidatesRead). */
const listEnds: number[] = [];

function readCompletionEvent(bytes: Buffer, start: number, end: number, topK: number | null): unknown {
  let at = arrayStart(bytes, start, end);
  if (at < 0) return parseWhole(bytes, start, end);
  clearCandidates();
  listEnds.length = 0;
  let rest = '';
  let copied = start;
  while (at >= 0) {
    const from = at + ARRAY_KEY.length + 1;
    const close = readCandidates(bytes, from, end);
    if (close < 0) return parseWhole(bytes, start, end);
    listEnds.push(candidatesRead());
    rest += bytes.toString('utf8', copied, from);
    copied = close;
    at = arrayStart(bytes, close, end);
  }
  const value = JSON.parse(rest + bytes.toString('utf8', copied, end)) as unknown;
  return attach(value, topK) ? value : parseWhole(bytes, start, end);
}

function parseWhole(bytes: Buffer, start: number, end: number): unknown {
  return JSON.parse(bytes.toString('utf8', start, end));
}

/** The index of the next `"top_logprobs":[` in `[from, end)`, or −1. */
function arrayStart(bytes: Buffer, from: number, end: number): number {
  for (
    let at = bytes.indexOf(ARRAY_KEY, from + 1);
    at >= 0 && at + ARRAY_KEY.length <= end;
    at = bytes.indexOf(ARRAY_KEY, at + 1)
  ) {
    if (bytes[at - 1] === QUOTE) return at - 1;
  }
  return -1;
}

/**
 * Puts a CandidateSignal, computed from each candidate array in the order they were read, into
 * the `top_logprobs` of `choices[].logprobs.content[]` (the only place llama-server writes
 * them); false if the arrays and those places do not pair up exactly, or an entry has no
 * integer id to compute its signal for.
 */
function attach(value: unknown, topK: number | null): boolean {
  let next = 0;
  const choices = (value as { choices?: unknown } | null)?.choices;
  if (!Array.isArray(choices)) return false;
  for (const choice of choices) {
    const content = (choice as { logprobs?: { content?: unknown } } | null)?.logprobs?.content;
    if (!Array.isArray(content)) continue;
    for (const entry of content) {
      const slot = entry as { id?: unknown; top_logprobs?: unknown } | null;
      if (!slot || !Array.isArray(slot.top_logprobs)) continue;
      if (slot.top_logprobs.length !== 0 || next >= listEnds.length || !Number.isInteger(slot.id)) return false;
      const from = next === 0 ? 0 : listEnds[next - 1]!;
      const to = listEnds[next++]!;
      slot.top_logprobs =
        topK === null
          ? CandidateSignal.NOT_ASKED
          : new CandidateSignal(topK, signalOfCandidatesRead(slot.id as number, from, to, topK));
    }
  }
  return next === listEnds.length;
}
