import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

// The design card puts main/, preload/ and renderer/ at the top level (electron-vite expects
// src/*), so every entry is named explicitly.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      lib: {
        entry: {
          index: resolve(__dirname, 'main/electron/index.ts'),
          engine: resolve(__dirname, 'main/engine-process/engineMain.ts'),
          // Answer graders run in worker threads with a time limit; the pool looks for this file
          // beside the bundle.
          gradingWorker: resolve(__dirname, 'main/grading/worker/gradingWorker.ts'),
          // The check of a native llama.cpp build runs this in a child process; main/llama-builds/greedyTokens.ts
          // looks for it beside the bundle.
          greedyTokensCommand: resolve(__dirname, 'main/engine/hardware/greedyTokensCommand.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed renderer can only load a CommonJS preload with its imports bundled in.
      lib: { entry: resolve(__dirname, 'preload/index.ts'), formats: ['cjs'], fileName: () => 'index.cjs' },
      externalizeDeps: false,
    },
  },
  renderer: {
    root: resolve(__dirname, 'renderer'),
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      // electron-vite leaves the renderer unminified; Monaco and Plotly are several MB each.
      minify: true,
      // Monaco (~4 MB) and Plotly (~4.6 MB) are known large chunks, both loaded lazily.
      chunkSizeWarningLimit: 5000,
      rollupOptions: { input: resolve(__dirname, 'renderer/index.html') },
    },
    plugins: [react()],
  },
});
