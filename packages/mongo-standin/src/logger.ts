/**
 * The part of a logger the stand-in calls. pino's Logger (and most structured loggers)
 * fits it, so the package needs no logging library of its own.
 */
export interface Logger {
  debug(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}
