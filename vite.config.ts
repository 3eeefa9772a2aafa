import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

const root = path.dirname(fileURLToPath(import.meta.url));

/** Where `npm run build` (and `npm start`, when the build is stale) puts the dashboard; api/dashboard.ts serves it at /. */
export const DASHBOARD_OUT = path.join(root, 'dist', 'dashboard');

// `npm run dev`: Vite's dev server on :5173 proxies the API to the running server, so the
// session cookie stays same-origin (SameSite=Strict) from the browser's point of view.
const api = process.env.CHAT_API_URL || `http://127.0.0.1:${process.env.PORT || 8080}`;

export default defineConfig({
  root: path.join(root, 'dashboard'),
  base: '/',
  plugins: [svelte()],
  publicDir: false,
  build: {
    outDir: DASHBOARD_OUT,
    emptyOutDir: true,
    target: 'es2022',
    // The bundle figure in the README is measured on this output; keep maps out of it.
    sourcemap: false,
    chunkSizeWarningLimit: 700,
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    strictPort: true,
    proxy: { '/api': api, '/health': api },
  },
});
