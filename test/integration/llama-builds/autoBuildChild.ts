import { AutoNativeBuild } from '../../../main/llama-builds/AutoNativeBuild';
import { smallBuildSteps } from './smallBuild';

/** An engine-like process running the automatic build job on the small project, to be killed. */
const [dir, cacheDir] = process.argv.slice(2) as [string, string];
const job = new AutoNativeBuild({
  cacheDir,
  steps: smallBuildSteps(dir, cacheDir),
  onStatus: (status) => process.stdout.write(`${JSON.stringify(status)}\n`),
});
void job.start();
