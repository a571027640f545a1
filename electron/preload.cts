// The renderer gets the control endpoint and its token, and nothing else: no Node,
// no Electron APIs. The main process passes both as arguments to this sandboxed
// script (sandboxed preloads are CommonJS, hence .cts).
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a sandboxed preload can only require()
const { contextBridge } = require('electron') as typeof import('electron');

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? '';

contextBridge.exposeInMainWorld('gatehouse', { controlToken: arg('gatehouse-token'), endpoint: arg('gatehouse-endpoint') });
