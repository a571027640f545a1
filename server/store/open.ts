import { PostgresStore } from './postgres.ts';
import { SqliteStore } from './sqlite.ts';
import type { ServerStore } from './store.ts';

/** `postgres://…` or `postgresql://…` runs on PostgreSQL; anything else is a SQLite file path. */
export async function openStore(database: string): Promise<ServerStore> {
  const store = /^postgres(ql)?:\/\//.test(database) ? new PostgresStore(database) : new SqliteStore(database.replace(/^sqlite:/, ''));
  await store.migrate();
  return store;
}
