import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TokenSignals } from '../../common/api/contract/generation';
import { RunFiles, type SampleWithTrajectory } from '../../main/store/RunFiles';
import { SIGNALS_FILE } from '../../main/store/signalBlocks';
import { makeSample } from './storeSamples';

/** Samples per round and tokens per sample: a long-thinking run's traces. */
const SAMPLES = 2000;
const TOKENS = 2000;
const ROUNDS = 3;
const IN_FLIGHT = 64;

function signalsOf(index: number): TokenSignals {
  const values = (f: (i: number) => number) => Array.from({ length: TOKENS }, (_, i) => (i % 50 === 49 ? null : f(i)));
  return {
    topK: 20,
    logprob: values((i) => -((index * 31 + i * 17) % 2000) / 100),
    entropy: values((i) => ((index * 13 + i * 7) % 300) / 100),
    confidence: values((i) => 3 + ((index * 11 + i * 29) % 1500) / 100),
  };
}

/** Durable appends of one sample each with up to `inFlight` outstanding (each resolves once fsynced). */
export async function appendDurably(files: RunFiles, samples: SampleWithTrajectory[], inFlight: number): Promise<void> {
  const pending = new Set<Promise<void>>();
  for (const s of samples) {
    const p = files.append([s]).then(() => void pending.delete(p));
    pending.add(p);
    if (pending.size >= inFlight) await Promise.race(pending);
  }
  await Promise.all(pending);
}

async function appendAll(dir: string, samples: SampleWithTrajectory[]): Promise<number> {
  const { files } = await RunFiles.open(dir);
  const start = performance.now();
  await appendDurably(files, samples, IN_FLIGHT);
  const seconds = (performance.now() - start) / 1000;
  await files.close();
  return seconds;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * Per-token signals in signals.bin: durable appends of samples recording 2000 tokens of signals
 * against the same samples without (alternating, order flipped each round), the bytes per token,
 * a sample's signals read by its offset, and that opening a run does not read the file.
 */
export async function runSignalsBench(): Promise<Record<string, unknown>> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'z1wb-signals-bench-'));
  try {
    const plain = Array.from({ length: SAMPLES }, (_, i) => makeSample(i));
    const recorded = plain.map((s, i) => ({ ...s, signals: signalsOf(i) }));
    const withSeconds: number[] = [];
    const withoutSeconds: number[] = [];
    let last = '';
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? ['with', 'without'] : ['without', 'with'];
      for (const which of order) {
        const dir = path.join(root, `${which}-${round}`);
        if (which === 'with') {
          withSeconds.push(await appendAll(dir, recorded));
          last = dir;
        } else withoutSeconds.push(await appendAll(dir, plain));
      }
    }
    const signalBytes = (await stat(path.join(last, SIGNALS_FILE))).size;

    const openStart = performance.now();
    const { files } = await RunFiles.open(last);
    const openMs = performance.now() - openStart;
    const readStart = performance.now();
    let checked = 0;
    for (let i = 0; i < 200; i++) {
      const index = (i * 997) % SAMPLES;
      const read = await files.readSignals(recorded[index]!.record.key);
      if (read.logprob.length === TOKENS && read.confidence[49] === null) checked++;
    }
    const readMs = (performance.now() - readStart) / 200;
    await files.close();
    return {
      samples: SAMPLES,
      tokensPerSample: TOKENS,
      rounds: ROUNDS,
      appendWithSignalsSeconds: median(withSeconds),
      appendWithoutSeconds: median(withoutSeconds),
      appendRatio: median(withoutSeconds) / median(withSeconds),
      signalsFileBytes: signalBytes,
      bytesPerToken: signalBytes / (SAMPLES * TOKENS),
      openRunMs: openMs,
      readOneSampleMs: readMs,
      readsChecked: checked,
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
