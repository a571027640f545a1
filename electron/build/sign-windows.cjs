// Windows code signing through a key that never leaves its HSM or cloud KMS: electron-builder
// calls this for every file to sign, and jsign (https://ebourg.github.io/jsign/) asks the
// key store to sign the digest. Configure with environment variables only:
//   WIN_SIGN_STORETYPE   AWS | AZUREKEYVAULT | TRUSTEDSIGNING | GOOGLECLOUD | PKCS11 | …
//   WIN_SIGN_KEYSTORE    the vault / region / PKCS#11 config the store type expects
//   WIN_SIGN_ALIAS       the key's name in the store
//   WIN_SIGN_CERTFILE    the public certificate chain (PEM), when the store holds only the key
//   WIN_SIGN_STOREPASS   the store's credential (an access token, a PIN); never echoed
//   WIN_SIGN_TSA         timestamp authority (default http://timestamp.digicert.com)
//   JSIGN                the jsign launcher (default: jsign on PATH)
'use strict';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- electron-builder loads signing hooks as CommonJS
const { execFileSync } = require('node:child_process');

exports.default = async function sign(configuration) {
  const env = process.env;
  for (const name of ['WIN_SIGN_STORETYPE', 'WIN_SIGN_KEYSTORE', 'WIN_SIGN_ALIAS']) {
    if (!env[name]) throw new Error(`Windows signing needs ${name} (see electron/build/sign-windows.cjs)`);
  }
  const args = [
    '--storetype',
    env.WIN_SIGN_STORETYPE,
    '--keystore',
    env.WIN_SIGN_KEYSTORE,
    '--alias',
    env.WIN_SIGN_ALIAS,
    '--alg',
    'SHA-256',
    '--tsaurl',
    env.WIN_SIGN_TSA || 'http://timestamp.digicert.com',
    '--tsmode',
    'RFC3161',
    '--replace',
  ];
  if (env.WIN_SIGN_CERTFILE) args.push('--certfile', env.WIN_SIGN_CERTFILE);
  // jsign reads the credential from the environment when given "env:NAME", so it is not on any command line.
  if (env.WIN_SIGN_STOREPASS) args.push('--storepass', 'env:WIN_SIGN_STOREPASS');
  args.push(configuration.path);
  try {
    execFileSync(env.JSIGN || 'jsign', args, { stdio: ['ignore', 'inherit', 'pipe'] });
  } catch (err) {
    // jsign's own message names the failure; the arguments (no secret in them) help find it.
    throw new Error(`jsign could not sign ${configuration.path}: ${String(err.stderr || err.message).slice(0, 2000)}`);
  }
};
