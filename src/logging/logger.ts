import pino, { type Logger } from 'pino';
import type PinoPretty from 'pino-pretty';

/** `pretty`: coloured one-liners with local times for a person at a terminal; `json`: one JSON object a line for machines. */
export type LogFormat = 'json' | 'pretty';

/** The format when LOG_FORMAT does not say: pretty for a person at a terminal, JSON for pipes, files and collectors. */
export function defaultLogFormat(stdoutIsTTY: boolean | undefined): LogFormat {
  return stdoutIsTTY === true ? 'pretty' : 'json';
}

/**
 * One pino root logger for the process. Redaction here is the last line of defence: the
 * code never hands secrets to the logger, but a header object logged by mistake must not
 * leak a key or a signature either.
 */
export function createLogger(
  options: { level?: string; name?: string; format?: LogFormat; destination?: pino.DestinationStream } = {},
): Logger {
  // Pretty printing runs in this thread and writes synchronously: no worker to start (fast
  // starts) and nothing lost when the process exits right after a start failure.
  const destination =
    options.format === 'pretty'
      ? // Loaded only when chosen: production logs JSON and need not pay for it at start.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        (require('pino-pretty') as typeof PinoPretty)({
          sync: true,
          colorize: true,
          translateTime: 'SYS:HH:MM:ss.l',
          singleLine: true,
          // The request line's message already reads "POST /graphql 200 3.1 ms".
          ignore: 'pid,hostname,name,method,path,status,ms',
          destination: options.destination ?? 1,
        })
      : options.destination;
  return pino(
    {
      name: options.name ?? 'loyalty-api',
      level: options.level ?? 'info',
      // ISO times read in any log viewer and in pretty output alike; epoch milliseconds do not.
      timestamp: pino.stdTimeFunctions.isoTime,
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
    destination,
  );
}

export type { Logger };
