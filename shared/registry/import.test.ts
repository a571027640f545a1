import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ServerSchema } from '../bundle/schema.ts';
import { importServerJson } from './import.ts';

const npm = {
  $schema: 'https://static.modelcontextprotocol.io/schemas/2025-09-29/server.schema.json',
  name: 'io.github.acme/mcp-server-weather',
  title: 'Weather',
  description: 'Forecasts',
  version: '1.4.0',
  packages: [
    {
      registryType: 'npm',
      identifier: '@acme/weather-mcp',
      version: '1.4.0',
      transport: { type: 'stdio' },
      packageArguments: [
        { type: 'named', name: '--units', value: 'metric' },
        { type: 'positional', valueHint: 'region' },
      ],
      environmentVariables: [
        { name: 'WEATHER_API_KEY', description: 'API key', isSecret: true, isRequired: true },
        { name: 'LOG_LEVEL', value: 'info' },
      ],
    },
    { registryType: 'pypi', identifier: 'weather-mcp', version: '1.4.0', transport: { type: 'stdio' } },
  ],
  remotes: [
    {
      type: 'streamable-http',
      url: 'https://weather.acme.com/mcp',
      headers: [
        { name: 'Authorization', isSecret: true, description: 'Bearer token' },
        { name: 'X-Region', value: 'eu' },
      ],
    },
  ],
};

describe('importing a server.json', () => {
  it('turns an npm package into an npm transport, secrets into slots and never values', () => {
    const r = importServerJson(npm);
    const s = ServerSchema.parse(r.server);
    assert.equal(s.id, 'weather');
    assert.deepEqual(s.transport, { type: 'npm', package: '@acme/weather-mcp', version: '1.4.0', args: ['--units', 'metric'], env: { LOG_LEVEL: 'info' } });
    assert.deepEqual(
      s.credentials.map((c) => [c.name, c.kind, c.env, c.required]),
      [['weather_api_key', 'env', 'WEATHER_API_KEY', true]],
    );
    assert.deepEqual(s.source, { registry: 'registry.modelcontextprotocol.io', name: 'io.github.acme/mcp-server-weather', version: '1.4.0' });
    assert.ok(
      r.notes.some((n) => /region/.test(n)),
      'a positional argument without a value is reported',
    );
    assert.deepEqual(s.pins, {});
  });

  it('turns a PyPI package into uvx, and a remote into HTTP with header slots', () => {
    const py = ServerSchema.parse(importServerJson(npm, { package: 1 }).server);
    assert.deepEqual(py.transport, { type: 'stdio', command: 'uvx', args: ['weather-mcp==1.4.0'], env: {} });
    const remote = ServerSchema.parse(importServerJson(npm, { remote: 0, id: 'weather-cloud' }).server);
    assert.equal(remote.id, 'weather-cloud');
    assert.deepEqual(remote.transport, { type: 'http', url: 'https://weather.acme.com/mcp', headers: { 'X-Region': 'eu' }, sseFallback: true });
    assert.deepEqual(
      remote.credentials.map((c) => [c.name, c.kind, c.header]),
      [['authorization', 'header', 'Authorization']],
    );
  });

  it('accepts the registry API wrapper, and refuses what it cannot run with a clear error', () => {
    assert.equal(
      ServerSchema.parse(importServerJson({ server: { name: 'com.acme/tools', remotes: [{ type: 'sse', url: 'https://x.acme.com/sse' }] } }).server).transport
        .type,
      'sse',
    );
    assert.throws(() => importServerJson({ name: 'no-slash' }), /io\.github\.owner\/server/);
    assert.throws(() => importServerJson({ name: 'a/b', packages: [{ registryType: 'nuget', identifier: 'X' }] }), /nuget.*not supported/);
    assert.throws(
      () => importServerJson({ name: 'a/b', packages: [{ registryType: 'npm', identifier: 'x', transport: { type: 'streamable-http' } }] }),
      /remote/,
    );
    assert.throws(() => importServerJson(npm, { remote: 3 }), /no remote #3/);
  });
});
