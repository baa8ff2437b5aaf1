import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../src-main/store/migrations/index.js';
import { guardStore } from '../../../src-main/store/store-guard.js';
import { StoreOpenError, StoreUnavailableError, type Store, type StoreLease } from '../../../src-shared/store/types.js';
import { postgresUnavailableReason, startTestPostgres, type TestPostgres } from '../../../test-support/postgres.js';
import { describeStoreContract } from '../../../test-support/store-contract.js';
import { describeUrl, openPostgresStore } from './postgres-store.js';

const log = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const unavailable = postgresUnavailableReason();
let server: TestPostgres;
let dbs = 0;

/** A fresh, empty database per store: tests never see each other's rows. */
async function freshStore(): Promise<Store> {
  const name = `t${++dbs}`;
  await server.createDatabase(name);
  return openPostgresStore({ url: server.url(name), poolSize: 4 }, MIGRATIONS, log);
}

describe.skipIf(unavailable !== undefined)(`PostgreSQL store${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  beforeAll(async () => {
    server = await startTestPostgres();
  }, 120_000);
  afterAll(async () => server?.stop(), 60_000);

  describeStoreContract('postgres', { open: freshStore, dispose: (store) => store.close() });

  describe('opening', () => {
    it('creates the schema at the latest version, and opens it again without migrating twice', async () => {
      await server.createDatabase('reopen');
      const first = await openPostgresStore({ url: server.url('reopen') }, MIGRATIONS, log);
      expect(await first.schemaVersion()).toBe(MIGRATIONS.length);
      await first.setMeta('k', 'v');
      await first.close();
      await first.close(); // idempotent
      const again = await openPostgresStore({ url: server.url('reopen') }, MIGRATIONS, log);
      expect(await again.getMeta('k')).toBe('v');
      expect(again.path).toBe(`postgres://${server.user}@127.0.0.1:${server.port}/reopen`);
      expect(again.path).not.toContain(server.password);
      await again.close();
    });

    it('migrates once when two gateways start together', async () => {
      await server.createDatabase('together');
      const stores = await Promise.all([0, 1, 2].map(() => openPostgresStore({ url: server.url('together') }, MIGRATIONS, log)));
      expect(await Promise.all(stores.map((s) => s.schemaVersion()))).toEqual([MIGRATIONS.length, MIGRATIONS.length, MIGRATIONS.length]);
      await Promise.all(stores.map((s) => s.close()));
    });

    const refusal = async (url: string): Promise<StoreOpenError> => {
      const err = await openPostgresStore({ url, connectTimeoutMs: 3000 }, MIGRATIONS, log).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(StoreOpenError);
      return err as StoreOpenError;
    };

    it('names a wrong password', async () => {
      const err = await refusal(`postgres://${server.user}:wrong@127.0.0.1:${server.port}/postgres`);
      expect(err.reason).toBe('auth');
      expect(err.message).toMatch(/refused the password for user "openclaw_test"/);
      expect(err.message).not.toContain('wrong');
    });

    it('names a database that does not exist', async () => {
      const err = await refusal(server.url('nope'));
      expect(err).toMatchObject({ reason: 'database-missing' });
      expect(err.message).toMatch(/the database "nope" does not exist .*createdb nope/);
    });

    it('names a server that is not there', async () => {
      const closed = await new Promise<number>((resolve) => {
        void import('node:net').then(({ createServer }) => {
          const s = createServer().listen(0, '127.0.0.1', () => {
            const port = (s.address() as { port: number }).port;
            s.close(() => resolve(port));
          });
        });
      });
      const err = await refusal(`postgres://u:p@127.0.0.1:${closed}/db`);
      expect(err.reason).toBe('unreachable');
      expect(err.message).toMatch(new RegExp(`cannot reach the PostgreSQL server at 127.0.0.1:${closed} \\(ECONNREFUSED\\)`));
    });

    it('refuses a URL that is not one', () => {
      expect(() => describeUrl('localhost:5432')).toThrow(/must start with postgres:\/\//);
      expect(() => describeUrl('not a url')).toThrow(StoreOpenError);
    });
  });

  describe('a database restart', () => {
    it('fails requests in flight with UNAVAILABLE, then serves again without reopening the store', async () => {
      const raw = await freshStore();
      const errors: string[] = [];
      const guarded = guardStore(raw, { log: { error: (msg) => errors.push(msg), warn: () => undefined } });
      const store = guarded.store;
      try {
        await store.setMeta('before', '1');
        await server.kill();
        await expect(store.getMeta('before')).rejects.toThrow(StoreUnavailableError);
        await expect(store.transaction(async (tx) => tx.setMeta('during', '1'))).rejects.toThrow(/storage unavailable: the PostgreSQL server at 127\.0\.0\.1:\d+ cannot be reached or is restarting/);
        // health says so in words, and the failure was logged once.
        expect(guarded.health()).toMatchObject({ ok: false, path: raw.path, error: expect.stringMatching(/cannot be reached or is restarting/) });
        expect(errors).toEqual(['storage failure']);
        await server.start();
        expect(await store.getMeta('before')).toBe('1');
        expect(await store.getMeta('during')).toBeUndefined();
        await store.transaction(async (tx) => tx.setMeta('after', '1'));
        expect(await store.getMeta('after')).toBe('1');
      } finally {
        guarded.dispose();
        await raw.close();
      }
    }, 60_000);
  });

  describe('the channels lease', () => {
    const changed = (lease: StoreLease, to: boolean) =>
      new Promise<void>((resolve) => {
        if (lease.held() === to) return resolve();
        const off = lease.onChange((held) => {
          if (held !== to) return;
          off();
          resolve();
        });
      });

    it('is held by one gateway at a time and passes to another when the holder lets go', async () => {
      const a = await freshStore();
      const b = await openPostgresStore({ url: server.url(`t${dbs}`), poolSize: 2 }, MIGRATIONS, log);
      try {
        const la = a.lease!('channels', { retryMs: 50 });
        await changed(la, true);
        const lb = b.lease!('channels', { retryMs: 50 });
        const other = b.lease!('other', { retryMs: 50 });
        await changed(other, true); // a different name is a different lease
        expect(lb.held()).toBe(false);
        await la.release();
        await changed(lb, true);
        expect(la.held()).toBe(false);
      } finally {
        await a.close();
        await b.close();
      }
    });

    it('is lost when its connection dies (the holder stops at once) and won again once the server is back', async () => {
      const store = await freshStore();
      try {
        const lease = store.lease!('channels', { retryMs: 50 });
        await changed(lease, true);
        const lost = changed(lease, false);
        await server.kill();
        await lost;
        await server.start();
        await changed(lease, true);
      } finally {
        await store.close();
      }
    }, 60_000);
  });
});
