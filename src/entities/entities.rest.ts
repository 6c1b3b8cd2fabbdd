import { EntityKind } from './entity-kind.enum';
import type { EntityStore } from './entity.store';
import type { SecurityStore } from '../security/security.store';
import type { Call, CallResponse } from '../call/call';
import { authorize } from '../auth/authorize';
import { ApiEndpoint } from '../security/api-endpoint';
import { jsonResponse, restErrorBody } from '../call/response';

const ROUTE = /^\/entities\/(tiers\/tier|offers\/offer)(?:\/([^/]+))?\/?$/;

/**
 * The Entities API paths (CONTRACT §1): documents exactly as stored, in the source's
 * `{"data": ...}` envelope, behind the same authentication and ENTITIES endpoint rules as
 * GraphQL. List bodies are pre-serialised by the entity cache.
 */
export function handleEntities(services: { entities: EntityStore; security: SecurityStore }, call: Call): CallResponse {
  const raw = call.request;
  const restError = (status: number, code: string, message: string) => restErrorBody(status, code, message, call.requestId);
  const match = ROUTE.exec(raw.path);
  if (!match) return jsonResponse(404, restError(404, 'NOT_FOUND', `No such path: ${raw.path}`));
  if (raw.method !== 'GET') {
    return jsonResponse(405, restError(405, 'METHOD_NOT_ALLOWED', 'Only GET is supported'), { allow: 'GET' });
  }
  const refusal = authorize(call.auth, [{ endpoint: ApiEndpoint.ENTITIES }], services.security);
  if (refusal) {
    const status = (refusal.extensions.http as { status: number }).status;
    return jsonResponse(status, restError(status, String(refusal.extensions.code), refusal.message));
  }
  call.authorized = true;

  const kind = match[1] === 'tiers/tier' ? EntityKind.TIER : EntityKind.OFFER;
  if (match[2] === undefined) return jsonResponse(200, services.entities.listJson(kind));
  let id: string;
  try {
    id = decodeURIComponent(match[2]);
  } catch {
    id = match[2];
  }
  const document = services.entities.source(kind, id);
  if (!document) {
    const what = kind === EntityKind.TIER ? 'tier' : 'offer';
    return jsonResponse(404, restError(404, 'NOT_FOUND', `No ${what} entity with id "${id.slice(0, 128)}"`));
  }
  return jsonResponse(200, { data: document });
}
