import { apiKeyHint, type KnownKeys } from '../../common/key-hint';

// The hint itself belongs to credentials (authentication shows it too); redaction re-exports it.
export { apiKeyHint, type KnownKeys };

/** `isKnownKey` behind the cheap length test, as the redaction context takes it. */
export function knownKeyPredicate(known: KnownKeys | undefined): ((candidate: string) => boolean) | undefined {
  if (known === undefined) return undefined;
  return (candidate) => known.keyLengths.has(candidate.length) && known.isKnownKey(candidate);
}
