import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectToolchain } from '../../../main/llama-builds/toolchain';

/** PATH folders holding real (empty, executable) files named like the tools. */
let dir: string;
async function pathWith(...tools: string[]): Promise<string> {
  const folder = await mkdtemp(path.join(dir, 'bin-'));
  for (const tool of tools) {
    await writeFile(path.join(folder, tool), '#!/bin/sh\n');
    await chmod(path.join(folder, tool), 0o755);
  }
  return folder;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'z1wb-toolchain-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the toolchain a native build needs', () => {
  it('finds cmake, a C++ compiler and git on PATH', async () => {
    const bin = await pathWith('cmake', 'g++', 'git');
    expect(detectToolchain({ env: { PATH: bin }, platform: 'linux', isRoot: true })).toEqual({
      complete: true,
      found: { cmake: path.join(bin, 'cmake'), compiler: path.join(bin, 'g++'), git: path.join(bin, 'git') },
      missing: [],
      installCommand: null,
    });
  });

  it("names what is missing and the one command of this system's package manager that installs it", async () => {
    const apt = await pathWith('apt-get', 'git');
    expect(detectToolchain({ env: { PATH: apt }, platform: 'linux', isRoot: true })).toMatchObject({
      complete: false,
      missing: ['cmake', 'a C++ compiler (c++ or g++ or clang++)'],
      installCommand: 'apt-get install -y cmake g++',
    });
    const dnf = await pathWith('dnf', 'cmake');
    expect(detectToolchain({ env: { PATH: dnf }, platform: 'linux', isRoot: false })).toMatchObject({
      missing: ['a C++ compiler (c++ or g++ or clang++)', 'git'],
      installCommand: 'sudo dnf install -y gcc-c++ git',
    });
    const notExecutable = await pathWith();
    await writeFile(path.join(notExecutable, 'cmake'), '');
    expect(detectToolchain({ env: { PATH: notExecutable }, platform: 'linux', isRoot: true }).missing).toContain(
      'cmake',
    );
  });

  it('on macOS: the command line tools for the compiler and git, Homebrew for cmake', async () => {
    const empty = await pathWith();
    expect(detectToolchain({ env: { PATH: empty }, platform: 'darwin' }).installCommand).toBe(
      'xcode-select --install && brew install cmake',
    );
    const withCompiler = await pathWith('clang++', 'git');
    expect(detectToolchain({ env: { PATH: withCompiler }, platform: 'darwin' }).installCommand).toBe(
      'brew install cmake',
    );
  });
});
