import type { AtomicWrites } from '../../db/transactions';
import { EntityKind } from '../entity-kind.enum';
import { rawCollection } from '../entity.model';
import type { EntityStore } from '../entity.store';
import { validateDocuments, type DocumentProblem } from './validate-documents';

export interface ImportOutcome {
  received: number;
  created: number;
  updated: number;
  ids: string[];
}

export class ImportValidationError extends Error {
  constructor(
    readonly problems: DocumentProblem[],
    message: string,
  ) {
    super(message);
    this.name = 'ImportValidationError';
  }
}

export const MAX_DOCUMENTS_PER_CALL = 5000;

/**
 * Shared by the `importEntities` mutation and the CLI: validate every document first, so a
 * call with any invalid document stores none of them, then upsert all by id in one bulk
 * write (replacement, so a re-import drops keys the new version no longer has) inside one
 * transaction, so a document the database refuses mid-way leaves none of the call stored.
 */
export class ImportService {
  constructor(
    private readonly store: EntityStore,
    private readonly atomic: AtomicWrites,
  ) {}

  private model(kind: EntityKind) {
    return rawCollection(kind === EntityKind.TIER ? this.store.models.tier : this.store.models.offer);
  }

  validate(kind: EntityKind, documents: unknown[]): DocumentProblem[] {
    if (documents.length > MAX_DOCUMENTS_PER_CALL) {
      return [{ index: MAX_DOCUMENTS_PER_CALL, field: '', message: `at most ${MAX_DOCUMENTS_PER_CALL} documents per call` }];
    }
    return validateDocuments(kind, documents);
  }

  async import(kind: EntityKind, documents: Record<string, unknown>[], describe: (p: DocumentProblem[]) => string) {
    const problems = this.validate(kind, documents);
    if (problems.length > 0) throw new ImportValidationError(problems, describe(problems));
    if (documents.length === 0) return { received: 0, created: 0, updated: 0, ids: [] } satisfies ImportOutcome;

    const upserts = documents.map((doc) => ({
      replaceOne: { filter: { _id: doc.id as string }, replacement: { ...doc, _id: doc.id as string }, upsert: true },
    }));
    const result = await this.atomic.run((session) => this.model(kind).bulkWrite(upserts, { ordered: true, session }));
    await this.store.changed();
    return {
      received: documents.length,
      created: result.upsertedCount,
      updated: documents.length - result.upsertedCount,
      ids: documents.map((d) => d.id as string),
    } satisfies ImportOutcome;
  }

  async delete(kind: EntityKind, id: string): Promise<boolean> {
    const result = await this.model(kind).deleteOne({ _id: id });
    if (result.deletedCount > 0) await this.store.changed();
    return result.deletedCount > 0;
  }
}
