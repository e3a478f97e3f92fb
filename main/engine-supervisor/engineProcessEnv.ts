/**
 * Environment variables for the process that runs the engine, to be set by whoever spawns it
 * (libuv and libgomp read them once, before any code of ours runs in that process).
 *
 * UV_THREADPOOL_SIZE=1: node-llama-cpp runs every decode and every sampling step as an N-API
 * AsyncWorker on libuv's thread pool (4 threads by default). With the OpenMP build of llama.cpp,
 * consecutive decodes then start their parallel regions from different pool threads, and libgomp
 * keeps a separate team of workers per starting thread: each decode wakes a team that has gone
 * to sleep while the other teams' workers still spin, on a machine with as few cores as threads.
 * With one pool thread every decode reuses one team. Measured on the 2-core VM (docs/models.md):
 * 2-thread decode 148 → 206 tokens/s (median of 8 runs each), 1 thread unchanged. The cost: file
 * I/O of the engine process (hashing, downloads) waits behind decodes, a few milliseconds each.
 * An explicit value in the parent's environment wins.
 */
export function engineProcessEnv(parent: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return { UV_THREADPOOL_SIZE: parent.UV_THREADPOOL_SIZE ?? '1' };
}
