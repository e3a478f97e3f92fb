import { sampleRecord, type RunRecord, type SampleRecord } from '../../common/api/contract/runs';
import { strategyWindow } from '../../common/settings/strategy';
import { runsCodeUnsandboxed } from '../../common/grading/graderSettings';

/**
 * Exports for papers and spreadsheets. Samples carry grades and token counts, never the problem
 * text (some datasets, GPQA among them, must not be republished), and summaries become the
 * tables a paper shows: one row per run.
 */

/** Every field of a stored sample record, in the record schema's order: an export loses none. */
export const SAMPLE_EXPORT_COLUMNS = Object.keys(sampleRecord.shape) as ReadonlyArray<keyof SampleRecord>;

/** RFC 4180: quote fields holding a comma, quote or line break; double inner quotes. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function samplesCsv(runs: Array<{ run: RunRecord; samples: readonly SampleRecord[] }>): string {
  const lines = [['runId', 'label', ...SAMPLE_EXPORT_COLUMNS].join(',')];
  for (const { run, samples } of runs) {
    const prefix = `${csvField(run.id)},${csvField(run.label)}`;
    for (const s of samples) lines.push(`${prefix},${SAMPLE_EXPORT_COLUMNS.map((c) => csvField(s[c])).join(',')}`);
  }
  return lines.join('\n') + '\n';
}

export function samplesJsonl(runs: Array<{ run: RunRecord; samples: readonly SampleRecord[] }>): string {
  let out = '';
  for (const { run, samples } of runs)
    for (const s of samples) out += JSON.stringify({ runId: run.id, label: run.label, ...s }) + '\n';
  return out;
}

interface SummaryRow {
  run: string;
  label: string;
  strategy: string;
  window: string;
  samples: string;
  accuracy: string;
  ciLow: string;
  ciHigh: string;
  meanThinking: string;
  medianThinking: string;
  cutRate: string;
}

function summaryRows(runs: readonly RunRecord[]): SummaryRow[] {
  return runs.map((run) => {
    const s = run.summary;
    const pct = (x: number | undefined) => (x === undefined ? '' : (100 * x).toFixed(1));
    return {
      run: run.id,
      label: run.label,
      strategy: run.settings.strategy.strategy,
      window: String(strategyWindow(run.settings.strategy) ?? ''),
      samples: String(s?.samples ?? 0),
      accuracy: pct(s?.accuracy.value),
      ciLow: pct(s?.accuracy.low),
      ciHigh: pct(s?.accuracy.high),
      meanThinking: s ? s.thinking.phase1.mean.toFixed(1) : '',
      medianThinking: s ? String(s.thinking.phase1.median) : '',
      cutRate: pct(s?.cut.value),
    };
  });
}

export function summaryCsv(runs: readonly RunRecord[]): string {
  const header =
    'run,label,strategy,window,samples,accuracy_pct,ci95_low_pct,ci95_high_pct,mean_thinking_tokens,median_thinking_tokens,cut_pct';
  const rows = summaryRows(runs).map((r) =>
    [
      r.run,
      r.label,
      r.strategy,
      r.window,
      r.samples,
      r.accuracy,
      r.ciLow,
      r.ciHigh,
      r.meanThinking,
      r.medianThinking,
      r.cutRate,
    ]
      .map(csvField)
      .join(','),
  );
  return [header, ...rows].join('\n') + '\n';
}

export function summaryMarkdown(runs: readonly RunRecord[]): string {
  const escape = (text: string) => text.replace(/\|/g, '\\|');
  const lines = [
    '| Run | Strategy | Window | Samples | Accuracy (%) | 95% CI | Mean thinking | Median thinking |',
    '|---|---|---:|---:|---:|---|---:|---:|',
    ...summaryRows(runs).map(
      (r) =>
        `| ${escape(r.label)} | ${r.strategy} | ${r.window || '–'} | ${r.samples} | ${r.accuracy} | ${r.ciLow}–${r.ciHigh} | ${r.meanThinking} | ${r.medianThinking} |`,
    ),
  ];
  const note = unsandboxedNote(runs);
  if (note) lines.push('', `Note: ${note}`);
  return lines.join('\n') + '\n';
}

/**
 * What a table drawn from runs whose code ran without a sandbox (`"sandbox": "none"`) must say
 * under it; null when every run was sandboxed or ran no code.
 */
export function unsandboxedNote(runs: readonly RunRecord[]): string | null {
  const labels = runs.filter((r) => runsCodeUnsandboxed(r.settings.grader)).map((r) => r.label);
  return labels.length === 0
    ? null
    : `the code tests of ${labels.join(', ')} ran without a sandbox ("sandbox": "none"): their verdicts are not protected from the code under test.`;
}

/** LaTeX special characters, escaped for text mode. */
export function latexEscape(text: string): string {
  return text.replace(/[\\{}$&#^_%~]/g, (c) =>
    c === '\\' ? '\\textbackslash{}' : c === '^' ? '\\textasciicircum{}' : c === '~' ? '\\textasciitilde{}' : `\\${c}`,
  );
}

/** A booktabs table, ready for \input{} in a paper. */
export function summaryLatex(runs: readonly RunRecord[]): string {
  const note = unsandboxedNote(runs);
  const rows = summaryRows(runs).map(
    (r) =>
      `${latexEscape(r.label)} & ${latexEscape(r.strategy)} & ${r.window || '--'} & ${r.samples} & ${r.accuracy} & [${r.ciLow}, ${r.ciHigh}] & ${r.meanThinking} & ${r.medianThinking} \\\\`,
  );
  return (
    [
      '% Generated by Z1 Workbench; requires \\usepackage{booktabs}',
      '\\begin{tabular}{llrrrlrr}',
      '\\toprule',
      'Run & Strategy & Window & Samples & Acc. (\\%) & 95\\% CI & Mean think & Median think \\\\',
      '\\midrule',
      ...rows,
      '\\bottomrule',
      '\\end{tabular}',
      ...(note ? [`% Note: ${note}`] : []),
    ].join('\n') + '\n'
  );
}
