import { appendFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { decodeTextLine, encodeLine } from './checksummedLines';

export const JUDGE_CACHE_FILE = 'judge-cache.jsonl';

/**
 * The replies of LLM judges, by a key over everything that decides a reply (the judge model's
 * sha256, its prompt settings, the filled message, its token limit): asking again costs nothing.
 * One checksummed JSON line per reply, appended; a damaged line is skipped (that reply is asked
 * again), never read back as a reply.
 */
export class JudgeCache {
  private replies: Map<string, string> | null = null;
  private loading: Promise<Map<string, string>> | null = null;

  constructor(private readonly storeDir: string) {}

  private get file(): string {
    return path.join(this.storeDir, JUDGE_CACHE_FILE);
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.load()).get(key);
  }

  async set(key: string, reply: string): Promise<void> {
    const replies = await this.load();
    if (replies.get(key) === reply) return;
    replies.set(key, reply);
    await appendFile(this.file, encodeLine({ key, reply }));
  }

  private load(): Promise<Map<string, string>> {
    if (this.replies) return Promise.resolve(this.replies);
    this.loading ??= readFile(this.file, 'utf8').then(
      (text) => {
        const replies = new Map<string, string>();
        for (const line of text.split('\n')) {
          if (!line) continue;
          const decoded = decodeTextLine(line);
          if (!('value' in decoded)) continue;
          const { key, reply } = decoded.value as { key?: unknown; reply?: unknown };
          if (typeof key === 'string' && typeof reply === 'string') replies.set(key, reply);
        }
        return (this.replies = replies);
      },
      (error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
        return (this.replies = new Map());
      },
    );
    return this.loading;
  }
}
