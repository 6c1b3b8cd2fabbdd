import { mongo } from 'mongoose';
import type { ErrorLogDoc } from './errorlog.model';

const { BSON } = mongo;

/**
 * A record keeps client-chosen names as keys (variables, JSON bodies). BSON cannot hold a NUL
 * in a key, and one such record made its whole batch fail on every retry, holding back every
 * record behind it. Such keys are written with the NUL spelled `\u0000`, which keeps the
 * record readable; this runs only after a batch failed to serialise.
 */
export function storable(record: ErrorLogDoc): ErrorLogDoc | undefined {
  if (serialises(record)) return record;
  const copy: ErrorLogDoc = {
    ...record,
    request: {
      ...record.request,
      variables: escapeKeys(record.request.variables),
      headers: escapeKeys(record.request.headers) as Record<string, unknown>,
    },
    response: { ...record.response, body: escapeKeys(record.response.body) },
  };
  return serialises(copy) ? copy : undefined;
}

export function serialises(record: ErrorLogDoc): boolean {
  try {
    BSON.serialize(record as unknown as Record<string, unknown>);
    return true;
  } catch {
    return false;
  }
}

const MAX_DEPTH = 100;

function escapeKeys(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) return value.map((v) => escapeKeys(v, depth + 1));
  if (value instanceof Date || !isPlain(value)) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const safeKey = key.replaceAll('\u0000', '\\u0000');
    Object.defineProperty(out, safeKey, {
      value: escapeKeys((value as Record<string, unknown>)[key], depth + 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
