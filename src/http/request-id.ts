import { randomUUID } from 'node:crypto';

/**
 * A client's own id is kept so it can follow a call through its systems and ours, but only
 * when it is short, printable and free of separators: it is echoed in a header, stored in
 * the error log and quoted to admins.
 */
const WELL_FORMED = /^[A-Za-z0-9][A-Za-z0-9._:@+=/-]{0,127}$/;

export function requestIdOf(header: string | string[] | undefined): string {
  const sent = Array.isArray(header) ? header[0] : header;
  return sent !== undefined && WELL_FORMED.test(sent) ? sent : randomUUID();
}
