import { appVersion } from '../api/appVersion';
import { EXIT, UsageError, type CliIo } from './cliIo';
import { fixtureCommand, fixtureUsage } from './commands/fixture';
import { gradeCommand, gradeUsage } from './commands/grade';
import { serveCommand, serveUsage } from './commands/serve';
import { runCommand, runUsage } from './commands/run';
import { importCommand, importUsage } from './commands/import';
import { runsCommand, runsUsage } from './commands/runs';

interface Command {
  summary: string;
  usage: string;
  run(args: string[], io: CliIo): Promise<number>;
}

/** Every command of `z1wb`; each lives in ./commands and runs the same services as the app. */
const COMMANDS: Record<string, Command> = {
  serve: { summary: 'serve the UI and API to a browser (headless host)', usage: serveUsage, run: serveCommand },
  grade: { summary: 'grade JSONL responses (math, mcq, exact, regex, numeric, code)', usage: gradeUsage, run: gradeCommand },
  fixture: { summary: "write one of the project's GGUF test models", usage: fixtureUsage, run: fixtureCommand },
  run: { summary: 'run the run cells of a notebook headlessly (JSON summary on stdout)', usage: runUsage, run: runCommand },
  import: { summary: 'read a dataset file (JSONL, JSON, CSV, Parquet) with a field mapping', usage: importUsage, run: importCommand },
  runs: { summary: 'list, show, export and compare stored runs', usage: runsUsage, run: runsCommand },
};

function helpText(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `Z1 Workbench ${appVersion}: test-time scaling experiments on local reasoning models.

Usage: z1wb COMMAND [options]

Commands:
${lines.join('\n')}

  z1wb COMMAND --help   shows a command's options.
Exit codes: 0 success, 1 failure, 2 wrong usage; 130/143 stopped by Ctrl+C/SIGTERM.
`;
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.stdout.write(helpText());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === 'version') {
    io.stdout.write(`${appVersion}\n`);
    return EXIT.ok;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr.write(`z1wb: unknown command "${name}"\n\n${helpText()}`);
    return EXIT.usage;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(`${command.usage}\n`);
    return EXIT.ok;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`z1wb ${name}: ${error.message}\n\n${command.usage}\n`);
      return EXIT.usage;
    }
    io.stderr.write(`z1wb ${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.failed;
  }
}

/** Runs the CLI as the current process and exits with its code. */
export function runCli(): void {
  main(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(EXIT.failed);
    },
  );
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) runCli();
