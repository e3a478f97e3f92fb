import { PassThrough } from 'node:stream';
import { main } from '../../main/cli/z1wb';

/** Runs `z1wb ARGV…` in this process, as a user would from a shell, and collects what it printed. */
export async function runCli(argv: string[], stdinText = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const stdin = new PassThrough();
  stdin.end(stdinText);
  const code = await main(argv, { stdin, stdout, stderr });
  return { code, stdout: out, stderr: err };
}
