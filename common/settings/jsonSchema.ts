import { z } from 'zod';

/**
 * The JSON Schema that Monaco uses for completion, hover docs and markers, derived from the same
 * zod schema that validates the setting (the input side: fields with defaults are optional).
 */
export function editorJsonSchema(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
