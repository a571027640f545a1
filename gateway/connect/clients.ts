import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

// Where each IDE keeps its MCP server list, and under which key.

export const CLIENTS = ['claude-desktop', 'claude-code', 'cursor', 'vscode', 'windsurf'] as const;
export type ClientName = (typeof CLIENTS)[number];

export interface ClientSpec {
  label: string;
  /** The object in the file that holds servers. */
  key: 'mcpServers' | 'servers';
  /** Whether entries carry `"type": "stdio"`. */
  typed: boolean;
  path(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string;
}

// An empty or relative XDG_CONFIG_HOME counts as unset (the XDG spec says so, and VS Code agrees).
const appData = (env: NodeJS.ProcessEnv) => (env.APPDATA && isAbsolute(env.APPDATA) ? env.APPDATA : join(homedir(), 'AppData', 'Roaming'));
const xdgConfig = (env: NodeJS.ProcessEnv) => (env.XDG_CONFIG_HOME && isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : join(homedir(), '.config'));

export const SPECS: Record<ClientName, ClientSpec> = {
  'claude-desktop': {
    label: 'Claude Desktop',
    key: 'mcpServers',
    typed: false,
    path: (env, platform) =>
      platform === 'darwin'
        ? join(homedir(), 'Library', 'Application Support', 'Claude', 'claude_desktop_config.json')
        : platform === 'win32'
          ? join(appData(env), 'Claude', 'claude_desktop_config.json')
          : join(xdgConfig(env), 'Claude', 'claude_desktop_config.json'),
  },
  'claude-code': {
    label: 'Claude Code (user scope)',
    key: 'mcpServers',
    typed: true,
    path: () => join(homedir(), '.claude.json'),
  },
  cursor: {
    label: 'Cursor',
    key: 'mcpServers',
    typed: false,
    path: () => join(homedir(), '.cursor', 'mcp.json'),
  },
  vscode: {
    label: 'VS Code (user mcp.json)',
    key: 'servers',
    typed: true,
    path: (env, platform) =>
      platform === 'darwin'
        ? join(homedir(), 'Library', 'Application Support', 'Code', 'User', 'mcp.json')
        : platform === 'win32'
          ? join(appData(env), 'Code', 'User', 'mcp.json')
          : join(xdgConfig(env), 'Code', 'User', 'mcp.json'),
  },
  windsurf: {
    label: 'Windsurf',
    key: 'mcpServers',
    typed: false,
    path: () => join(homedir(), '.codeium', 'windsurf', 'mcp_config.json'),
  },
};
