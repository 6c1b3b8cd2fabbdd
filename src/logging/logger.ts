import pino, { type Logger } from 'pino';

/**
 * One pino root logger for the process. Redaction here is the last line of defence: the
 * code never hands secrets to the logger, but a header object logged by mistake must not
 * leak a key or a signature either.
 */
export function createLogger(options: { level?: string; name?: string; destination?: pino.DestinationStream } = {}): Logger {
  return pino(
    {
      name: options.name ?? 'loyalty-api',
      level: options.level ?? 'info',
      redact: {
        paths: [
          '*.password',
          '*.secret',
          '*.apiSecret',
          'secret',
          'password',
          'req.headers.authorization',
          'req.headers["x-api-key"]',
          'req.headers.cookie',
          'headers.authorization',
          'headers["x-api-key"]',
          'headers.cookie',
        ],
        censor: '***',
      },
    },
    options.destination,
  );
}

export type { Logger };
