import type { z } from 'zod';

/**
 * Where a method is answered: by the host process itself, or relayed to the engine process
 * (model work runs there so that a llama.cpp crash cannot take the UI down).
 */
export type MethodHome = 'host' | 'engine';

export interface MethodSpec<P extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  readonly params: P;
  readonly result: R;
  readonly home: MethodHome;
  readonly doc: string;
}

export function method<P extends z.ZodType, R extends z.ZodType>(spec: {
  params: P;
  result: R;
  home?: MethodHome;
  doc: string;
}): MethodSpec<P, R> {
  return { params: spec.params, result: spec.result, home: spec.home ?? 'host', doc: spec.doc };
}
