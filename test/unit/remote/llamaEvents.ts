/** llama-server's streamed events as text, and what the client must read from them (for the tests beside). */
import { CandidateSignal } from '../../../main/engine/remote/CandidateSignal';
import { completionEventReader } from '../../../main/engine/remote/completionEvents';
import { signalOfCandidates } from '../../../main/engine/remote/streamedSignals';

type Candidates = { id: number; logprob: number }[];

/**
 * What the client must get: JSON.parse's value with each `top_logprobs` of `logprobs.content`
 * replaced by the signal its candidates give (or CandidateSignal.NOT_ASKED without a K).
 */
export function reduced(payload: string, topK: number | null): unknown {
  const value = JSON.parse(payload) as {
    choices: { logprobs: { content: { id: number; top_logprobs?: Candidates | CandidateSignal }[] } | null }[];
  };
  for (const choice of value.choices) {
    for (const entry of choice.logprobs?.content ?? []) {
      const top = entry.top_logprobs as Candidates | undefined;
      if (!top) continue;
      entry.top_logprobs =
        topK === null ? CandidateSignal.NOT_ASKED : new CandidateSignal(topK, signalOfCandidates(entry.id, top, topK));
    }
  }
  return value;
}

/** Reads `payload` from the middle of a buffer, with other bytes around it, as from a network chunk. */
export function readEvent(payload: string, topK: number | null): unknown {
  const bytes = Buffer.from(`data: ${payload}\n\ndata: {"top_logprobs":[{"id":1`);
  return completionEventReader(topK)(bytes, 6, 6 + Buffer.byteLength(payload));
}

const bytesOf = (t: string) => `[${[...Buffer.from(t)].join(',')}]`;

/** The fields of llamaEvent besides the token and its candidates (llama-server's text is the token's). */
export interface EventFields {
  text?: string;
  index?: number;
  logprob?: string;
  model?: string;
  fingerprint?: string;
  requestId?: string;
}

/** An event as llama-server writes it (field order and spacing of its JSON), for candidates `[id, text, logprob]`. */
export function llamaEvent(
  id: number,
  token: string,
  candidates: [number, string, number | string][],
  fields: EventFields = {},
): string {
  const top = candidates
    .map(([cid, t, lp]) => `{"id":${cid},"token":${JSON.stringify(t)},"bytes":${bytesOf(t)},"logprob":${lp}}`)
    .join(',');
  const { text = token, index = 0, logprob = '0.0', model = 'oracle.gguf', fingerprint = 'b1-80fb11a' } = fields;
  return (
    `{"choices":[{"text":${JSON.stringify(text)},"index":${index},"logprobs":{"content":[{"id":${id},"token":${JSON.stringify(token)},` +
    `"bytes":${bytesOf(token)},"logprob":${logprob},"top_logprobs":[${top}]}]},"finish_reason":null}],"created":1796433734,` +
    `"model":${JSON.stringify(model)},"system_fingerprint":${JSON.stringify(fingerprint)},"object":"text_completion",` +
    `"id":${JSON.stringify(fields.requestId ?? 'chatcmpl-x')}}`
  );
}
