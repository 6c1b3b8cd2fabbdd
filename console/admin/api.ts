/**
 * The console is a client of /graphql like any other: the ADMIN key travels in X-Api-Key, and
 * lives in this tab's sessionStorage only (gone when the tab closes, never in a URL).
 */
const STORAGE_KEY = 'loyalty-console-admin-key';

export const session = {
  key: (): string | null => sessionStorage.getItem(STORAGE_KEY),
  signIn: (key: string): void => sessionStorage.setItem(STORAGE_KEY, key),
  signOut: (): void => sessionStorage.removeItem(STORAGE_KEY),
};

interface GraphQLError {
  message: string;
  extensions?: { code?: string; requestId?: string };
}

/** A refused or failed call, with a message an admin can act on. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/** What each refusal means for the person at the console, beside the server's own words. */
function explain(status: number, code: string | undefined, serverMessage: string, requestId?: string): string {
  const ref = requestId ? ` (request id ${requestId})` : '';
  if (status === 401)
    return `Not signed in (401 ${code ?? 'UNAUTHENTICATED'}): ${serverMessage}. Check the key, or sign in again with an ADMIN key that is not revoked.${ref}`;
  if (status === 403)
    return `Refused (403 ${code ?? 'FORBIDDEN'}): ${serverMessage}. The key must have the ADMIN role, and your address must pass the MANAGEMENT IP filter.${ref}`;
  if (status === 400) return `Not accepted (400 ${code ?? 'BAD_REQUEST'}): ${serverMessage}${ref}`;
  if (status === 429) return `Too many requests (429): ${serverMessage}. Wait a moment and try again.${ref}`;
  return `The server answered ${status}${code ? ` ${code}` : ''}: ${serverMessage}${ref}`;
}

let onSessionRefused: (reason: string) => void = () => undefined;

/** Called when the signed-in key stops working (revoked, or the filter changed): back to sign-in. */
export function whenSessionRefused(handler: (reason: string) => void): void {
  onSessionRefused = handler;
}

/** Runs an operation with the signed-in key, or with `explicitKey` (the sign-in check). */
export async function graphql<T>(query: string, variables: Record<string, unknown> = {}, explicitKey?: string): Promise<T> {
  const key = explicitKey ?? session.key();
  let response: Response;
  try {
    response = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { 'x-api-key': key } : {}) },
      body: JSON.stringify({ query, variables }),
    });
  } catch {
    throw new ApiError('Cannot reach the server: check that it is running and the network is up.', 0, undefined);
  }
  let body: { data?: T | null; errors?: GraphQLError[] } | undefined;
  try {
    body = (await response.json()) as typeof body;
  } catch {
    body = undefined;
  }
  const first = body?.errors?.[0];
  if (first || !response.ok || !body?.data) {
    const code = first?.extensions?.code;
    const message = first?.message ?? `HTTP ${response.status}`;
    const error = new ApiError(
      explain(response.status === 200 ? 400 : response.status, code, message, first?.extensions?.requestId),
      response.status,
      code,
    );
    if (response.status === 401 && explicitKey === undefined) onSessionRefused(error.message);
    throw error;
  }
  return body.data;
}
