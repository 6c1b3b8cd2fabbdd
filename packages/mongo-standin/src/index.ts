/**
 * In-process MongoDB wire-protocol stand-in. Load it lazily: production code that has a
 * MONGODB_URI never needs it.
 */
export { StandInServer, type StandInOptions } from './server';
export type { Logger } from './logger';
