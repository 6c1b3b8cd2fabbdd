import { CommandError, writeConflict } from '../errors';
import type { Collection, DocumentChange } from '../store/collection';
import type { Snapshot } from '../store/journal';
import type { Store } from '../store/store';
import type { PendingWrites } from './pending-writes';

interface Applied {
  collection: Collection;
  changes: DocumentChange[];
  created: boolean;
}

/**
 * Makes a transaction's writes visible, all of them or none. Each collection's changes are
 * applied as one batch (Collection.applyChanges); when a later collection fails, the
 * earlier ones are put back. Runs synchronously, so no reader ever sees a partial commit.
 */
export function commitPendingWrites(store: Store, pending: Iterable<PendingWrites>, snapshot: Snapshot): void {
  const applied: Applied[] = [];
  try {
    for (const writes of pending) {
      if (writes.docs.size === 0) continue;
      const { collection, created } = store.ensureDatabase(writes.dbName).ensure(writes.name);
      const changes: DocumentChange[] = [];
      for (const [id, after] of writes.docs) {
        // A write outside any transaction after this one wrote the document: it cannot
        // be ordered after that write any more.
        if (snapshot.changed(writes.ns, id)) throw writeConflict();
        const before = collection.byId(id) ?? null;
        if (before || after) changes.push({ id, before, after });
      }
      try {
        collection.applyChanges(changes);
      } catch (err) {
        if (created) store.database(writes.dbName)?.drop(writes.name);
        throw err;
      }
      applied.push({ collection, changes, created });
    }
  } catch (err) {
    for (const { collection, changes, created } of applied.reverse()) {
      collection.applyChanges(changes.map(({ id, before, after }) => ({ id, before: after, after: before })));
      if (created) store.database(collection.dbName)?.drop(collection.name);
    }
    // Within its snapshot the transaction broke no unique index, so a duplicate now comes
    // from a concurrent write outside any transaction: retrying the transaction resolves it.
    if (err instanceof CommandError && err.code === 11000) throw writeConflict();
    throw err;
  }
}
