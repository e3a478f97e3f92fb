import { describe, expect, it } from 'vitest';
import { UsageError, parseArgs } from '../../../main/cli/cliIo';
import { runCli } from '../../helpers/runCli';


describe('z1wb CLI', () => {
  it('prints help with exit code 0 for --help and 2 without a command', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: z1wb COMMAND');
    expect(help.stdout).toContain('serve');
    expect((await runCli([])).code).toBe(2);
  });

  it('rejects an unknown command with exit code 2', async () => {
    const result = await runCli(['frobnicate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown command "frobnicate"');
  });

  it('rejects an unknown flag naming it, with exit code 2', async () => {
    const result = await runCli(['serve', '--prot', '1']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown option --prot');
  });

  it('rejects a port out of range', async () => {
    const result = await runCli(['serve', '--port', '70000']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--port must be a whole number from 0 to 65535, got "70000"');
  });
});

describe('parseArgs', () => {
  it('reads --name value, --name=value, booleans and positionals', () => {
    const parsed = parseArgs(['a', '--port', '1', '--host=h', '--json', 'b'], {
      values: ['port', 'host'],
      booleans: ['json'],
    });
    expect(Object.fromEntries(parsed.flags)).toEqual({ port: '1', host: 'h', json: true });
    expect(parsed.positional).toEqual(['a', 'b']);
  });

  it('fails on a value flag without a value', () => {
    expect(() => parseArgs(['--port'], { values: ['port'] })).toThrow(UsageError);
    expect(() => parseArgs(['--port', '--host', 'x'], { values: ['port', 'host'] })).toThrow('--port needs a value');
  });
});
