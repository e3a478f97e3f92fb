import { copyFile, truncate, writeFile } from 'node:fs/promises';
import type { StoreIssue } from '../../common/api/contract/runs';
import { fileTimestamp } from './atomicWrite';
import { keepTail, lastNewline } from './appendOnlyFiles';
import type { SampleLines } from './readSampleLines';

/**
 * What opening a run repaired. Every repair keeps the damaged bytes aside beside the file first
 * (`<file>.torn-<time>` or `<file>.corrupt-<time>`), then reports it as an issue naming both.
 */
export class RepairLog {
  readonly issues: StoreIssue[] = [];
  private readonly now = new Date();
  /** The suffix of every kept-aside file of this opening. */
  readonly stamp = fileTimestamp(this.now);

  report(kind: StoreIssue['kind'], file: string, message: string, keptAs: string | null): void {
    this.issues.push({ kind, file, message, keptAs, at: this.now.toISOString() });
  }

  repaired(file: string): boolean {
    return this.issues.some((i) => i.file === file);
  }
}

/**
 * Cuts an unfinished last line off a file of lines (a write a crash interrupted); only the tail
 * is read, as the file can be large. Returns the file's size afterwards.
 */
export async function cutTornLine(file: string, size: number, log: RepairLog): Promise<number> {
  if (size === 0) return 0;
  const end = (await lastNewline(file, size)) + 1;
  if (end >= size) return size;
  const keptAs = `${file}.torn-${log.stamp}`;
  await keepTail(file, end, size, keptAs);
  await truncate(file, end);
  log.report('truncated', file, `the last ${size - end} bytes are an unfinished write; kept aside and cut off`, keptAs);
  return end;
}

/**
 * Signal blocks after the last one a row points to were written by appends that never committed
 * (a crash between the writes and the row): kept aside and cut off. Returns the size afterwards.
 */
export async function cutUncommittedSignals(file: string, size: number, end: number, log: RepairLog): Promise<number> {
  if (size <= end) return size;
  const keptAs = `${file}.torn-${log.stamp}`;
  await keepTail(file, end, size, keptAs);
  await truncate(file, end);
  log.report(
    'truncated',
    file,
    `the last ${size - end} bytes hold no stored sample's signals (an append cut off by a crash); kept aside and cut off`,
    keptAs,
  );
  return end;
}

/**
 * Reports what reading samples.jsonl dropped (damaged, repeated, pointing past the other files)
 * and its torn tail, after keeping the whole file (or the tail alone) aside. The file itself is
 * rewritten afterwards by its owner when anything was reported.
 */
export async function reportSampleDamage(file: string, read: SampleLines, log: RepairLog): Promise<void> {
  const { badLines, duplicates, missing, tornTail } = read;
  let keptWhole: string | null = null;
  if (badLines.length > 0 || duplicates > 0 || missing > 0) {
    keptWhole = `${file}.corrupt-${log.stamp}`;
    await copyFile(file, keptWhole);
  }
  if (badLines.length > 0) {
    const where = badLines
      .slice(0, 5)
      .map((b) => `line ${b.line}: ${b.error}`)
      .join('; ');
    const more = badLines.length > 5 ? '; …' : '';
    log.report(
      'corrupt',
      file,
      `${badLines.length} damaged line(s) dropped (${where}${more}); those samples will be generated again on resume`,
      keptWhole,
    );
  }
  if (duplicates > 0) {
    log.report('duplicate', file, `${duplicates} repeated sample(s) dropped (the first copy is kept)`, keptWhole);
  }
  if (missing > 0) {
    log.report(
      'missing',
      file,
      `${missing} sample(s) whose trajectory or signals were never written dropped; they will be generated again on resume`,
      keptWhole,
    );
  }
  if (tornTail !== null) {
    let keptAs = keptWhole;
    if (!keptAs) {
      keptAs = `${file}.torn-${log.stamp}`;
      await writeFile(keptAs, tornTail);
    }
    log.report(
      'truncated',
      file,
      `the last ${tornTail.length} bytes are an unfinished write; kept aside and cut off`,
      keptAs,
    );
  }
}
