import { CandidateList } from './CandidateList';

/**
 * The JSON of one streamed completion event, read faster where llama-server's candidates make
 * it large: with token signals every token carries K `top_logprobs` entries
 * (`{"id":…,"token":"…","bytes":[…],"logprob":…}`, K = 20 by default), about three quarters of
 * the event, of which the client needs only the id and the log-probability. Those arrays are
 * read straight into a CandidateList (no object, string or regular expression match per
 * candidate) and left out of what JSON.parse builds. Anything that does not look exactly like
 * that, in JSON's own grammar, is parsed whole by JSON.parse, so the result is what JSON.parse
 * gives, each candidate array reduced to a CandidateList (candidates' texts and bytes are not
 * read: readCandidates).
 */

const ARRAY_START = '"top_logprobs":[';
const ARRAY_START_UNQUOTED = ARRAY_START.slice(1);
const ID = '{"id":';
/** The start of the candidate's text, then its bytes (`","bytes":[…`): jumped over. */
const TOKEN = ',"token":"';
/** The end of the bytes and the log-probability's key. */
const LOGPROB = '],"logprob":';

export function parseCompletionEvent(payload: string): unknown {
  let at = arrayStart(payload, 0);
  if (at < 0) return JSON.parse(payload);
  const lists: CandidateList[] = [];
  let rest = '';
  let copied = 0;
  while (at >= 0) {
    const start = at + ARRAY_START.length;
    const list = new CandidateList();
    const end = readCandidates(payload, start, list);
    if (end < 0) return JSON.parse(payload);
    lists.push(list);
    rest += payload.slice(copied, start);
    copied = end;
    at = arrayStart(payload, end);
  }
  const value = JSON.parse(rest + payload.slice(copied)) as unknown;
  return attach(value, lists) ? value : JSON.parse(payload);
}

/**
 * The index of the next ARRAY_START from `from`, or −1. The search starts at its second
 * character: quotes are everywhere in JSON, and a search for a needle starting with one checks
 * nearly every character (measured: twice the time over an event).
 */
function arrayStart(payload: string, from: number): number {
  for (
    let at = payload.indexOf(ARRAY_START_UNQUOTED, from + 1);
    at >= 0;
    at = payload.indexOf(ARRAY_START_UNQUOTED, at + 1)
  ) {
    if (payload.charCodeAt(at - 1) === QUOTE) return at - 1;
  }
  return -1;
}

/**
 * Reads `{…},{…}` up to the closing bracket; returns the bracket's index, or −1 if anything else
 * is there. A candidate's text and bytes are jumped over, not read: a search for the key after
 * them (`],"logprob":`, which a JSON string cannot hold unescaped) costs a fraction of reading
 * them character by character, which took more time than everything else the client does per
 * token. So they are not checked: a server writing invalid JSON there still has its ids and
 * log-probabilities read, where JSON.parse would have refused the event.
 */
function readCandidates(payload: string, from: number, into: CandidateList): number {
  let i = from;
  if (payload.charCodeAt(i) === CLOSE_BRACKET) return i;
  for (;;) {
    if (!payload.startsWith(ID, i)) return -1;
    // The id: a JSON integer without a sign (any other number falls to JSON.parse).
    i += ID.length;
    let c = payload.charCodeAt(i);
    if (!isDigit(c) || (c === ZERO && isDigit(payload.charCodeAt(i + 1)))) return -1;
    let id = 0;
    do {
      id = id * 10 + (c - ZERO);
      c = payload.charCodeAt(++i);
    } while (isDigit(c));
    if (!payload.startsWith(TOKEN, i)) return -1;
    const key = payload.indexOf(LOGPROB, i + TOKEN.length);
    if (key < 0) return -1;
    i = readNumber(payload, key + LOGPROB.length);
    if (i < 0 || payload.charCodeAt(i) !== CLOSE_BRACE) return -1;
    into.push(id, numberRead);
    const next = payload.charCodeAt(i + 1);
    if (next === CLOSE_BRACKET) return i + 1;
    if (next !== COMMA) return -1;
    i += 2;
  }
}

const QUOTE = 34;
const COMMA = 44;
const MINUS = 45;
const DOT = 46;
const ZERO = 48;
const NINE = 57;
const CLOSE_BRACKET = 93;
const CLOSE_BRACE = 125;
const LOWER_E = 101;
const UPPER_E = 69;
const PLUS = 43;
const isDigit = (c: number) => c >= ZERO && c <= NINE;

/** Exact powers of ten as doubles (10^22 is the largest). */
const POWERS_OF_TEN = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));
/** The value of the number readNumber read last (a module variable: no object per number). */
let numberRead = 0;

/**
 * Reads a JSON number at `from` into numberRead; returns the index after it, −1 if there is none.
 * Digits that fit a double exactly over a power of ten up to 10^22 are divided directly: both
 * are exact and the division is correctly rounded, so the result is the double JSON.parse gives
 * (Clinger's fast path); anything longer, or with an exponent, goes through Number().
 */
function readNumber(payload: string, from: number): number {
  let i = from;
  let c = payload.charCodeAt(i);
  const negative = c === MINUS;
  if (negative) c = payload.charCodeAt(++i);
  let digits = 0;
  if (c === ZERO) c = payload.charCodeAt(++i);
  else if (isDigit(c)) {
    do {
      digits = digits * 10 + (c - ZERO);
      c = payload.charCodeAt(++i);
    } while (isDigit(c));
  } else return -1;
  let decimals = 0;
  if (c === DOT) {
    c = payload.charCodeAt(++i);
    if (!isDigit(c)) return -1;
    do {
      digits = digits * 10 + (c - ZERO);
      decimals += 1;
      c = payload.charCodeAt(++i);
    } while (isDigit(c));
  }
  let exact = digits <= Number.MAX_SAFE_INTEGER && decimals < POWERS_OF_TEN.length;
  if (c === LOWER_E || c === UPPER_E) {
    exact = false;
    c = payload.charCodeAt(++i);
    if (c === PLUS || c === MINUS) c = payload.charCodeAt(++i);
    if (!isDigit(c)) return -1;
    do c = payload.charCodeAt(++i);
    while (isDigit(c));
  }
  if (!exact) numberRead = Number(payload.slice(from, i));
  else numberRead = negative ? -(digits / POWERS_OF_TEN[decimals]!) : digits / POWERS_OF_TEN[decimals]!;
  return i;
}

/**
 * Puts the candidate lists back, in the order they were read, into the `top_logprobs` of
 * `choices[].logprobs.content[]` (the only place llama-server writes them); false if the lists
 * and those places do not pair up exactly.
 */
function attach(value: unknown, lists: CandidateList[]): boolean {
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
