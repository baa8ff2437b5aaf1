import { definePlugin } from '../../../src-shared/plugin/api.js';
import { openPostgresStore, type PostgresStoreConfig } from './postgres-store.js';

/** PostgreSQL as the gateway's state store (`storage.backend: "postgres"`), for gateways that share state. */
export default definePlugin({
  id: 'storage-postgres',
  register(api) {
    api.registerStore({
      id: 'postgres',
      description: 'PostgreSQL 13 or later (storage.postgres.url).',
      create: ({ config, migrations, log }) => openPostgresStore(config as PostgresStoreConfig, migrations, log),
    });
  },
});
