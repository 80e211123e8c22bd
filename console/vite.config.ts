import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The web console: built into console/dist, served by the control plane at `/` (same origin as /graphql).
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    // Overwrite in place: a second `npm start` (tests run several) rebuilds while the first serves
    // the same hashed files; emptying the folder would make them vanish for a moment.
    emptyOutDir: false,
    // Everything is bundled: no CDN, no web font; the console works offline.
    assetsInlineLimit: 4096,
    chunkSizeWarningLimit: 1024,
  },
  server: {
    // `npm run console:dev`: hot reload against a running `npm start` (CONTROL_PLANE_PORT 4000).
    proxy: {
      '/graphql': { target: 'http://127.0.0.1:4000', ws: true },
      '/playground': { target: 'http://127.0.0.1:4000' },
    },
  },
});
