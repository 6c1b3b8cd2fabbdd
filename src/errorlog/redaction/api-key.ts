import { MASK } from './names';

/**
 * What may be stored of a plain API key: it is a bearer credential, so only `***` plus
 * the last four characters, enough to tell keys apart. Keys of four characters or fewer
 * would be given away whole, so they become just `***`.
 */
export function apiKeyHint(key: string | undefined): string | undefined {
  if (key === undefined) return undefined;
  return key.length <= 4 ? MASK : MASK + key.slice(-4);
}
