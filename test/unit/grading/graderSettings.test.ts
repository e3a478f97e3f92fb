import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { graderSettings } from '../../../common/grading/graderSettings';

describe('grader settings', () => {
  it('fills documented defaults', () => {
    expect(graderSettings.parse({ grader: 'math' })).toEqual({ grader: 'math', fallbacks: ['last-math'], relativeTolerance: 1e-4, timeLimitMs: 5000 });
    expect(graderSettings.parse({ grader: 'mcq' })).toEqual({ grader: 'mcq', shuffle: true, seed: 0, timeLimitMs: 5000 });
    expect(graderSettings.parse({ grader: 'code' })).toEqual({
      grader: 'code',
      timeoutMs: 6000,
      totalTimeoutMs: 60000,
      memoryMb: 512,
      maxProcesses: 32,
      maxOutputKb: 1024,
      maxFileMb: 16,
      python: 'auto',
      requireNetworkIsolation: false,
      stopOnFirstFailure: false,
      sandbox: 'auto',
    });
  });

  it('rejects unknown graders, unknown fields and bad values with a path', () => {
    expect(graderSettings.safeParse({ grader: 'vibes' }).success).toBe(false);
    const typo = graderSettings.safeParse({ grader: 'exact', caseSensitve: true });
    expect(typo.success).toBe(false);
    const negative = graderSettings.safeParse({ grader: 'numeric', tolerance: -1 });
    expect(negative.error?.issues[0]?.path).toEqual(['tolerance']);
    expect(graderSettings.safeParse({ grader: 'regex' }).error?.issues[0]?.path).toEqual(['pattern']);
  });

  it('documents every field for the editor\'s hover', () => {
    const schema = z.toJSONSchema(graderSettings, { io: 'input' }) as { oneOf?: unknown[]; anyOf?: unknown[] };
    const branches = (schema.oneOf ?? schema.anyOf) as Array<{ properties: Record<string, { description?: string }> }>;
    expect(branches).toHaveLength(8);
    for (const branch of branches) {
      for (const [name, property] of Object.entries(branch.properties)) {
        expect(property.description, name).toMatch(/\S/);
      }
    }
  });
});
