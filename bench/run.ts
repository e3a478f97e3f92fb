import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { engineProcessEnv } from '../main/engine-supervisor/engineProcessEnv';
import { runEngineBench } from './suites/engine';
import { runGradingBench } from './suites/grading';
import { runHostBench } from './suites/host';
import { runRemoteBench } from './suites/remote';
import { runRemoteClientBench } from './suites/remoteClient';
import { runStoreBench } from './suites/store';
import { runUiBench } from './suites/ui';
import { checkTargets, formatTargets } from './targets';

type Suite = () => Promise<Record<string, unknown>>;

/** Every benchmark suite by name; each measures its ratios side by side in one run. */
const SUITES: Record<string, Suite> = {
  host: runHostBench,
  store: runStoreBench,
  ui: runUiBench,
  engine: runEngineBench,
  remote: runRemoteBench,
  'remote-client': runRemoteClientBench,
  grading: runGradingBench,
};

const RESULTS_DIR = fileURLToPath(new URL('./results', import.meta.url));

function flatten(value: unknown, prefix = ''): Array<[string, string]> {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    return Object.entries(value).flatMap(([key, inner]) => flatten(inner, prefix ? `${prefix}.${key}` : key));
  }
  const shown = typeof value === 'number' && !Number.isInteger(value) ? value.toFixed(3) : JSON.stringify(value);
  return [[prefix, shown]];
}

async function main(argv: string[]): Promise<number> {
  const json = argv.includes('--json');
  const names = argv.filter((arg) => !arg.startsWith('--'));
  const unknown = names.filter((name) => !(name in SUITES));
  if (unknown.length > 0) {
    console.error(`unknown benchmark suite: ${unknown.join(', ')} (known: ${Object.keys(SUITES).join(', ')})`);
    return 2;
  }
  const selected = names.length > 0 ? names : Object.keys(SUITES);
  const results: Record<string, unknown> = {};
  for (const name of selected) {
    console.error(`running benchmark suite "${name}" …`);
    results[name] = await SUITES[name]!();
  }
  const record = {
    date: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      memoryGiB: os.totalmem() / 2 ** 30,
      platform: process.platform,
    },
    ...results,
    targets: checkTargets(results),
  };
  await mkdir(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${selected.join('+')}-${record.date.replace(/[:.]/g, '-')}.json`);
  await writeFile(file, JSON.stringify(record, null, 2) + '\n');
  if (json) {
    // A single suite prints its own object (so `bench -- engine --json` yields the engine's keys).
    process.stdout.write(JSON.stringify(selected.length === 1 ? results[selected[0]!] : record, null, 2) + '\n');
  } else {
    const rows = flatten(results);
    const width = Math.max(...rows.map(([key]) => key.length));
    for (const [key, value] of rows) process.stdout.write(`${key.padEnd(width)}  ${value}\n`);
  }
  // The verdicts go to stderr so that `--json` keeps stdout one JSON document.
  if (record.targets.length > 0) console.error(`\ntargets (docs/architecture.md):\n${formatTargets(record.targets)}\n`);
  console.error(`results written to ${path.relative(process.cwd(), file)}`);
  return 0;
}

/**
 * The suites measure the engine as it runs, so this process needs the engine process's
 * environment (engineProcessEnv: libuv reads it once, at start): without it, run again with it.
 */
function rerunWithEngineEnvironment(): number | null {
  const wanted = engineProcessEnv();
  if (Object.entries(wanted).every(([key, value]) => process.env[key] === value)) return null;
  const child = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, ...wanted },
  });
  return child.status ?? 1;
}

const rerun = rerunWithEngineEnvironment();
if (rerun !== null) process.exit(rerun);

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
