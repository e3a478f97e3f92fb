import type { JudgeSettings } from '../../../common/grading/judgeSettings';

/**
 * The verdict in a judge's reply: the last match of the verdict pattern (its group named
 * "verdict", else group 1), compared without case with the settings' words for correct and
 * wrong. Anything else is null: an unreadable reply is never taken for a verdict.
 */
export function readVerdict(
  reply: string,
  settings: Pick<JudgeSettings, 'verdictPattern' | 'correct' | 'wrong'>,
): boolean | null {
  const pattern = new RegExp(settings.verdictPattern, 'gu');
  let word: string | undefined;
  for (const match of reply.matchAll(pattern)) word = match.groups?.verdict ?? match[1] ?? match[0];
  if (word === undefined) return null;
  const said = word.trim().toLowerCase();
  if (said === settings.correct.toLowerCase()) return true;
  if (said === settings.wrong.toLowerCase()) return false;
  return null;
}
