import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * Outside production the secrets key may be generated: once, then kept beside the data in
 * `<DATA_DIR>/secrets.key` (mode 0600) so restarts can still decrypt stored secrets.
 */
export function loadOrCreateSecretsKey(dataDir: string): Buffer {
  const file = join(dataDir, 'secrets.key');
  try {
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length === 32) return key;
  } catch {
    // not there yet
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('base64') + '\n', { mode: 0o600 });
  return key;
}
