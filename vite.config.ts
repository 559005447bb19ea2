import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * Builds the admin UI (renderer/) into dist/renderer.
 * `base: './'` keeps every asset path relative, because the same build is
 * served at /admin/ in serve mode and loaded from a file in Electron.
 */
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    // Fluent UI is one large vendor chunk; the admin UI is loaded from disk or loopback, never over a slow link.
    chunkSizeWarningLimit: 2000,
  },
});
