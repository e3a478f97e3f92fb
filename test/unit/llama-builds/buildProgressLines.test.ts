import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { buildProgressPrinter, buildStatusLines } from '../../../main/cli/buildStatusLines';

describe("the CLI's lines about the llama.cpp build", () => {
  it('prints the reason, and the install command when something is missing', () => {
    const auto = { state: 'idle' as const, stage: null, percent: null, message: '' };
    expect(
      buildStatusLines({
        inUse: 'prebuilt',
        reason: 'prebuilt binary, as set by Z1WB_LLAMA_BUILD',
        installCommand: null,
        auto,
      }),
    ).toBe('llama.cpp: prebuilt binary, as set by Z1WB_LLAMA_BUILD\n');
    expect(
      buildStatusLines({
        inUse: 'prebuilt',
        reason: 'prebuilt binary: a native build needs cmake',
        installCommand: 'apt-get install -y cmake',
        auto,
      }),
    ).toBe('llama.cpp: prebuilt binary: a native build needs cmake\n  to build one: apt-get install -y cmake\n');
  });

  it("prints the automatic build's states and every 10%, not every compiler line", () => {
    const stderr = new PassThrough();
    let out = '';
    stderr.on('data', (c: Buffer) => (out += c.toString()));
    const print = buildProgressPrinter({ stdin: new PassThrough(), stdout: new PassThrough(), stderr });
    const event = (auto: 'building' | 'verifying' | 'ready' | undefined, percent: number | null, line: string) =>
      print({ target: 'addon', stage: 'build', percent, line, ...(auto ? { auto } : {}) });
    event(undefined, 5, '[5/100] explicit build: not ours');
    event('building', 3, '[3/100] a');
    event('building', 7, '[7/100] b');
    event('building', 12, '[12/100] c');
    event('verifying', null, 'checking the build against the prebuilt binary');
    event('ready', 100, "verified: 24 greedy tokens equal the prebuilt binary's");
    expect(out).toBe(
      [
        'native llama.cpp build: building 3% ([3/100] a)',
        'native llama.cpp build: building 12% ([12/100] c)',
        'native llama.cpp build: verifying (checking the build against the prebuilt binary)',
        "native llama.cpp build: ready (verified: 24 greedy tokens equal the prebuilt binary's)",
        '',
      ].join('\n'),
    );
  });
});
