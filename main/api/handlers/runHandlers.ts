import { experimentsOf } from '../experiments';
import { compareStoredRuns, exportRuns, samplePage, signalsOf, trajectoryOf } from '../../runner/runQueries';
import type { Handlers } from '../../messaging/Dispatcher';
import type { HostContext } from '../HostContext';

/** runs.*: start, resume and cancel run cells; list, open, compare and export stored runs. */
export function createRunHandlers(ctx: HostContext): Handlers {
  const runner = async () => (await experimentsOf(ctx)).runner;
  const store = async () => (await experimentsOf(ctx)).store;
  return {
    'runs.start': async (ref) => (await runner()).start(ref),
    'runs.resume': async ({ runId }) => (await runner()).resume(runId),
    'runs.regrade': async ({ runIds, grader }) => (await runner()).regrade(runIds, grader),
    'runs.cancel': async ({ jobId }) => ({ cancelled: (await runner()).cancel(jobId) }),
    'runs.jobs': async () => ({ jobs: (await runner()).activeJobs() }),
    'runs.lookup': async (ref) => ({ runs: await (await runner()).lookup(ref) }),
    'runs.list': async (filter) => {
      const s = await store();
      return { runs: s.list(filter), issues: s.issues };
    },
    'runs.get': async ({ runId }) => (await store()).get(runId),
    'runs.samples': async ({ runId, offset, limit, filter }) => samplePage(await store(), runId, offset, limit, filter),
    'runs.trajectory': async ({ runId, key }) => trajectoryOf(await store(), runId, key),
    'runs.signals': async ({ runId, key }) => signalsOf(await store(), runId, key),
    'runs.compare': async ({ a, b, bootstrapSeed }) => compareStoredRuns(await store(), a, b, bootstrapSeed),
    'runs.rerunDiff': async ({ runId, limit }) => (await runner()).rerunDiff(runId, limit),
    'runs.export': async ({ runIds, what, format, path }) => exportRuns(await store(), runIds, what, format, path),
    'runs.delete': async ({ runId }) => ({ deleted: await (await store()).deleteRun(runId) }),
  };
}
