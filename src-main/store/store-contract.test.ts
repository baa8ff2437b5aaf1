import { describeStoreContract } from '../../test-support/store-contract.js';
import { openSqliteStore } from './sqlite-store.js';

describeStoreContract('sqlite', {
  open: async () => openSqliteStore(':memory:'),
  dispose: (store) => store.close(),
});
