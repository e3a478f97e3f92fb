import { z } from 'zod';
import { remoteServerInfo } from '../../settings/remoteModel';
import { method } from '../method';
import { graderSettings } from '../../grading/graderSettings';
import { datasetSource } from '../../notebook/datasetSettings';
import { notebookFile } from '../../notebook/notebookSchema';
import { modelSettings } from '../../settings/model';
import { promptSettings } from '../../settings/prompt';
import { samplingSettings } from '../../settings/sampling';
import { signalSettings } from '../../settings/signals';
import { strategySettings } from '../../settings/strategy';
import { exitProbe, generationPhase, signalSummary, stopReason, trajectorySegment } from './generation';

/** A proportion with its Wilson score 95% interval. */
export const proportion = z.object({
  value: z.number(),
  low: z.number(),
  high: z.number(),
  successes: z.number().int(),
  trials: z.number().int(),
});
export type Proportion = z.infer<typeof proportion>;

/** Bins of equal width [start, end); `binWidth` is a 1-2-5 step chosen from the largest value. */
export const histogram = z.object({
  binWidth: z.number().int().min(1),
  bins: z.array(z.object({ start: z.number().int(), end: z.number().int(), count: z.number().int() })),
});
export type Histogram = z.infer<typeof histogram>;

export const tokenStats = z.object({
  count: z.number().int(),
  mean: z.number(),
  median: z.number(),
  min: z.number(),
  max: z.number(),
  histogram,
});
export type TokenStats = z.infer<typeof tokenStats>;

export const gradeOutcomeName = z.enum(['correct', 'wrong', 'unparsed', 'error']);

/** What a run's table and plots show, stored when the run finishes (and on every checkpoint). */
export const runSummary = z.object({
  samples: z.number().int(),
  problems: z.number().int(),
  accuracy: proportion,
  outcomes: z.record(gradeOutcomeName, z.number().int()),
  /** Samples whose thinking the window or budget cut. */
  cut: proportion,
  thinking: z.object({
    /** Tokens generated in phase 1: Z1's thinking tokens. */
    phase1: tokenStats,
    /** Tokens before the model's own </think>, over the samples that wrote one; null if none did. */
    delimited: tokenStats.nullable(),
  }),
  meanAnswerTokens: z.number(),
  meanTotalTokens: z.number(),
  /** With several samples per problem: share of problems with at least one correct sample, and majority vote accuracy. */
  passAtK: z.number().nullable(),
  majorityAccuracy: z.number().nullable(),
  tokensPerSecond: z.number(),
  /**
   * Offline DeepConf (docs/engine.md, "DeepConf"), with several samples per problem that carry
   * signal summaries: the share of problems whose confidence-weighted vote is correct when the
   * most confident 10 % (low), 90 % (high) or all (weighted) of their samples vote, ranked and
   * weighted by lowest group confidence; samples DeepConf stopped do not vote. Null otherwise;
   * absent in summaries stored before it.
   */
  deepconf: z.object({ low: z.number(), high: z.number(), weighted: z.number() }).nullable().optional(),
});
export type RunSummary = z.infer<typeof runSummary>;

/** One graded sample, as stored (one line of the run's samples file) and listed page by page. */
export const sampleRecord = z.object({
  /** "problemId#sampleIndex": unique within a run, the same across runs on the same problems. */
  key: z.string(),
  /** Position in the run's plan: problems in dataset order, then sample index. */
  index: z.number().int(),
  problemId: z.string(),
  sampleIndex: z.number().int(),
  seed: z.number().int(),
  phase1Tokens: z.number().int(),
  delimitedThinkingTokens: z.number().int().nullable(),
  answerTokens: z.number().int(),
  totalTokens: z.number().int(),
  cut: z.boolean(),
  cutAt: z.number().int().nullable(),
  stopReason,
  extensions: z.number().int(),
  outcome: gradeOutcomeName,
  correct: z.boolean(),
  extracted: z.string().nullable(),
  answerKey: z.string().nullable(),
  gold: z.string().nullable(),
  generateMs: z.number(),
  tokensPerSecond: z.number(),
  /**
   * The sample's signal summary (common/api/contract/generation.ts, signalSummary), rounded to
   * 6 decimals; null when signals were off, the backend gave none, or the run predates them.
   */
  ...signalSummary.pick({
    meanLogprob: true,
    meanEntropy: true,
    meanConfidence: true,
    lowestGroupConfidence: true,
    bottomGroupConfidence: true,
    tailConfidence: true,
  }).shape,
  /** Tokens generated and thrown away (probes that did not exit); 0 for strategies without any. */
  discardedTokens: z.number().int(),
  /** Early-exit probes taken (their list is in the trajectory); 0 for other strategies. */
  probeCount: z.number().int(),
});
export type SampleRecord = z.infer<typeof sampleRecord>;

/** A sample's whole trajectory, read lazily from the run's trajectory file. */
export const trajectory = z.object({
  key: z.string(),
  /** The user message the sample started from (template filled in). */
  message: z.string(),
  text: z.string(),
  segments: z.array(trajectorySegment),
  /** Where the window cut, in generated tokens, and where the hint starts in `text` (characters). */
  cutAt: z.number().int().nullable(),
  hintOffset: z.number().int().nullable(),
  /** The grader's full result (extraction span, reason, code test results …). */
  grade: z.record(z.string(), z.unknown()),
  /** Early exit's probes in order (absent for strategies that take none). */
  probes: z.array(exitProbe).optional(),
});
export type Trajectory = z.infer<typeof trajectory>;

/** A stretch of a trajectory's tokens [start, end) in one phase (its segments, in token indices). */
export const signalSpan = z.object({
  phase: generationPhase,
  inserted: z.boolean(),
  start: z.number().int(),
  end: z.number().int(),
});

/**
 * A sample's per-token signals, read from its run's side file (docs/store.md, "Signals"), with
 * what a trace view marks on them. Values went through float16: within 2^-11 of the value
 * relative (2^-25 absolute below 2^-14). Token indices count every token of the trajectory
 * (segments concatenated, inserted ones included); inserted tokens have null values.
 */
export const sampleSignals = z.object({
  key: z.string(),
  topK: z.number().int().min(1),
  tokens: z.number().int().min(0),
  logprob: z.array(z.number().nullable()),
  entropy: z.array(z.number().nullable()),
  confidence: z.array(z.number().nullable()),
  /** The trajectory's segments as token ranges: phase changes, inserted hint, "Wait" and cue. */
  spans: z.array(signalSpan),
  /** Token index of the first token after the window cut (null when nothing was cut). */
  cutIndex: z.number().int().nullable(),
  /** Early exit's probes, each with the token index it branched at. */
  probes: z.array(exitProbe.extend({ atIndex: z.number().int() })),
});
export type SampleSignals = z.infer<typeof sampleSignals>;

export const runStatus = z
  .enum(['running', 'stopped', 'complete'])
  .describe('"stopped": cancelled, crashed or killed; resumable without losing or repeating a sample.');
export type RunStatus = z.infer<typeof runStatus>;

/** Everything a run's samples depend on, fully resolved (defaults applied): part of its cache key. */
export const runSettings = z.object({
  model: modelSettings,
  prompt: promptSettings,
  sampling: samplingSettings,
  strategy: strategySettings,
  samples: z.number().int(),
  dataset: datasetSource,
  grader: graderSettings,
  /** The problems' problem text must not appear in exported figures and tables. */
  redactProblems: z.boolean(),
  /**
   * The per-token signals the run computes (the model cell's, with the run cell's
   * `recordSignals`); absent in runs stored before signals. Not part of any key: signals change
   * no sample, so a cell that only turns recording on reuses the stored run as it is.
   */
  signals: signalSettings.optional(),
});
export type RunSettings = z.infer<typeof runSettings>;

export const provenance = z.object({
  model: z.object({
    source: z.string(),
    path: z.string(),
    sha256: z.string(),
    fileBytes: z.number().int(),
    name: z.string().nullable(),
    architecture: z.string(),
    quantization: z.string().nullable(),
    /** For a model on an inference server: its URL (never the key), reported model, version. */
    server: remoteServerInfo.optional(),
  }),
  llamaCpp: z.object({ release: z.string(), buildType: z.string(), backend: z.string() }),
  appVersion: z.string(),
  dataset: z.object({ fingerprint: z.string(), problems: z.number().int(), description: z.string() }),
  seeds: z.object({
    run: z.number().int(),
    /** How each sample's seed follows from the run seed (each sample also stores its own). */
    derivation: z.string(),
  }),
  machine: z.object({
    platform: z.string(),
    arch: z.string(),
    cpuModel: z.string(),
    cpus: z.number().int(),
    ramBytes: z.number(),
    gpuNames: z.array(z.string()),
    nodeVersion: z.string(),
  }),
  /**
   * How the samples were graded (absent in runs stored before gradings were versioned): the
   * version of the grading rules, and for a regrading the run whose trajectories it graded.
   */
  grading: z
    .object({
      rulesVersion: z.number().int(),
      regradeOf: z.string().nullable(),
      gradedAt: z.string(),
    })
    .optional(),
});
export type Provenance = z.infer<typeof provenance>;

/** Something wrong the store found and set aside (never silently overwritten). */
export const storeIssue = z.object({
  kind: z.enum(['truncated', 'corrupt', 'duplicate', 'missing', 'index-rebuilt']),
  file: z.string(),
  message: z.string(),
  /** Where the damaged file was copied before anything was rewritten. */
  keptAs: z.string().nullable(),
  at: z.string(),
});
export type StoreIssue = z.infer<typeof storeIssue>;

export const runRecord = z.object({
  id: z.string(),
  /** sha256 over the resolved settings plus the model and dataset fingerprints: equal keys reuse samples. */
  cacheKey: z.string(),
  /** sha256 over the settings alone (no file hashing needed): finds a cell's runs cheaply. */
  settingsKey: z.string(),
  /**
   * sha256 over what generation depends on (the cache key without the grader): runs with equal
   * generation keys hold the same trajectories, so a new grader regrades instead of generating.
   * Absent in runs stored before it existed until the runner fills it in from their provenance.
   */
  generationKey: z.string().optional(),
  /** The run whose trajectories this run graded again (a regrading); null when it generated its own. */
  regradeOf: z.string().nullable().optional(),
  status: runStatus,
  error: z.string().nullable(),
  notebook: z.object({ path: z.string().nullable(), cellId: z.string(), title: z.string().nullable() }),
  /** e.g. "shifted-window W=512", for tables and legends. */
  label: z.string(),
  /** Position among the runs its cell's window setting expands to. */
  variant: z.object({ index: z.number().int(), of: z.number().int() }),
  planned: z.number().int(),
  done: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().nullable(),
  settings: runSettings,
  provenance: provenance.nullable(),
  summary: runSummary.nullable(),
  issues: z.array(storeIssue),
});
export type RunRecord = z.infer<typeof runRecord>;

export const runCellRef = z
  .object({
    notebookPath: z.string().min(1),
    cellId: z.string().min(1),
    /** The editor's current (possibly unsaved) notebook; read from notebookPath when left out. */
    notebook: notebookFile.optional(),
  })
  .strict();

export const jobRun = z.object({
  runId: z.string(),
  label: z.string(),
  /**
   * 'cached': complete and reused as is; 'resumed': continues a stopped run; 'regraded': grades
   * a stored run's trajectories with this grader (nothing generated); 'new'.
   */
  origin: z.enum(['cached', 'resumed', 'regraded', 'new']),
});

export const comparedRun = z.object({
  id: z.string(),
  label: z.string(),
  samples: z.number().int(),
  accuracy: proportion,
  meanThinking: z.number(),
  medianThinking: z.number(),
});

export const runComparison = z.object({
  a: comparedRun,
  b: comparedRun,
  /** Samples present in both runs (matched by problem id and sample index). */
  paired: z.object({
    pairs: z.number().int(),
    bothCorrect: z.number().int(),
    onlyA: z.number().int(),
    onlyB: z.number().int(),
    neither: z.number().int(),
    /** Accuracy of A minus accuracy of B over the pairs, with a paired bootstrap 95% interval. */
    difference: z.object({
      value: z.number(),
      low: z.number(),
      high: z.number(),
      resamples: z.number().int(),
      seed: z.number().int(),
    }),
    /** McNemar's test on the discordant pairs (exact binomial when they are fewer than 25). */
    mcnemar: z.object({ statistic: z.number(), pValue: z.number(), exact: z.boolean() }),
    meanThinkingDifference: z.number(),
  }),
  unpaired: z.object({ onlyInA: z.number().int(), onlyInB: z.number().int() }),
  sameDataset: z.boolean(),
  /** Samples graded differently, in problem order. */
  disagreements: z.array(
    z.object({
      key: z.string(),
      problemId: z.string(),
      sampleIndex: z.number().int(),
      aCorrect: z.boolean(),
      bCorrect: z.boolean(),
      aThinking: z.number().int(),
      bThinking: z.number().int(),
      aAnswer: z.string().nullable(),
      bAnswer: z.string().nullable(),
    }),
  ),
});
export type RunComparison = z.infer<typeof runComparison>;

export const sampleDiff = z.object({
  runId: z.string(),
  compared: z.number().int(),
  identical: z.number().int(),
  differing: z.array(
    z.object({
      key: z.string(),
      /** Index of the first generated token that differs (0-based over the whole trajectory). */
      firstDifference: z.number().int(),
      phase: generationPhase.nullable(),
      storedTokens: z.number().int(),
      newTokens: z.number().int(),
    }),
  ),
});
export type SampleDiff = z.infer<typeof sampleDiff>;

export const exportFormat = z.enum(['csv', 'jsonl', 'markdown', 'latex']);

export const runMethods = {
  'runs.start': method({
    params: runCellRef,
    result: z.object({ jobId: z.string(), runs: z.array(jobRun) }),
    doc: 'Runs a run cell: every strategy of its window cell over the dataset. Complete runs with the same cache key are reused, stopped ones resumed. Returns at once; `run.progress` and `run.state` events follow.',
  }),
  'runs.resume': method({
    params: z.object({ runId: z.string().min(1) }).strict(),
    result: z.object({ jobId: z.string(), runs: z.array(jobRun) }),
    doc: 'Continues a stopped run from its stored settings, generating only the samples it is missing.',
  }),
  'runs.regrade': method({
    params: z
      .object({
        runIds: z.array(z.string().min(1)).min(1),
        /** The grader to use; the runs' own grader settings (with today's rules) when left out. */
        grader: graderSettings.optional(),
      })
      .strict(),
    result: z.object({ jobId: z.string(), runs: z.array(jobRun) }),
    doc: 'Grades stored runs again without generating a token: each becomes a new run beside the old one (its grader and source run in provenance) that shares its trajectories. Progress, cancel and resume as for runs.start.',
  }),
  'runs.cancel': method({
    params: z.object({ jobId: z.string().min(1) }).strict(),
    result: z.object({ cancelled: z.boolean() }),
    doc: 'Stops a job; samples already finished stay stored and the runs can be resumed.',
  }),
  'runs.jobs': method({
    params: z.object({}).strict(),
    result: z.object({
      jobs: z.array(
        z.object({
          jobId: z.string(),
          cellId: z.string(),
          runIds: z.array(z.string()),
          done: z.number().int(),
          total: z.number().int(),
        }),
      ),
    }),
    doc: 'Jobs running now.',
  }),
  'runs.lookup': method({
    params: runCellRef,
    result: z.object({ runs: z.array(runRecord) }),
    doc: "The stored runs matching a run cell's current settings (by settings, without hashing model files), one per strategy, in window order.",
  }),
  'runs.list': method({
    params: z
      .object({ notebookPath: z.string().optional(), cellId: z.string().optional(), status: runStatus.optional() })
      .strict(),
    result: z.object({ runs: z.array(runRecord), issues: z.array(storeIssue) }),
    doc: 'Runs in the store (newest first), with problems the store found when opening.',
  }),
  'runs.get': method({
    params: z.object({ runId: z.string().min(1) }).strict(),
    result: runRecord,
    doc: 'One run: settings, provenance, stored summary (no recomputation) and issues.',
  }),
  'runs.samples': method({
    params: z
      .object({
        runId: z.string().min(1),
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(1000).default(100),
        filter: z
          .object({
            correct: z.boolean().optional(),
            cut: z.boolean().optional(),
            outcome: gradeOutcomeName.optional(),
            problemId: z.string().optional(),
          })
          .strict()
          .default({}),
      })
      .strict(),
    result: z.object({ total: z.number().int(), offset: z.number().int(), samples: z.array(sampleRecord) }),
    doc: "A page of a run's samples in problem order.",
  }),
  'runs.trajectory': method({
    params: z.object({ runId: z.string().min(1), key: z.string().min(1) }).strict(),
    result: trajectory,
    doc: "A sample's trajectory with its segments (thinking, hint, answer …), the window cut and the hint offset.",
  }),
  'runs.signals': method({
    params: z.object({ runId: z.string().min(1), key: z.string().min(1) }).strict(),
    result: sampleSignals,
    doc: 'A sample\'s per-token signals (log-probability, entropy, DeepConf confidence) with its phases, window cut and probes, for a run that recorded them (model or run cell signals mode "record").',
  }),
  'runs.compare': method({
    params: z
      .object({ a: z.string().min(1), b: z.string().min(1), bootstrapSeed: z.number().int().min(0).default(0) })
      .strict(),
    result: runComparison,
    doc: 'Two runs on the same problems: accuracies with Wilson intervals, thinking tokens, the paired difference (bootstrap interval, McNemar) and the disagreements.',
  }),
  'runs.rerunDiff': method({
    params: z.object({ runId: z.string().min(1), limit: z.number().int().min(1).optional() }).strict(),
    result: sampleDiff,
    doc: 'Generates a stored run again (nothing is stored) and compares token by token: identical, or the first differing position.',
  }),
  'runs.export': method({
    params: z
      .object({
        runIds: z.array(z.string().min(1)).min(1),
        what: z.enum(['samples', 'summary']),
        format: exportFormat,
        /** Written there when given; otherwise the text is returned. */
        path: z.string().min(1).optional(),
      })
      .strict(),
    result: z.object({ text: z.string().nullable(), path: z.string().nullable(), bytes: z.number().int() }),
    doc: 'Samples as CSV or JSONL; summaries as CSV, Markdown or LaTeX tables.',
  }),
  'runs.delete': method({
    params: z.object({ runId: z.string().min(1) }).strict(),
    result: z.object({ deleted: z.boolean() }),
    doc: 'Removes a run (index entry and its files).',
  }),
};

export const runEvents = {
  'run.progress': z.object({
    jobId: z.string(),
    cellId: z.string(),
    runIds: z.array(z.string()),
    /** Samples durable on disk (over all runs of the job), of the total. */
    done: z.number().int(),
    total: z.number().int(),
    tokensPerSecond: z.number(),
    etaSeconds: z.number().nullable(),
  }),
  'run.state': z.object({
    jobId: z.string(),
    cellId: z.string(),
    runIds: z.array(z.string()),
    state: z.enum(['running', 'complete', 'stopped', 'failed']),
    error: z.string().nullable(),
  }),
  /** A sample that just became durable (for live tables). */
  'run.sample': z.object({ jobId: z.string(), runId: z.string(), sample: sampleRecord }),
};
