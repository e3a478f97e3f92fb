import { describe, expect, it } from 'vitest';
import { graderSettings, type GraderSettings } from '../../../common/grading/graderSettings';
import { DEFAULT_VERDICT_PATTERN, LIMO_JUDGE_SYSTEM } from '../../../common/grading/judgeSettings';
import { grade, readVerdict, type JudgeRequest } from '../../../main/grading';

const limo = { verdictPattern: DEFAULT_VERDICT_PATTERN, correct: 'CORRECT', wrong: 'WRONG' };
const model = { source: 'fixture:oracle' };

describe('reading a judge verdict', () => {
  it('reads the verdict under the "Correctness" heading, as the LIMO examiner prompt asks for it', () => {
    expect(readVerdict('## Analysis\nThe answers agree.\n\n## Correctness\nCORRECT', limo)).toBe(true);
    expect(readVerdict('## Analysis\n…\n\n## Correctness\n\n**WRONG**', limo)).toBe(false);
    expect(readVerdict('### Correctness: CORRECT', limo)).toBe(true);
    // The last verdict counts: a judge that corrects itself.
    expect(readVerdict('## Correctness\nCORRECT\n\nOn reflection:\n## Correctness\nWRONG', limo)).toBe(false);
  });

  it('never guesses: no heading, another word or a verdict in passing is no verdict', () => {
    expect(readVerdict('The answer is CORRECT.', limo)).toBeNull();
    expect(readVerdict('## Correctness\nPARTIALLY CORRECT', limo)).toBeNull();
    expect(readVerdict('## Correctness\nINCORRECT', limo)).toBeNull();
    expect(readVerdict('', limo)).toBeNull();
  });

  it('takes a configured pattern, its named group, and other words for the verdicts', () => {
    const custom = { verdictPattern: 'Verdict: (?<verdict>yes|no)', correct: 'yes', wrong: 'no' };
    expect(readVerdict('Verdict: YES', { ...custom, verdictPattern: 'Verdict: (?<verdict>\\w+)' })).toBe(true);
    expect(readVerdict('Verdict: no', custom)).toBe(false);
  });
});

describe('the judge and the cascade (a stand-in judge function in place of a model)', () => {
  const asked: JudgeRequest[] = [];
  const judgeSaying = (reply: string) => async (request: JudgeRequest) => (asked.push(request), reply);
  const item = { id: 'p1', problem: 'What is 1 + 1?', gold: '2', response: 'So the answer is \\boxed{3}.' };

  it('asks with the LIMO examiner prompt by default, filled from the item', async () => {
    asked.length = 0;
    const settings = graderSettings.parse({ grader: 'judge', model }) as GraderSettings;
    const result = await grade(settings, item, { judge: judgeSaying('## Correctness\nWRONG') });
    expect(result).toMatchObject({ outcome: 'wrong', correct: false, extracted: '3', decidedBy: 'judge' });
    expect(asked).toHaveLength(1);
    expect(asked[0]!.prompt.systemPrompt).toBe(LIMO_JUDGE_SYSTEM);
    expect(asked[0]!.message).toBe("Question: What is 1 + 1?\n\nStandard Answer: 2\n\nStudent's Final Answer: 3");
    expect(asked[0]!.maxTokens).toBe(1024);
  });

  it('an unreadable reply is unparsed, with the reply in the reason', async () => {
    const settings = graderSettings.parse({ grader: 'judge', model }) as GraderSettings;
    const result = await grade(settings, item, { judge: judgeSaying('I think it might be right.') });
    expect(result).toMatchObject({ outcome: 'unparsed', correct: false });
    expect(result.reason).toContain('I think it might be right.');
  });

  it('the cascade asks the judge only where the rules do not say correct, and says who decided', async () => {
    asked.length = 0;
    const settings = graderSettings.parse({
      grader: 'rules-then-judge',
      rules: { grader: 'math' },
      judge: { model },
    }) as GraderSettings;
    const judge = judgeSaying('## Correctness\nCORRECT');
    const right = await grade(settings, { ...item, response: '\\boxed{2}' }, { judge });
    expect(right).toMatchObject({ outcome: 'correct', decidedBy: 'rules' });
    expect(asked).toHaveLength(0);
    const rescued = await grade(settings, item, { judge });
    expect(rescued).toMatchObject({ outcome: 'correct', decidedBy: 'judge', rulesOutcome: 'wrong', extracted: '3' });
    expect(asked).toHaveLength(1);
  });

  it('without a model to ask, a judge grade is an error that says where judges run', async () => {
    const settings = graderSettings.parse({ grader: 'judge', model }) as GraderSettings;
    expect(await grade(settings, item)).toMatchObject({
      outcome: 'error',
      reason: expect.stringContaining('runs regrade'),
    });
  });
});
