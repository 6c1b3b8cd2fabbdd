import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { validationProblems } from '../../common/validation-problems';
import { EntityKind } from '../entity-kind.enum';
import { TierDocument } from '../tier/tier.document';
import { OfferDocument, offerCrossFieldProblems } from '../offer/offer.document';
import { structuralProblems } from './document-keys';

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
  // Keys and shape first: a document MongoDB would refuse or change is not looked into
  // further (class-transformer would also recurse through a hostile nesting depth).
  const structural = structuralProblems(document as Record<string, unknown>);
  if (structural.length > 0) return structural;
  const plain = forTransformer(document);
  const instance: object =
    kind === EntityKind.TIER
      ? plainToInstance(TierDocument, plain, { enableImplicitConversion: false })
      : plainToInstance(OfferDocument, plain, { enableImplicitConversion: false });
  // Unknown keys are allowed (stored untouched); only the known ones are checked.
  const out = validationProblems(validateSync(instance, { forbidUnknownValues: false, whitelist: false }));
  if (out.length === 0 && kind === EntityKind.OFFER) out.push(...offerCrossFieldProblems(instance as OfferDocument));
  return out;
}

/**
 * A copy of the document for class-transformer, which takes an object's `constructor` as its
 * class: a `constructor` key (ordinary data here, stored as it is) would be called as one,
 * and the objects of documents written inside the query text have no prototype at all. The
 * copy is made of ordinary objects and leaves `constructor` keys out (`__proto__` is refused before); class-transformer
 * skips them anyway and no document class declares one. Depth is bounded by the
 * structural check that runs first.
 */
function forTransformer(value: unknown): object {
  if (Array.isArray(value)) return value.map((item) => (item !== null && typeof item === 'object' ? forTransformer(item) : item));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (key === 'constructor' || key === '__proto__') continue;
    out[key] = item !== null && typeof item === 'object' ? forTransformer(item) : item;
  }
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
