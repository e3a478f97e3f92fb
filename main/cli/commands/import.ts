import path from 'node:path';
import { datasetFormat, type FieldMap } from '../../../common/notebook/datasetSettings';
import { mapRecords } from '../../datasets/mapRows';
import { readDatasetFile } from '../../datasets/readDatasetFile';
import { writeFileAtomic } from '../../store/atomicWrite';
import { EXIT, UsageError, flagString, parseArgs, type CliIo } from '../cliIo';

export const importUsage = `z1wb import FILE [--format jsonl|json|csv|parquet] [--map problem=question,answer=answer] [--answer-after "####"] [--out FILE.jsonl]
  Reads a dataset file with a field mapping and prints {"rows": N, "skipped": [{"line": L, "error": "…"}]}.
  Malformed rows are reported by line; the rest are imported.
  --map          FIELD=COLUMN pairs for problem, answer, choices, tests and id; several option
                 columns are joined with "+" (choices=Correct Answer+Incorrect Answer 1)
  --answer-after keep only the answer text after the last occurrence of this marker (GSM8K: ####)
  --out          also write the imported problems as JSONL (id, problem, answer, choices, tests, fields)`;

const FIELDS = ['problem', 'answer', 'choices', 'tests', 'id'] as const;

export function parseFieldMap(text: string | undefined): FieldMap {
  const map: Record<string, string | string[]> = {};
  if (!text) return map;
  for (const pair of text.split(',')) {
    const eq = pair.indexOf('=');
    const field = pair.slice(0, eq).trim();
    const column = pair.slice(eq + 1).trim();
    if (eq === -1 || !column) throw new UsageError(`--map: expected FIELD=COLUMN, got "${pair}"`);
    if (!(FIELDS as readonly string[]).includes(field))
      throw new UsageError(`--map: unknown field "${field}" (fields: ${FIELDS.join(', ')})`);
    map[field] = field === 'choices' && column.includes('+') ? column.split('+').map((c) => c.trim()) : column;
  }
  return map as FieldMap;
}

export async function importCommand(args: string[], io: CliIo): Promise<number> {
  const parsed = parseArgs(args, { values: ['format', 'map', 'answer-after', 'out'] });
  if (parsed.positional.length !== 1) throw new UsageError('expected one dataset file');
  const formatFlag = flagString(parsed, 'format');
  const format = formatFlag === undefined ? undefined : datasetFormat.safeParse(formatFlag);
  if (format && !format.success)
    throw new UsageError(`--format must be jsonl, json, csv or parquet, got "${formatFlag}"`);
  const map = parseFieldMap(flagString(parsed, 'map'));
  const file = path.resolve(parsed.positional[0]!);
  const mapped = mapRecords(await readDatasetFile(file, format?.data), {
    map,
    answerAfter: flagString(parsed, 'answer-after'),
  });
  const out = flagString(parsed, 'out');
  if (out)
    await writeFileAtomic(
      path.resolve(out),
      mapped.rows.map((row) => JSON.stringify(row)).join('\n') + (mapped.rows.length ? '\n' : ''),
    );
  io.stdout.write(JSON.stringify({ rows: mapped.rows.length, skipped: mapped.skipped }) + '\n');
  return EXIT.ok;
}
