import { isAbsolute, join } from 'node:path';

// Start at login on Linux, where Electron's login-item API does nothing: an XDG autostart
// entry (freedesktop Desktop Application Autostart spec). macOS and Windows use
// app.setLoginItemSettings.

export const AUTOSTART_FILE = 'dev.gatehouse.desktop.desktop';

/** $XDG_CONFIG_HOME/autostart (only when absolute, as the spec says), else ~/.config/autostart. */
export function autostartDir(env: Readonly<Record<string, string | undefined>>, home: string): string {
  const config = env.XDG_CONFIG_HOME && isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : join(home, '.config');
  return join(config, 'autostart');
}

/** What to start: the AppImage file itself (its mount point changes every run), else the installed binary. */
export function autostartCommand(execPath: string, env: Readonly<Record<string, string | undefined>>): string {
  return env.APPIMAGE && isAbsolute(env.APPIMAGE) ? env.APPIMAGE : execPath;
}

/** One Exec argument, quoted per the Desktop Entry spec, then escaped as a desktop-file string value. */
function execArg(arg: string): string {
  if (/[\r\n\0]/.test(arg)) throw new Error('an autostart command cannot contain line breaks');
  const needsQuotes = /[\s"'\\><~|&;$*?#()`%=]/.test(arg) || arg === '';
  const quoted = needsQuotes ? `"${arg.replace(/["`$\\]/g, '\\$&')}"` : arg;
  // Field codes start with %; a literal one is doubled. Then the value's own escaping doubles backslashes.
  return quoted.replaceAll('%', '%%').replaceAll('\\', '\\\\');
}

export function desktopEntry(command: string, args: readonly string[]): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Gatehouse',
    'Comment=Local MCP gateway for your IDE agents',
    `Exec=${[command, ...args].map(execArg).join(' ')}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}
