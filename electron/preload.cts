// The page gets to know it runs in the desktop app, and nothing else: no token, no
// endpoint, no Node, no Electron APIs. Its control API calls go to its own origin
// (gatehouse-app://dashboard/api/v1/…), where the main process adds the token.
// (Sandboxed preloads are CommonJS and may require only 'electron', hence .cts.)
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a sandboxed preload can only require()
const { contextBridge } = require('electron') as typeof import('electron');

contextBridge.exposeInMainWorld('gatehouse', Object.freeze({ desktop: true }));
