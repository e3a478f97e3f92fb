import 'katex/dist/katex.min.css';
import Markdown, { defaultUrlTransform, type Components } from 'react-markdown';
import rehypeKatex from 'rehype-katex';
import remarkGfm from 'remark-gfm';
import remarkMath from 'remark-math';
import type { MarkdownProps } from './markdownProps';

const REMARK = [remarkGfm, remarkMath];
// KaTeX builds its own elements; a formula it cannot parse shows as red source, never throws.
const REHYPE = [[rehypeKatex, { throwOnError: false, strict: 'ignore' }]] as const;

/** Only web and mail links: a javascript: or file: URL in a shared notebook must not be clickable. */
function safeUrl(url: string): string {
  const kept = defaultUrlTransform(url);
  return /^(https?:|mailto:|#)/i.test(kept) ? kept : '';
}

const COMPONENTS: Components = {
  a: ({ href, children }) =>
    href ? (
      <a href={href} target="_blank" rel="noreferrer noopener">
        {children}
      </a>
    ) : (
      <span>{children}</span>
    ),
  // Images would load remote content; the CSP blocks them anyway, so show their text.
  img: ({ alt }) => <span className="muted">[image: {alt}]</span>,
  // The page has its h1 (the app's name): a notebook's headings start one level below.
  h1: ({ children }) => <h2>{children}</h2>,
  h2: ({ children }) => <h3>{children}</h3>,
  h3: ({ children }) => <h4>{children}</h4>,
  h4: ({ children }) => <h5>{children}</h5>,
  h5: ({ children }) => <h6>{children}</h6>,
};

/**
 * Markdown as Jupyter renders it: CommonMark with GitHub's tables, task lists and strike-through
 * (remark-gfm), and `$…$` / `$$…$$` math typeset by KaTeX. Raw HTML in the source is left out,
 * never parsed (react-markdown builds React elements, no HTML strings), so a notebook from
 * someone else cannot inject markup or script.
 */
export function MarkdownRenderer({ source, inline = false }: MarkdownProps) {
  return (
    <div className={inline ? 'markdown-view markdown-inline' : 'markdown-view'}>
      <Markdown
        remarkPlugins={REMARK}
        rehypePlugins={REHYPE as never}
        skipHtml
        urlTransform={safeUrl}
        components={COMPONENTS}
      >
        {source}
      </Markdown>
    </div>
  );
}
