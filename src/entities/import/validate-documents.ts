import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { validationProblems } from '../../common/validation-problems';
import { EntityKind } from '../entity-kind';
import { TierDocument } from '../tier/tier.document';
import { OfferDocument, offerCrossFieldProblems } from '../offer/offer.document';

export interface DocumentProblem {
  /** Position of the document in the call's list. */
  index: number;
  /** The document's `id` when it has a usable one. */
  id?: string;
  /** Path inside the document, e.g. `required_items[2].min_quantity`. */
  field: string;
  message: string;
}

function problemsOf(kind: EntityKind, document: unknown): { field: string; message: string }[] {
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    return [{ field: '', message: 'a document must be a JSON object' }];
  }
  const instance: object =
    kind === EntityKind.TIER
      ? plainToInstance(TierDocument, document as object, { enableImplicitConversion: false })
      : plainToInstance(OfferDocument, document as object, { enableImplicitConversion: false });
  // Unknown keys are allowed (stored untouched); only the known ones are checked.
  const out = validationProblems(validateSync(instance, { forbidUnknownValues: false, whitelist: false }));
  if (out.length === 0 && kind === EntityKind.OFFER) out.push(...offerCrossFieldProblems(instance as OfferDocument));
  return out;
}

/** Checks every document; an empty result means all may be stored. */
export function validateDocuments(kind: EntityKind, documents: unknown[]): DocumentProblem[] {
  const problems: DocumentProblem[] = [];
  const seen = new Map<string, number>();
  documents.forEach((document, index) => {
    const rawId = (document as { id?: unknown } | null)?.id;
    const id = typeof rawId === 'string' ? rawId : undefined;
    for (const p of problemsOf(kind, document)) problems.push({ index, id, ...p });
    if (id !== undefined) {
      const first = seen.get(id);
      if (first !== undefined) {
        problems.push({ index, id, field: 'id', message: `id "${id}" is also used by document ${first} of this call` });
      } else seen.set(id, index);
    }
  });
  return problems;
}

export function describeProblems(problems: DocumentProblem[]): string {
  const first = problems[0];
  const where = `documents[${first.index}]${first.id ? ` (id "${first.id}")` : ''}`;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
  return `${where}: ${first.field ? `${first.field}: ` : ''}${first.message}${more}; nothing was stored`;
}
