import { describe, expect, it } from 'vitest';
import { cmakePercent } from '../../../main/llama-builds/llamaCppSource';

describe('progress of the llama.cpp builds', () => {
  it('reads the percentage from Makefile and Ninja lines, and nothing from other lines', () => {
    expect(cmakePercent('[ 45%] Building CXX object src/CMakeFiles/llama.dir/llama.cpp.o')).toBe(45);
    expect(cmakePercent('[100%] Built target llama-bench')).toBe(100);
    expect(cmakePercent('[28/277] Linking CXX shared library bin/libggml-base.so')).toBe(10);
    expect(cmakePercent('configure: [277/277] Linking CXX shared module Release/llama-addon.node')).toBe(100);
    expect(cmakePercent('-- Configuring done')).toBeNull();
    expect(cmakePercent('Repo: ggml-org/llama.cpp')).toBeNull();
  });
});
