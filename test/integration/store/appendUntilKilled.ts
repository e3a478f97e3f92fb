/**
 * Child process for killAppend.test.ts: appends samples 0, 1, 2, … to a run folder (batches in
 * flight at once, as parallel sequences finish), saves samples.cache once after `cacheAfter`
 * samples (as a run that stopped and resumed would have), and prints `durable FROM TO` each time a
 * batch is on disk, until it is killed. With a third argument `signals`, every sample carries
 * per-token signals (signals.bin is appended with the other two files).
 */
import { RunFiles } from '../../../main/store/RunFiles';
import { sample } from '../../unit/store/sampleFactory';

const [dir, cacheAfterArg, withSignals] = process.argv.slice(2);
const cacheAfter = Number(cacheAfterArg);
const BATCH = 8;
const IN_FLIGHT = 4;

const { files } = await RunFiles.open(dir!);
const inFlight = new Set<Promise<void>>();
for (let from = 0; ; from += BATCH) {
  const batch = Array.from({ length: BATCH }, (_, i) =>
    sample(from + i, { samplesPerProblem: 4, signals: withSignals === 'signals' }),
  );
  const done = files.append(batch).then(() => {
    process.stdout.write(`durable ${from} ${from + BATCH}\n`);
    inFlight.delete(done);
  });
  inFlight.add(done);
  if (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
  if (from + BATCH === cacheAfter) {
    await Promise.all(inFlight);
    await files.saveCache();
    process.stdout.write('cached\n');
  }
}
