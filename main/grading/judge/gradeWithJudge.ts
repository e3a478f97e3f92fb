import type { CascadeGraderSettings, JudgeGraderSettings } from '../../../common/grading/graderSettings';
import { LIMO_JUDGE_SYSTEM, LIMO_JUDGE_TEMPLATE, type JudgeSettings } from '../../../common/grading/judgeSettings';
import type { ModelSettings } from '../../../common/settings/model';
import { promptSettings, type PromptSettings } from '../../../common/settings/prompt';
import type { AnswerGraderSettings } from '../judgeAnswer';
import { extractAnswer } from '../extraction/extractAnswer';
import type { GradeItem } from '../gradeItem';
import { errorResult, type GradeResult } from '../gradeResult';
import { readVerdict } from './judgeVerdict';

/** One question to a judge model: the prompt settings, the filled user message, a token limit. */
export interface JudgeRequest {
  model: ModelSettings;
  prompt: PromptSettings;
  message: string;
  maxTokens: number;
}

/** Asks the judge model (the runner answers it through the engine, with a cache) and returns its reply. */
export type JudgeFunction = (request: JudgeRequest) => Promise<string>;

const VARIABLE = /\{\{\s*(problem|gold|response|extracted)\s*\}\}/g;

/** The prompt a judge is asked with: the settings' own, or the LIMO examiner prompt. */
export function judgePrompt(settings: JudgeSettings): PromptSettings {
  if (settings.prompt !== null && typeof settings.prompt === 'object') return settings.prompt;
  if (typeof settings.prompt === 'string') {
    throw new Error(`the judge's prompt "${settings.prompt}" is a cell id: the notebook resolves it before grading`);
  }
  return promptSettings.parse({ template: LIMO_JUDGE_TEMPLATE, systemPrompt: LIMO_JUDGE_SYSTEM });
}

/** The user message for one item: the template with {{problem}}, {{gold}}, {{response}}, {{extracted}} filled. */
export function judgeMessage(template: string, item: GradeItem, extracted: string | null): string {
  const values: Record<string, string> = {
    problem: item.problem ?? '',
    gold: item.gold,
    response: item.response,
    extracted: extracted ?? '(no final answer found)',
  };
  return template.replace(VARIABLE, (_whole, name: string) => values[name]!);
}

/**
 * The `judge` grader and the `rules-then-judge` cascade. The cascade asks the judge only where
 * the rules do not say correct, and the grade says which decided (`decidedBy`, with the rules'
 * own outcome in `rulesOutcome`). A reply without a readable verdict is `unparsed`.
 */
export async function gradeWithJudge(
  settings: JudgeGraderSettings | CascadeGraderSettings,
  item: GradeItem,
  options: { judge: JudgeFunction | undefined; rules: (settings: AnswerGraderSettings) => Promise<GradeResult> },
): Promise<
  GradeResult & { decidedBy?: 'rules' | 'judge'; rulesOutcome?: GradeResult['outcome']; judgeReply?: string }
> {
  const judge = settings.grader === 'judge' ? settings : settings.judge;
  let rules: GradeResult | null = null;
  if (settings.grader === 'rules-then-judge') {
    rules = await options.rules(settings.rules);
    if (rules.outcome === 'correct') return { ...rules, decidedBy: 'rules' };
  }
  if (!options.judge) {
    return errorResult('the judge grader needs its model: run it from a notebook or with `z1wb runs regrade`');
  }
  if (typeof judge.model === 'string') {
    return errorResult(`the judge's model "${judge.model}" is a cell id: the notebook resolves it before grading`);
  }
  const extracted = rules?.extracted ?? extractAnswer(item.response)?.text ?? null;
  const prompt = judgePrompt(judge);
  const reply = await options.judge({
    model: judge.model,
    prompt,
    message: judgeMessage(prompt.template, item, extracted),
    maxTokens: judge.maxTokens,
  });
  const verdict = readVerdict(reply, judge);
  const tail = reply.length > 400 ? `…${reply.slice(-400)}` : reply;
  return {
    outcome: verdict === null ? 'unparsed' : verdict ? 'correct' : 'wrong',
    correct: verdict === true,
    extracted,
    method: rules?.method ?? null,
    span: rules?.span ?? null,
    reason:
      verdict === null
        ? `no verdict in the judge's reply: ${tail}`
        : `the judge says ${verdict ? judge.correct : judge.wrong}`,
    answerKey: rules?.answerKey ?? extracted,
    decidedBy: 'judge',
    ...(rules ? { rulesOutcome: rules.outcome } : {}),
    judgeReply: reply,
  };
}
