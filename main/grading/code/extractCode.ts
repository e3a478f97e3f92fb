import type { ExtractedAnswer } from '../extraction/extractAnswer';

const PYTHON_TAGS = new Set(['', 'python', 'python3', 'py', 'py3']);
const FENCE = /(?:^|\n)[ \t]*(```|~~~)[ \t]*([\w+#.-]*)[^\n]*\n([\s\S]*?)\n[ \t]*\1[ \t]*(?=\n|$)/dg;

/**
 * The program in a response: the last complete fenced block (``` or ~~~). Blocks tagged as another
 * language (the "```text" of a sample run that models print after their code) are passed over
 * when a Python or untagged block exists. An unclosed fence at the end is a cut generation.
 */
export function extractCode(response: string): ExtractedAnswer | null {
  const blocks = [...response.matchAll(FENCE)];
  const usable = blocks.filter((block) => PYTHON_TAGS.has(block[2]!.toLowerCase()));
  const chosen = (usable.length > 0 ? usable : blocks).at(-1);
  if (!chosen || chosen[3]!.trim() === '') return null;
  const [start, end] = chosen.indices![3]!;
  return { text: chosen[3]!, method: 'code-fence', span: [start, end] };
}
