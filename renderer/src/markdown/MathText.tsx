import { MarkdownView } from './MarkdownView';
import { answerMarkdown, setMathMode, useMathMode } from './mathMode';

/**
 * A problem or an answer: typeset (Markdown with `$…$` math) or as written, following the
 * raw/rendered toggle. `kind: 'answer'` typesets bare LaTeX answers such as `\frac{1}{2}`.
 */
export function MathText({ text, kind = 'problem' }: { text: string; kind?: 'problem' | 'answer' }) {
  const mode = useMathMode();
  if (mode === 'raw') return <span className="math-raw">{text}</span>;
  return <MarkdownView source={kind === 'answer' ? answerMarkdown(text) : text} inline />;
}

/** The raw/rendered switch shown above tables and views of problems. */
export function MathModeToggle() {
  const mode = useMathMode();
  return (
    <span className="math-toggle" role="group" aria-label="LaTeX">
      <button
        type="button"
        aria-pressed={mode === 'rendered'}
        onClick={() => setMathMode('rendered')}
        data-testid="math-rendered"
      >
        rendered
      </button>
      <button type="button" aria-pressed={mode === 'raw'} onClick={() => setMathMode('raw')} data-testid="math-raw">
        raw
      </button>
    </span>
  );
}
