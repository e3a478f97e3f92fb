import type { z } from 'zod';
import { ApiError } from './messages';

/** Renders a zod issue path as `root.a[0].b`, the way users see JSON paths. */
export function formatPath(root: string, path: ReadonlyArray<PropertyKey>): string {
  let out = root;
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `.${String(key)}`;
  return out;
}

/**
 * Parses `value` with `schema`; on failure throws an ApiError('invalid-params') whose message and
 * `path` name the first offending field, e.g. `params.window: expected number, received string`.
 */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, root: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const path = formatPath(root, issue.path);
  const more = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more)` : '';
  throw new ApiError('invalid-params', `${path}: ${issue.message}${more}`, path);
}
