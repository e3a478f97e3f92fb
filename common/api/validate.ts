import type { z } from 'zod';
import { ApiError } from './messages';

/** Renders a zod issue path as `root.a[0].b`, the way users see JSON paths (`a[0].b` without a root). */
export function formatPath(root: string, path: ReadonlyArray<PropertyKey>): string {
  let out = root;
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : out === '' ? String(key) : `.${String(key)}`;
  return out;
}

/** One validation issue as every part of the workbench says it: `root.a[0].b: message`. */
export function formatIssue(root: string, issue: { path: ReadonlyArray<PropertyKey>; message: string }): string {
  return `${formatPath(root, issue.path) || '(root)'}: ${issue.message}`;
}

/** Several issues, each as `formatIssue` says it, joined by "; ". */
export function formatIssues(
  root: string,
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>,
): string {
  return issues.map((issue) => formatIssue(root, issue)).join('; ');
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
