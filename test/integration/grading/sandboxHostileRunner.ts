import { codeGraderSettings } from '../../../common/grading/graderSettings';
import { gradeCode } from '../../../main/grading/code/gradeCode';
import { escapePrograms, forgingPrograms, type Targets } from './sandboxHostilePrograms';

export interface HostileGrade {
  name: string;
  outcome: string;
  tests: Array<[string, string]>;
  isolation: string | null;
  uid: number;
}

/** Grades every hostile program against its tests, one after another, as the current user. */
export async function gradeHostilePrograms(targets: Targets): Promise<HostileGrade[]> {
  const settings = codeGraderSettings.parse({ grader: 'code', timeoutMs: 3000, totalTimeoutMs: 60_000 });
  const grades: HostileGrade[] = [];
  for (const program of [...forgingPrograms(), ...escapePrograms(targets)]) {
    const result = await gradeCode(settings, {
      response: `\`\`\`python\n${program.code}\n\`\`\``,
      tests: program.tests,
    });
    grades.push({
      name: program.name,
      outcome: result.outcome,
      tests: (result.tests ?? []).map((t) => [t.outcome, t.reason]),
      isolation: result.sandbox?.isolation ?? null,
      uid: process.getuid?.() ?? -1,
    });
  }
  return grades;
}

// Run by `runuser` as an unprivileged user: the targets come as JSON, the grades go to stdout.
if (process.argv[1]?.endsWith('sandboxHostileRunner.ts')) {
  const targets = JSON.parse(process.argv[2]!) as Targets;
  process.stdout.write(`${JSON.stringify(await gradeHostilePrograms(targets))}\n`);
}
