import { describe, expect, it } from 'vitest';
import { modelSettings } from '../../../common/settings/model';
import { modelIdFor } from '../../../main/engine/models/ModelRegistry';

const id = (source: string, extra: Record<string, unknown> = {}) => modelIdFor(modelSettings.parse({ source, ...extra }));

describe('model ids', () => {
  it('name the file or the repository and quantization, plus a hash of the settings', () => {
    expect(id('/models/z1-7b.Q8_0.gguf')).toMatch(/^z1-7b\.Q8_0@[0-9a-f]{10}$/);
    expect(id('hf:Qwen/Qwen3-8B-GGUF:Q4_K_M')).toMatch(/^Qwen3-8B-GGUF-Q4_K_M@[0-9a-f]{10}$/);
    expect(id('https://example.org/files/m.gguf?download=true')).toMatch(/^m@/);
    expect(id('fixture:oracle')).toMatch(/^oracle@/);
  });

  it('are equal for equal settings and differ when any setting differs', () => {
    expect(id('/m.gguf')).toBe(id('/m.gguf'));
    expect(id('/m.gguf', { parallel: 2 })).not.toBe(id('/m.gguf'));
    expect(id('/m.gguf', { threads: 1 })).not.toBe(id('/m.gguf'));
    expect(id('/m.gguf', { contextSize: 4096 })).not.toBe(id('/m.gguf'));
  });
});
