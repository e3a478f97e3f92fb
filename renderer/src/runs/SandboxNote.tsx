import type { RunRecord } from '../../../common/api/contract/runs';
import { runsCodeUnsandboxed } from '../../../common/grading/graderSettings';

/** Runs whose code tests ran outside any sandbox, because their grader said `"sandbox": "none"`. */
export function unsandboxedRuns(runs: readonly RunRecord[]): RunRecord[] {
  return runs.filter((r) => runsCodeUnsandboxed(r.settings.grader));
}

/**
 * Said next to every figure and table drawn from such runs: their pass rates come from programs
 * that ran with the researcher's own rights, so a program could have written its own verdict.
 */
export function SandboxNote({ runs }: { runs: readonly RunRecord[] }) {
  const unsandboxed = unsandboxedRuns(runs);
  if (unsandboxed.length === 0) return null;
  return (
    <div className="status-line error" data-testid="sandbox-note" role="note">
      Code of {unsandboxed.map((r) => r.label).join(', ')} ran without a sandbox (<code>"sandbox": "none"</code>): its
      tests ran with your rights and network, and their verdicts are not protected from the code under test.
    </div>
  );
}
