import type { SuggestedModel } from '../../../common/api/contract/models';

/**
 * Reasoning models worth comparing with Z1, by name, as `hf:` URIs for engine.downloadModel.
 *
 * Z1-7B is efficientscaling/Z1-7B (Qwen2.5-Coder-7B-Instruct trained on Z1-Code-Reasoning-107K,
 * arXiv 2504.00810); the paper compares it with DeepSeek-R1-Distill-Qwen-7B at equal size, and
 * QwQ-32B and Qwen3-8B are the think-delimited models users most often put beside them.
 * Sizes are those of the published files, rounded; repositories were chosen among the common
 * GGUF publishers (the model authors where they publish GGUF themselves). The workbench had no
 * network when this list was written: a name that has moved gives a clear 'download-failed'.
 */
export const SUGGESTED_MODELS: readonly SuggestedModel[] = [
  {
    id: 'z1-7b-q4_k_m',
    name: 'Z1-7B (Q4_K_M)',
    uri: 'hf:mradermacher/Z1-7B-GGUF:Q4_K_M',
    family: 'Z1',
    parameters: '7.6B',
    quantization: 'Q4_K_M',
    approxBytes: 4.7e9,
    thinking: 'shifted',
    note: 'The paper\'s model: no think delimiters ("shifted thinking"); use the shifted-window strategy.',
  },
  {
    id: 'z1-7b-q8_0',
    name: 'Z1-7B (Q8_0)',
    uri: 'hf:mradermacher/Z1-7B-GGUF:Q8_0',
    family: 'Z1',
    parameters: '7.6B',
    quantization: 'Q8_0',
    approxBytes: 8.1e9,
    thinking: 'shifted',
    note: 'Near-lossless quantization of Z1-7B, for accuracy comparisons.',
  },
  {
    id: 'r1-distill-qwen-7b-q4_k_m',
    name: 'DeepSeek-R1-Distill-Qwen-7B (Q4_K_M)',
    uri: 'hf:bartowski/DeepSeek-R1-Distill-Qwen-7B-GGUF:Q4_K_M',
    family: 'DeepSeek-R1-Distill',
    parameters: '7.6B',
    quantization: 'Q4_K_M',
    approxBytes: 4.7e9,
    thinking: 'delimited',
    note: "The paper's baseline at equal size; thinks inside <think>…</think>.",
  },
  {
    id: 'qwq-32b-q4_k_m',
    name: 'QwQ-32B (Q4_K_M)',
    uri: 'hf:Qwen/QwQ-32B-GGUF:Q4_K_M',
    family: 'QwQ',
    parameters: '32.8B',
    quantization: 'Q4_K_M',
    approxBytes: 19.9e9,
    thinking: 'delimited',
    note: 'Needs about 20 GB for the weights alone: a GPU box or a large-memory machine.',
  },
  {
    id: 'qwen3-8b-q4_k_m',
    name: 'Qwen3-8B (Q4_K_M)',
    uri: 'hf:Qwen/Qwen3-8B-GGUF:Q4_K_M',
    family: 'Qwen3',
    parameters: '8.2B',
    quantization: 'Q4_K_M',
    approxBytes: 5.0e9,
    thinking: 'delimited',
    note: 'Hybrid thinking model: thinks in <think>…</think> unless told /no_think.',
  },
];
