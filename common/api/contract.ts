import type { z } from 'zod';
import type { MethodSpec } from './method';
import { appEvents, appMethods } from './contract/app';
import { engineEvents, engineMethods } from './contract/engine';
import { generationEvents, generationMethods } from './contract/generation';
import { notebookEvents, notebookMethods } from './contract/notebooks';
import { runEvents, runMethods } from './contract/runs';
import { datasetEvents, datasetMethods } from './contract/datasets';
import { shellEvents, shellMethods } from './contract/shell';

/**
 * The one API every front end speaks (Electron renderer, browser via the headless host, CLI,
 * tests). Each concern owns a file in ./contract; this table merges them.
 */
export const apiMethods = {
  ...appMethods,
  ...engineMethods,
  ...generationMethods,
  ...notebookMethods,
  ...runMethods,
  ...datasetMethods,
  ...shellMethods,
} satisfies Record<string, MethodSpec>;

export const apiEvents = {
  ...appEvents,
  ...engineEvents,
  ...generationEvents,
  ...notebookEvents,
  ...runEvents,
  ...datasetEvents,
  ...shellEvents,
} satisfies Record<string, z.ZodType>;

export type MethodName = keyof typeof apiMethods;
export type EventName = keyof typeof apiEvents;
export type Params<M extends MethodName> = z.input<(typeof apiMethods)[M]['params']>;
export type ParsedParams<M extends MethodName> = z.output<(typeof apiMethods)[M]['params']>;
export type Result<M extends MethodName> = z.output<(typeof apiMethods)[M]['result']>;
export type EventData<E extends EventName> = z.output<(typeof apiEvents)[E]>;

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(apiMethods, name);
}

export function isEventName(name: string): name is EventName {
  return Object.prototype.hasOwnProperty.call(apiEvents, name);
}
