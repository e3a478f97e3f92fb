/**
 * The JSON of one streamed completion event, read faster where llama-server's candidates make
 * it large: with token signals every token carries K `top_logprobs` entries
 * (`{"id":…,"token":"…","bytes":[…],"logprob":…}`, K = 20 by default), about three quarters of
 * the event, of which the client needs only the id and the log-probability. Those arrays are read
 * with one sticky regular expression per candidate and left out of what JSON.parse builds (a
 * token text, a byte array and an object per candidate: most of the time and garbage of an
 * event). Anything that does not look exactly like that is parsed whole by JSON.parse, so the
 * result is always what JSON.parse gives, the candidates reduced to `{id, logprob}`.
 */

const ARRAY_START = '"top_logprobs":[';
const CANDIDATE =
  /\{"id":(\d+),"token":"(?:[^"\\]|\\.)*","bytes":\[[\d,]*\],"logprob":(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)\}/y;

export interface StreamedCandidate {
  readonly id: number;
  readonly logprob: number;
}

export function parseCompletionEvent(payload: string): unknown {
  let at = payload.indexOf(ARRAY_START);
  if (at < 0) return JSON.parse(payload);
  const lists: StreamedCandidate[][] = [];
  let rest = '';
  let copied = 0;
  while (at >= 0) {
    const start = at + ARRAY_START.length;
    const list: StreamedCandidate[] = [];
    const end = readCandidates(payload, start, list);
    if (end < 0) return JSON.parse(payload);
    lists.push(list);
    rest += payload.slice(copied, start);
    copied = end;
    at = payload.indexOf(ARRAY_START, end);
  }
  const value = JSON.parse(rest + payload.slice(copied)) as unknown;
  return attach(value, lists) ? value : JSON.parse(payload);
}

/** Reads `{…},{…}` up to the closing bracket; returns the bracket's index, or −1 if anything else is there. */
function readCandidates(payload: string, from: number, into: StreamedCandidate[]): number {
  let i = from;
  while (payload.charCodeAt(i) === 123 /* { */) {
    CANDIDATE.lastIndex = i;
    const match = CANDIDATE.exec(payload);
    if (!match) return -1;
    into.push({ id: Number(match[1]), logprob: Number(match[2]) });
    i = CANDIDATE.lastIndex;
    if (payload.charCodeAt(i) === 44 /* , */) i += 1;
    else break;
  }
  return payload.charCodeAt(i) === 93 /* ] */ ? i : -1;
}

/**
 * Puts the candidate lists back, in the order they were read, into the `top_logprobs` of
 * `choices[].logprobs.content[]` (the only place llama-server writes them); false if the lists
 * and those places do not pair up exactly.
 */
function attach(value: unknown, lists: StreamedCandidate[][]): boolean {
  let next = 0;
  const choices = (value as { choices?: unknown } | null)?.choices;
  if (!Array.isArray(choices)) return false;
  for (const choice of choices) {
    const content = (choice as { logprobs?: { content?: unknown } } | null)?.logprobs?.content;
    if (!Array.isArray(content)) continue;
    for (const entry of content) {
      const slot = entry as { top_logprobs?: unknown } | null;
      if (!slot || !Array.isArray(slot.top_logprobs)) continue;
      if (slot.top_logprobs.length !== 0 || next >= lists.length) return false;
      slot.top_logprobs = lists[next++];
    }
  }
  return next === lists.length;
}
