import type { McqGraderSettings } from '../../../common/grading/graderSettings';
import { errorResult, unparsedResult, type GradeResult } from '../gradeResult';
import { extractChoiceLetter } from './extractChoiceLetter';
import { optionLetter, presentChoices, problemSeed } from './shuffleChoices';

export interface ChoiceItem {
  id?: string | number | undefined;
  gold: string;
  response: string;
  choices?: string[] | undefined;
  shuffleSeed?: number | undefined;
}

/**
 * `gold` names the right option in the dataset's order: its letter ("A" is the first option as
 * listed) or its exact text. The response's letter refers to the order the prompt showed,
 * which the seeded shuffle reproduces.
 */
export function gradeChoice(settings: McqGraderSettings, item: ChoiceItem): GradeResult {
  const choices = item.choices;
  if (!choices || choices.length < 2) return errorResult('multiple choice needs "choices" (at least two options)');
  const correct = correctIndex(item.gold, choices);
  if (correct === null) return errorResult(`gold "${item.gold}" is neither an option letter (A–${optionLetter(choices.length - 1)}) nor the text of exactly one option`);
  const seed = settings.shuffle ? (item.shuffleSeed ?? problemSeed(settings.seed, String(item.id ?? ''))) : null;
  const presented = presentChoices(choices, seed);
  const correctLetter = optionLetter(presented.order.indexOf(correct));

  const found = extractChoiceLetter(item.response, presented.choices);
  if (!found) return unparsedResult('no option letter in \\boxed{}, "Answer: X" or "(X)" form');
  const position = found.text.charCodeAt(0) - 65;
  const original = presented.order[position]!;
  const isCorrect = found.text === correctLetter;
  return {
    outcome: isCorrect ? 'correct' : 'wrong',
    correct: isCorrect,
    extracted: found.text,
    method: found.method,
    span: found.span,
    reason: `answered ${found.text} (option ${original + 1} as listed); correct is ${correctLetter}${seed === null ? '' : ` in the order shuffled with seed ${seed}`}`,
    answerKey: `option ${original + 1}`,
  };
}

function correctIndex(gold: string, choices: readonly string[]): number | null {
  const trimmed = gold.trim().replace(/^\((.)\)$/, '$1');
  if (/^[A-Z]$/.test(trimmed)) {
    const index = trimmed.charCodeAt(0) - 65;
    return index < choices.length ? index : null;
  }
  const matches = choices.map((choice, i) => (choice.trim() === gold.trim() ? i : -1)).filter((i) => i >= 0);
  return matches.length === 1 ? matches[0]! : null;
}
