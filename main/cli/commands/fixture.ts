import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describeFixture, FIXTURE_KINDS, writeFixture, type FixtureKind } from '../../fixtures/fixtureFiles';
import { oracleDatasetJsonl } from '../../fixtures/oracleSpec';
import { EXIT, UsageError, flagInteger, flagString, parseArgs } from '../cliIo';

export const fixtureUsage = `z1wb fixture --kind oracle|stochastic|bench [--out FILE] [--dataset FILE] [--seed N]
  Writes one of the project's own GGUF test models (docs/fixtures.md):
    oracle      deterministic per problem: known thinking lengths, answers, hint and "Wait" behaviour
    stochastic  the oracle's problems with thinking lengths drawn at random (temperature 1)
    bench       random f16 weights of a realistic shape (~63M parameters) for benchmarks
  --out FILE      where to write the .gguf
  --dataset FILE  also write the problems these models know (oracle and stochastic) as JSONL
  --seed N        bench only: seed of the random weights (default 1)`;

/** `z1wb fixture`: writes a test model (and optionally its dataset); returns the exit code. */
export async function fixtureCommand(
  args: string[],
  io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream },
): Promise<number> {
  let request: { kind: FixtureKind; out?: string; dataset?: string; seed?: number };
  try {
    request = parseFixtureArgs(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`z1wb fixture: ${error.message}\n\n${fixtureUsage}\n`);
    return EXIT.usage;
  }
  try {
    if (request.out !== undefined) {
      const out = path.resolve(request.out);
      const options = request.seed === undefined ? {} : { seed: request.seed };
      const started = Date.now();
      const bytes = await writeFixture(request.kind, out, options);
      const megabytes = (bytes / 1e6).toFixed(1);
      io.stdout.write(
        `wrote ${out}: ${describeFixture(request.kind, options)} (${megabytes} MB, ${Date.now() - started} ms)\n`,
      );
    }
    if (request.dataset !== undefined) {
      const dataset = path.resolve(request.dataset);
      await writeFile(dataset, oracleDatasetJsonl());
      io.stdout.write(`wrote ${dataset}: the oracle problems (id, problem, answer, thinkingLength)\n`);
    }
    return EXIT.ok;
  } catch (error) {
    io.stderr.write(`z1wb fixture: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.failed;
  }
}

function parseFixtureArgs(args: string[]): { kind: FixtureKind; out?: string; dataset?: string; seed?: number } {
  const parsed = parseArgs(args, { values: ['kind', 'out', 'dataset', 'seed'] });
  if (parsed.positional.length > 0) throw new UsageError(`unexpected argument "${parsed.positional[0]}"`);
  const kindText = flagString(parsed, 'kind');
  if (kindText === undefined) throw new UsageError('--kind is required (oracle, stochastic or bench)');
  if (!(FIXTURE_KINDS as readonly string[]).includes(kindText)) {
    throw new UsageError(`--kind must be oracle, stochastic or bench, got "${kindText}"`);
  }
  const kind = kindText as FixtureKind;
  const out = flagString(parsed, 'out');
  const dataset = flagString(parsed, 'dataset');
  const seed = flagInteger(parsed, 'seed', { min: 0, max: 0xffffffff });
  if (out === undefined && dataset === undefined) throw new UsageError('--out is required (or --dataset)');
  if (seed !== undefined && kind !== 'bench') throw new UsageError('--seed applies to --kind bench only');
  if (dataset !== undefined && kind === 'bench')
    throw new UsageError('--dataset applies to --kind oracle or stochastic');
  return { kind, out, dataset, seed };
}
