import path from 'node:path';
import type { RunRecord, SampleSignals } from '../../../common/api/contract/runs';
import { compareStoredRuns, exportRuns, signalsOf } from '../../runner/runQueries';
import { RunStore } from '../../store/RunStore';
import { defaultStoreDir, STORE_ENV } from '../../store/storeDir';
import { EXIT, UsageError, flagString, parseArgs, type CliIo } from '../cliIo';
import { regradeCommand } from './regrade';
import { runSummaryJson } from './run';

export const runsUsage = `z1wb runs list [--store DIR] [--notebook FILE] [--status running|stopped|complete] [--json]
z1wb runs show ID [--store DIR] [--json]
z1wb runs export ID... [--what samples|summary] [--format csv|jsonl|markdown|latex] [--out FILE] [--store DIR]
z1wb runs compare A B [--store DIR] [--json]
z1wb runs signals ID KEY [--store DIR] [--json]
z1wb runs regrade ID... [--settings JSON] [--store DIR] [--json]
  Lists, shows, exports and compares the runs in a store (default: $${STORE_ENV} or the
  per-OS app-data folder). Exports: samples as CSV (default) or JSONL; summaries as CSV,
  Markdown or LaTeX (default for --what summary: markdown). Without --out they go to stdout.
  Signals prints one sample's per-token signals (a run that recorded them), a token per line
  with its phase, and where the phases change, the window cut and the probes lie.
  Regrade grades stored runs again (with --settings, a grader's settings as JSON; without, the
  runs' own under today's rules) into new runs beside them: no model runs, nothing is generated.`;

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return (
    rows
      .map((r) =>
        r
          .map((cell, i) => cell.padEnd(widths[i]!))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

/** A sample's signals as text: what is marked on the trace, then one line per token. */
function signalsTable(s: SampleSignals): string {
  const value = (v: number | null) => (v === null ? '–' : v.toFixed(4));
  const phaseAt = (i: number) => s.spans.find((span) => i >= span.start && i < span.end);
  const marks = [
    `sample ${s.key}: ${s.tokens} tokens, signals over the top ${s.topK}`,
    `phases: ${s.spans.map((span) => `${span.phase}${span.inserted ? ' (inserted)' : ''} ${span.start}–${span.end}`).join(', ')}`,
    s.cutIndex === null ? '' : `window cut before token ${s.cutIndex}`,
    ...s.probes.map(
      (p) =>
        `probe at token ${p.atIndex}: ${p.tokens} tokens, score ${p.score.toFixed(4)}${p.exited ? ', exited' : ''}`,
    ),
  ];
  const rows = [['TOKEN', 'PHASE', 'LOGPROB', 'ENTROPY', 'CONFIDENCE']];
  for (let i = 0; i < s.tokens; i++)
    rows.push([
      String(i),
      phaseAt(i)?.phase ?? '',
      value(s.logprob[i]!),
      value(s.entropy[i]!),
      value(s.confidence[i]!),
    ]);
  return marks.filter(Boolean).join('\n') + '\n' + table(rows);
}

export async function runsCommand(args: string[], io: CliIo): Promise<number> {
  const parsed = parseArgs(args, {
    values: ['store', 'notebook', 'status', 'what', 'format', 'out', 'seed', 'settings'],
    booleans: ['json'],
  });
  const [sub, ...ids] = parsed.positional;
  const json = parsed.flags.has('json');
  const storeDir = path.resolve(flagString(parsed, 'store') ?? defaultStoreDir());
  // Everything but regrade only reads: a store this user cannot write (read-only, another
  // user's) still opens for it, without the lock and writing nothing.
  const store = await RunStore.open(storeDir, { allowReadOnly: sub !== 'regrade' });
  try {
    for (const issue of store.issues)
      io.stderr.write(`store: ${issue.message}${issue.keptAs ? ` (kept as ${issue.keptAs})` : ''}\n`);
    switch (sub) {
      case 'list': {
        const status = flagString(parsed, 'status');
        if (status !== undefined && !['running', 'stopped', 'complete'].includes(status))
          throw new UsageError(`--status must be running, stopped or complete`);
        const notebook = flagString(parsed, 'notebook');
        const runs = store.list({
          ...(notebook ? { notebookPath: path.resolve(notebook) } : {}),
          ...(status ? { status: status as RunRecord['status'] } : {}),
        });
        if (json) {
          io.stdout.write(
            JSON.stringify(
              runs.map((r) => ({
                ...runSummaryJson(r, r.notebook.cellId, null),
                notebook: r.notebook.path,
                createdAt: r.createdAt,
              })),
            ) + '\n',
          );
        } else if (runs.length === 0) {
          io.stdout.write('no runs in this store\n');
        } else {
          io.stdout.write(
            table([
              ['ID', 'CELL', 'RUN', 'STATUS', 'SAMPLES', 'ACCURACY', 'MEAN THINK', 'CREATED'],
              ...runs.map((r) => [
                r.id,
                r.notebook.cellId,
                r.label,
                r.status,
                `${r.done}/${r.planned}`,
                r.summary ? pct(r.summary.accuracy.value) : '–',
                r.summary ? r.summary.thinking.phase1.mean.toFixed(1) : '–',
                r.createdAt.slice(0, 19).replace('T', ' '),
              ]),
            ]),
          );
        }
        return EXIT.ok;
      }
      case 'show': {
        if (ids.length !== 1) throw new UsageError('runs show takes one run id');
        await store.runFiles(ids[0]!); // checks the files and brings the summary up to date
        const run = store.get(ids[0]!);
        if (json) {
          io.stdout.write(JSON.stringify(run, null, 2) + '\n');
        } else {
          const s = run.summary;
          const lines = [
            `run ${run.id}: ${run.label} (${run.status}${run.error ? `: ${run.error}` : ''})`,
            `notebook ${run.notebook.path ?? '–'}, cell ${run.notebook.cellId}`,
            `samples ${run.done}/${run.planned}`,
            s
              ? `accuracy ${pct(s.accuracy.value)} (95% CI ${pct(s.accuracy.low)}–${pct(s.accuracy.high)})`
              : 'no samples yet',
            s
              ? `thinking tokens: mean ${s.thinking.phase1.mean.toFixed(1)}, median ${s.thinking.phase1.median}, max ${s.thinking.phase1.max}; cut ${pct(s.cut.value)}`
              : '',
            s?.deepconf
              ? `DeepConf offline (lowest group confidence): low (top 10%) ${pct(s.deepconf.low)}, high (top 90%) ${pct(s.deepconf.high)}, weighted vote ${pct(s.deepconf.weighted)}`
              : '',
            run.provenance
              ? `model ${run.provenance.model.source} (sha256 ${run.provenance.model.sha256.slice(0, 12)}…), llama.cpp ${run.provenance.llamaCpp.release} ${run.provenance.llamaCpp.backend}`
              : '',
            ...run.issues.map((i) => `issue: ${i.message}${i.keptAs ? ` (kept as ${i.keptAs})` : ''}`),
          ];
          io.stdout.write(lines.filter(Boolean).join('\n') + '\n');
        }
        return EXIT.ok;
      }
      case 'export': {
        if (ids.length === 0) throw new UsageError('runs export takes one or more run ids');
        const what = flagString(parsed, 'what') ?? 'samples';
        if (what !== 'samples' && what !== 'summary') throw new UsageError('--what must be samples or summary');
        const format = flagString(parsed, 'format') ?? (what === 'samples' ? 'csv' : 'markdown');
        const allowed = what === 'samples' ? ['csv', 'jsonl'] : ['csv', 'markdown', 'latex'];
        if (!allowed.includes(format)) throw new UsageError(`--format for ${what}: ${allowed.join(', ')}`);
        const out = flagString(parsed, 'out');
        const exported = await exportRuns(store, ids, what, format as 'csv', out ? path.resolve(out) : undefined);
        if (exported.text !== null) io.stdout.write(exported.text);
        else io.stderr.write(`wrote ${exported.bytes} bytes to ${exported.path}\n`);
        return EXIT.ok;
      }
      case 'compare': {
        if (ids.length !== 2) throw new UsageError('runs compare takes two run ids');
        const seed = Number(flagString(parsed, 'seed') ?? 0);
        const c = await compareStoredRuns(store, ids[0]!, ids[1]!, seed);
        if (json) {
          io.stdout.write(JSON.stringify(c, null, 2) + '\n');
        } else {
          const d = c.paired.difference;
          io.stdout.write(
            [
              `A ${c.a.label}: ${pct(c.a.accuracy.value)} (${pct(c.a.accuracy.low)}–${pct(c.a.accuracy.high)}), thinking mean ${c.a.meanThinking.toFixed(1)} median ${c.a.medianThinking}`,
              `B ${c.b.label}: ${pct(c.b.accuracy.value)} (${pct(c.b.accuracy.low)}–${pct(c.b.accuracy.high)}), thinking mean ${c.b.meanThinking.toFixed(1)} median ${c.b.medianThinking}`,
              `paired over ${c.paired.pairs} samples: A−B ${pct(d.value)} (bootstrap 95% ${pct(d.low)}–${pct(d.high)}); McNemar p=${c.paired.mcnemar.pValue.toPrecision(3)}${c.paired.mcnemar.exact ? ' (exact)' : ''}`,
              `disagreements: ${c.disagreements.length}${
                c.disagreements.length
                  ? ` (${c.disagreements
                      .slice(0, 10)
                      .map((x) => x.key)
                      .join(', ')}${c.disagreements.length > 10 ? ', …' : ''})`
                  : ''
              }`,
              c.sameDataset ? '' : 'warning: the runs are on different datasets',
            ]
              .filter(Boolean)
              .join('\n') + '\n',
          );
        }
        return EXIT.ok;
      }
      case 'signals': {
        if (ids.length !== 2) throw new UsageError('runs signals takes a run id and a sample key');
        const signals = await signalsOf(store, ids[0]!, ids[1]!);
        io.stdout.write(json ? JSON.stringify(signals) + '\n' : signalsTable(signals));
        return EXIT.ok;
      }
      case 'regrade':
        return await regradeCommand(store, ids, flagString(parsed, 'settings'), { json, storeDir }, io);
      default:
        throw new UsageError(
          sub ? `unknown subcommand "${sub}"` : 'expected list, show, export, compare, signals or regrade',
        );
    }
  } finally {
    await store.close();
  }
}
