import { useCallback } from 'react';
import type { ApiClient } from '../../../common/api/ApiClient';
import type { TokenSource } from './tokenStream';

/**
 * The tokens of one job for the live view. The engine names a job's batches "<jobId>-<n>", so
 * only this job's tokens pass. Parallel sequences interleave their tokens, so the view follows
 * one sample at a time, from its first token: the first one seen, until it is done, then the next
 * one that starts (a sample already streaming is not picked up mid-way, which would cut its
 * beginning and misname a sweep's branches).
 */
export function useJobTokens(client: ApiClient, jobId: string | null): TokenSource {
  return useCallback<TokenSource>(
    (push) => {
      if (!jobId) return () => undefined;
      const ours = (batchId: string) => batchId.startsWith(`${jobId}-`);
      let following: string | null = null;
      const started = new Set<string>();
      const offToken = client.on('engine.token', (event) => {
        if (!ours(event.batchId)) return;
        const first = !started.has(event.key);
        started.add(event.key);
        if (following === null) {
          if (!first) return;
          following = event.key;
          push({ phase: event.phase, text: event.text, sample: event.key });
        } else if (event.key === following) push(event);
      });
      const offSample = client.on('engine.sample', (event) => {
        if (event.key === following && ours(event.batchId)) following = null;
      });
      return () => {
        offToken();
        offSample();
      };
    },
    [client, jobId],
  );
}
