import { defineConfig, type ProxyOptions } from 'vite';

// The admin console's UI. `gatehouse-admin console` serves the build (dist/console/);
// for development Vite serves it and passes /api and /login to a running console,
// so the page and the API share an origin as they do in the product.
const target = process.env.GATEHOUSE_CONSOLE_URL ?? 'http://127.0.0.1:7466';

const toConsole: ProxyOptions = {
  target,
  changeOrigin: true,
  // The console refuses foreign browser origins; through the proxy the request is its own.
  configure: (proxy) => {
    proxy.on('proxyReq', (req) => {
      if (req.getHeader('origin')) req.setHeader('origin', new URL(target).origin);
    });
  },
};

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  esbuild: { jsx: 'automatic' },
  build: { outDir: '../dist/console', emptyOutDir: true, target: 'es2022' },
  server: { host: '127.0.0.1', proxy: { '/api': toConsole, '/login': toConsole } },
});
