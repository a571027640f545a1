import { defineConfig } from 'vite';

// The dashboard, served by Vite. /api goes to the daemon through the dev server's
// proxy, so the page and the API share an origin (no CORS on the control API).
const daemon = process.env.GATEHOUSE_DAEMON_URL ?? 'http://127.0.0.1:7465';

export default defineConfig({
  root: import.meta.dirname,
  // Relative asset paths: the same build works at the daemon's /app/ and anywhere else.
  base: './',
  esbuild: { jsx: 'automatic' },
  build: { outDir: '../dist/renderer', emptyOutDir: true, target: 'es2022' },
  server: {
    host: '127.0.0.1',
    proxy: {
      '/api': {
        target: daemon,
        changeOrigin: true,
        // The daemon refuses foreign browser origins; through the proxy the request is ours.
        configure: (proxy) => {
          proxy.on('proxyReq', (req) => req.removeHeader('origin'));
        },
      },
    },
  },
});
