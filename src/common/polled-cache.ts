import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import { Revisions, type RevisionName, type RevisionWatcher } from './revisions';

/**
 * Base for the in-process caches the request path reads (entities, security settings,
 * credentials). Freshness rule: the instance that writes calls `changed()`, which bumps the
 * shared revision and reloads before the write's response goes out; every other instance
 * notices the revision move on the next poll of its RevisionPoller (CACHE_POLL_MS, well
 * under a second).
 */
export abstract class PolledCache implements RevisionWatcher {
  private readonly revisions: Revisions;
  private inflight: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  protected loadedRevision = -1;

  protected constructor(
    connection: Connection,
    readonly revisionName: RevisionName,
    protected readonly logger: Logger,
  ) {
    this.revisions = new Revisions(connection);
  }

  /** Loads everything and installs it; `revision` was read before the load began. */
  protected abstract load(revision: number): Promise<void>;

  /** The first load; the poller keeps the cache fresh from then on. */
  async start(): Promise<void> {
    await this.reload();
  }

  async revisionSeen(revision: number): Promise<void> {
    if (revision !== this.loadedRevision) await this.reload();
  }

  async refreshIfStale(): Promise<void> {
    await this.revisionSeen(await this.revisions.read(this.revisionName));
  }

  /**
   * A reload that starts after the caller's write sees it. Callers arriving while a load is
   * in flight share one follow-up load, so a burst of writes costs two loads, not one each.
   */
  reload(): Promise<void> {
    if (!this.inflight) {
      this.inflight = this.loadOnce().finally(() => {
        this.inflight = undefined;
      });
      return this.inflight;
    }
    this.queued ??= this.inflight
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        return this.reload();
      });
    return this.queued;
  }

  private async loadOnce(): Promise<void> {
    // Read the revision first: a write landing during the load bumps it past this number,
    // so the next poll loads again rather than keeping a stale generation.
    const revision = await this.revisions.read(this.revisionName);
    await this.load(revision);
    this.loadedRevision = revision;
  }

  async changed(): Promise<void> {
    await this.revisions.bump(this.revisionName);
    await this.reload();
  }
}
