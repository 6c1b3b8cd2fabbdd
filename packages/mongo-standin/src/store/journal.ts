import type { BsonDocument } from '../values';

/** What a document was before a change: the stored version, or null when it did not exist. */
export type BeforeImage = BsonDocument | null;

/**
 * The point in time a transaction reads at. Rather than copying the data when a transaction
 * starts, a snapshot is the live data minus every change made since: the journal hands each
 * open snapshot the version a document had before its first change after the snapshot was
 * taken. Reads then prefer that before-image over the live document, so starting a
 * transaction costs nothing and each later write costs one map entry per open snapshot.
 */
export class Snapshot {
  // namespace -> canonical _id -> the document as it was when the snapshot was taken
  private readonly images = new Map<string, Map<string, BeforeImage>>();

  constructor(private readonly journal: ChangeJournal) {}

  /** Keeps the first before-image only: later ones are newer than the snapshot. */
  remember(ns: string, id: string, before: BeforeImage): void {
    let perNs = this.images.get(ns);
    if (!perNs) {
      perNs = new Map();
      this.images.set(ns, perNs);
    }
    if (!perNs.has(id)) perNs.set(id, before);
  }

  /** Whether someone else changed the document after this snapshot was taken. */
  changed(ns: string, id: string): boolean {
    return this.images.get(ns)?.has(id) ?? false;
  }

  /** Before-images of the documents of `ns` changed since the snapshot. */
  imagesOf(ns: string): ReadonlyMap<string, BeforeImage> | undefined {
    return this.images.get(ns);
  }

  release(): void {
    this.journal.release(this);
  }
}

/** Hands every change to the live data to the snapshots that are open when it happens. */
export class ChangeJournal {
  private readonly open = new Set<Snapshot>();

  begin(): Snapshot {
    const snapshot = new Snapshot(this);
    this.open.add(snapshot);
    return snapshot;
  }

  release(snapshot: Snapshot): void {
    this.open.delete(snapshot);
  }

  /** Whether any snapshot needs to hear about changes (writes skip the bookkeeping otherwise). */
  get active(): boolean {
    return this.open.size > 0;
  }

  /** Must be called before the live document with this `_id` changes. */
  beforeChange(ns: string, id: string, before: BeforeImage): void {
    for (const snapshot of this.open) snapshot.remember(ns, id, before);
  }
}
