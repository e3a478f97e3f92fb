import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../../common/api/contract/runs';
import { graderSettings, type GraderSettings } from '../../../common/grading/graderSettings';
import { summaryLatex, summaryMarkdown, unsandboxedNote } from '../../../main/store/exportRuns';
import { newRun } from './sampleFactory';

function run(label: string, grader: unknown): RunRecord {
  const init = newRun({ label });
  return {
    ...init,
    settings: { ...init.settings, grader: graderSettings.parse(grader) as GraderSettings },
    id: label,
    status: 'complete',
    error: null,
    done: 0,
    createdAt: '',
    updatedAt: '',
    finishedAt: null,
    summary: null,
    issues: [],
  };
}

describe('tables drawn from runs whose code ran without a sandbox say so', () => {
  const sandboxed = run('sandboxed', { grader: 'code' });
  const open = run('open', { grader: 'code', sandbox: 'none' });
  const math = run('math', { grader: 'math' });

  it('names exactly the runs that opted out', () => {
    expect(unsandboxedNote([sandboxed, math])).toBeNull();
    expect(unsandboxedNote([sandboxed, open, math])).toBe(
      'the code tests of open ran without a sandbox ("sandbox": "none"): their verdicts are not protected from the code under test.',
    );
  });

  it('under the Markdown and LaTeX summaries, and nowhere else', () => {
    expect(summaryMarkdown([open])).toContain('\nNote: the code tests of open ran without a sandbox');
    expect(summaryLatex([open])).toContain('\n% Note: the code tests of open ran without a sandbox');
    expect(summaryMarkdown([sandboxed])).not.toContain('Note:');
    expect(summaryLatex([math])).not.toContain('Note:');
  });
});
