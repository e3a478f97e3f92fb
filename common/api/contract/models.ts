import { z } from 'zod';
import { method } from '../method';

/**
 * Model files and llama.cpp builds: downloads of `hf:` URIs, the suggested models, and the
 * optional native builds (node-llama-cpp's addon, llama.cpp's llama-bench / llama-server).
 * Merged into the generation contract's tables (engine.inspectModel / loadModel live there).
 */

export const suggestedModel = z.object({
  id: z.string(),
  name: z.string(),
  /** A Hugging Face URI for engine.downloadModel, e.g. "hf:Qwen/Qwen3-8B-GGUF:Q4_K_M". */
  uri: z.string(),
  family: z.string(),
  parameters: z.string(),
  quantization: z.string(),
  approxBytes: z.number(),
  /** "delimited": thinks inside <think>…</think>; "shifted": Z1-style, no delimiters. */
  thinking: z.enum(['delimited', 'shifted']),
  note: z.string(),
});
export type SuggestedModel = z.infer<typeof suggestedModel>;

export const buildTarget = z.enum(['addon', 'llama-tools']);

/** Which build of the addon runs and why, and the automatic native build (docs/models.md, "Builds"). */
export const buildStatus = z.object({
  inUse: z.enum(['native', 'prebuilt']),
  reason: z.string(),
  /** What installs the missing compiler toolchain; null when nothing is missing. */
  installCommand: z.string().nullable(),
  auto: z.object({
    state: z.enum(['idle', 'waiting', 'building', 'verifying', 'ready', 'refused', 'failed', 'cancelled']),
    stage: z.enum(['clone', 'configure', 'build', 'done', 'verify']).nullable(),
    percent: z.number().nullable(),
    message: z.string(),
  }),
});
export type BuildStatus = z.infer<typeof buildStatus>;

export const modelMethods = {
  'engine.suggestedModels': method({
    params: z.object({}).strict(),
    result: z.array(suggestedModel),
    home: 'engine',
    doc: 'Reasoning models worth comparing (Z1-7B, R1-Distill-Qwen-7B, QwQ-32B, Qwen3-8B) as hf: URIs.',
  }),
  'engine.downloadModel': method({
    params: z
      .object({
        source: z.string().min(1).describe('An hf: URI such as "hf:user/repo:Q4_K_M", or an http(s) URL of a .gguf file.'),
        /** The caller's id for progress events and engine.cancelDownload. */
        downloadId: z.string().min(1),
      })
      .strict(),
    result: z.object({ downloadId: z.string(), path: z.string(), fileBytes: z.number() }),
    home: 'engine',
    doc: 'Downloads a model into the models folder (resuming a cancelled download), with engine.downloadProgress events.',
  }),
  'engine.cancelDownload': method({
    params: z.object({ downloadId: z.string() }).strict(),
    result: z.object({ cancelled: z.boolean() }),
    home: 'engine',
    doc: 'Stops a download; its partial file is kept so that the next download of the same source resumes.',
  }),
  'engine.buildNative': method({
    params: z.object({ target: buildTarget }).strict(),
    result: z.object({
      target: buildTarget,
      /** addon: whether the next start of the engine (or the next model load, if none is loaded) uses it. */
      active: z.boolean(),
      paths: z.record(z.string(), z.string()),
      seconds: z.number(),
    }),
    home: 'engine',
    doc: 'Compiles llama.cpp for this machine from the source node-llama-cpp ships (~5 min on 2 cores): the addon (faster prompt processing on CPU) or llama-bench + llama-server. Optional: the prebuilt binary always works.',
  }),
  'engine.cancelBuild': method({
    params: z.object({}).strict(),
    result: z.object({ cancelled: z.boolean() }),
    home: 'engine',
    doc: 'Stops the automatic native build of the addon (it resumes at the next start of the workbench).',
  }),
};

export const modelEvents = {
  'engine.downloadProgress': z.object({
    downloadId: z.string(),
    source: z.string(),
    downloadedBytes: z.number(),
    totalBytes: z.number(),
  }),
  'engine.buildProgress': z.object({
    target: buildTarget,
    stage: z.enum(['clone', 'configure', 'build', 'done', 'verify']),
    percent: z.number().nullable(),
    line: z.string(),
    /** Set on the automatic build's events: its state. */
    auto: buildStatus.shape.auto.shape.state.optional(),
  }),
};
