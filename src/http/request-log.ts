import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Call } from '../call/call';

/** Paths load balancers and scrapers poll every few seconds: logged at debug so they do not drown the rest. */
const PROBES = new Set(['/healthz', '/readyz', '/metrics']);

/** What the line of one request says; the API call layer adds what it learned (endpoints, key hint). */
export interface RequestLogEntry {
  call?: Call;
}

export interface FinishedRequest {
  method: string;
  path: string;
  status: number;
  ms: number;
  requestId: string;
  call: Call | undefined;
  /** The client went away before the whole response was sent. */
  aborted: boolean;
}

/**
 * Calls `done` once per request when its connection is finished with it, sent or aborted.
 * The returned entry is where the API layer leaves its call record for the line.
 */
export function onRequestFinished(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  requestId: string,
  done: (finished: FinishedRequest) => void,
): RequestLogEntry {
  const started = process.hrtime.bigint();
  const entry: RequestLogEntry = {};
  res.once('close', () => {
    done({
      method: req.method ?? 'GET',
      path,
      status: res.statusCode,
      ms: Number(process.hrtime.bigint() - started) / 1e6,
      requestId,
      call: entry.call,
      aborted: !res.writableFinished,
    });
  });
  return entry;
}

/**
 * One line per request at info: method, path, status, milliseconds, endpoints, the key's
 * hint (never the key) and the request id an integrator can quote.
 */
export function logRequest(logger: Logger, finished: FinishedRequest): void {
  const { method, path, status, requestId, call, aborted } = finished;
  const ms = Math.round(finished.ms * 10) / 10;
  const line = {
    requestId,
    method,
    path,
    status,
    ms,
    ...(call && call.endpoints.length > 0 ? { endpoints: call.endpoints } : {}),
    ...(call?.auth?.keyHint ? { key: call.auth.keyHint } : {}),
    ...(call?.operationName ? { operation: call.operationName } : {}),
    ...(aborted ? { aborted: true } : {}),
  };
  const level = PROBES.has(path) && status < 500 ? 'debug' : 'info';
  logger[level](line, `${method} ${path} ${status} ${ms} ms`);
}
