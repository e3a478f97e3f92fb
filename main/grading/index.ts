// The grading library's public surface: the runner and the CLI import from here only.
export { grade, type GradeOptions } from './grade';
export { gradeItem, type GradeItem, type GradeItemInput } from './gradeItem';
export {
  extractionMethod,
  gradeOutcome,
  gradeResult,
  sandboxReport,
  testOutcome,
  testResult,
  type ExtractionMethod,
  type GradeOutcome,
  type GradeResult,
  type SandboxReport,
  type TestOutcome,
  type TestResult,
} from './gradeResult';
export { judgeAnswer, type AnswerGraderSettings } from './judgeAnswer';
export { GRADING_RULES_VERSION } from './rulesVersion';
export { gradeWithJudge, judgeMessage, judgePrompt, type JudgeFunction, type JudgeRequest } from './judge/gradeWithJudge';
export { readVerdict } from './judge/judgeVerdict';
export { GradingPool, closeSharedGradingPool, sharedGradingPool, type GradingPoolOptions } from './worker/gradingPool';

export { extractAnswer, lastBoxed, lastPhraseAnswer, type ExtractedAnswer } from './extraction/extractAnswer';
export { normalizeMathAnswer, type NormalizedAnswer } from './math/normalizeMath';
export { mathAnswerKey, mathAnswersEqual, type MathCompareOptions, type Verdict } from './math/mathEqual';
export { parseMathAnswer, type MathAnswer } from './math/mathAnswer';
export { gradeMath } from './math/gradeMath';
export { gradeChoice } from './choice/gradeChoice';
export { extractChoiceLetter } from './choice/extractChoiceLetter';
export { optionLetter, presentChoices, problemSeed, shuffleOrder, type PresentedChoices } from './choice/shuffleChoices';
export { gradeExact } from './text/gradeExact';
export { gradeRegex } from './text/gradeRegex';
export { gradeNumeric, readNumber } from './text/gradeNumeric';

export { codeTest, type CodeTest } from './code/codeTest';
export { extractCode } from './code/extractCode';
export { gradeCode, setSandboxConcurrency } from './code/gradeCode';
export { outputsMatch } from './code/compareOutput';
export { sandboxCapabilities, type SandboxCapabilities } from './code/sandboxCapabilities';

export { accuracy, accuracyOf, wilsonInterval, type Accuracy } from './aggregate/accuracy';
export { meanPassAtK, passAtK } from './aggregate/passAtK';
export { majorityAtK, majorityVote, type MajorityResult, type Vote } from './aggregate/majorityVote';

export {
  graderNames,
  graderSettings,
  type GraderName,
  type GraderSettings,
  type GraderSettingsInput,
} from '../../common/grading/graderSettings';
