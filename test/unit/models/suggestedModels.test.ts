import { describe, expect, it } from 'vitest';
import { suggestedModel } from '../../../common/api/contract/models';
import { SUGGESTED_MODELS } from '../../../main/engine/models/suggestedModels';

describe('suggested models', () => {
  it('names Z1-7B, R1-Distill-Qwen-7B, QwQ-32B and Qwen3-8B as hf: URIs with their quantization', () => {
    for (const model of SUGGESTED_MODELS) {
      expect(suggestedModel.parse(model)).toEqual(model);
      expect(model.uri).toMatch(/^hf:[\w.-]+\/[\w.-]+:[A-Z0-9_]+$/);
      expect(model.uri.endsWith(`:${model.quantization}`)).toBe(true);
    }
    expect(new Set(SUGGESTED_MODELS.map((m) => m.id)).size).toBe(SUGGESTED_MODELS.length);
    const names = SUGGESTED_MODELS.map((m) => m.name).join(' | ');
    for (const family of ['Z1-7B', 'DeepSeek-R1-Distill-Qwen-7B', 'QwQ-32B', 'Qwen3-8B']) expect(names).toContain(family);
    expect(SUGGESTED_MODELS.find((m) => m.family === 'Z1')?.thinking).toBe('shifted');
  });
});
