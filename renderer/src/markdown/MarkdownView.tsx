import { lazy, Suspense } from 'react';
import type { MarkdownProps } from './markdownProps';

export type { MarkdownProps };

// react-markdown, its remark/rehype plugins and KaTeX are about 400 kB: loaded on first use, so
// the notebook's first paint does not wait for them.
const MarkdownRenderer = lazy(() => import('./MarkdownRenderer').then((m) => ({ default: m.MarkdownRenderer })));

/** Markdown with math (MarkdownRenderer); its source as plain text for the moment it loads. */
export function MarkdownView(props: MarkdownProps) {
  return (
    <Suspense
      fallback={
        <div className={props.inline ? 'markdown-view markdown-inline' : 'markdown-view'}>
          <span className="markdown-loading">{props.source}</span>
        </div>
      }
    >
      <MarkdownRenderer {...props} />
    </Suspense>
  );
}
