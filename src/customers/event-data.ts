import { plainToInstance } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsEmail,
  IsInt,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  validateSync,
  type ValidationError,
} from 'class-validator';
import { badUserInput } from '../common/errors';
import { fieldPath } from '../common/field-path';
import { IsIsoDateTime } from '../entities/import/validators';
import { ACCOUNT_NAME, ACCOUNT_NAME_RULE, DEFAULT_ACCOUNT } from './customer.model';
import type { EventAction } from './event.input';

/**
 * The `data` of each action, checked with class-validator after plainToInstance (no implicit
 * conversion: "10" is not a number of points). A key that is present must be valid: null
 * is refused rather than read as "absent", and keys an action does not know are refused.
 * Messages never echo the rejected value (it may be a password).
 */

// Validate a key whenever it was sent, including null.
const Present = () => ValidateIf((_object: object, value: unknown) => value !== undefined);

export const MAX_SEGMENTS = 100;
export const MAX_SEGMENT_LENGTH = 128;
const ISO_EXAMPLE = 'an ISO 8601 date-time with a time zone, e.g. "2026-03-15T12:00:00Z"';

/** What every action may carry: when it took effect. */
class TimedData {
  @Present()
  @IsString({ message: `data.effective_timestamp must be ${ISO_EXAMPLE}` })
  @IsIsoDateTime({ message: `data.effective_timestamp must be ${ISO_EXAMPLE}` })
  effective_timestamp?: string;
}

export class ProfileData extends TimedData {
  @Present()
  @IsString({ message: 'data.email must be a string' })
  @IsEmail({}, { message: 'data.email must be an email address' })
  @MaxLength(254, { message: 'data.email must be at most 254 characters' })
  email?: string;

  @Present()
  @IsString({ message: 'data.first_name must be a string' })
  @Length(1, 100, { message: 'data.first_name must be 1 to 100 characters' })
  first_name?: string;

  @Present()
  @IsString({ message: 'data.last_name must be a string' })
  @Length(1, 100, { message: 'data.last_name must be 1 to 100 characters' })
  last_name?: string;

  @Present()
  @IsString({ message: 'data.password must be a string' })
  @Length(8, 200, { message: 'data.password must be 8 to 200 characters' })
  password?: string;

  @Present()
  @IsArray({ message: 'data.segments must be a list of segment ids' })
  @ArrayMaxSize(MAX_SEGMENTS, { message: `data.segments must hold at most ${MAX_SEGMENTS} segment ids` })
  @IsString({ each: true, message: 'data.segments must hold only strings' })
  @Length(1, MAX_SEGMENT_LENGTH, { each: true, message: `data.segments entries must be 1 to ${MAX_SEGMENT_LENGTH} characters` })
  segments?: string[];
}

export const MAX_POINTS_PER_EVENT = 1_000_000_000;

export class PointData extends TimedData {
  @ValidateIf(() => true)
  @IsInt({ message: 'data.points must be a whole number' })
  @Min(1, { message: 'data.points must be a positive whole number' })
  @Max(MAX_POINTS_PER_EVENT, { message: `data.points must be at most ${MAX_POINTS_PER_EVENT}` })
  points!: number;

  @Present()
  @IsString({ message: 'data.account must be a string' })
  @Matches(ACCOUNT_NAME, { message: ACCOUNT_NAME_RULE })
  account?: string;

  @Present()
  @IsString({ message: `data.expires_at must be ${ISO_EXAMPLE}` })
  @IsIsoDateTime({ message: `data.expires_at must be ${ISO_EXAMPLE}` })
  expires_at?: string;
}

const PROFILE_KEYS = ['email', 'first_name', 'last_name', 'password', 'segments'];
const KEYS: Record<EventAction, readonly string[]> = {
  opt_in: [...PROFILE_KEYS, 'effective_timestamp'],
  profile: [...PROFILE_KEYS, 'effective_timestamp'],
  point_add: ['points', 'account', 'expires_at', 'effective_timestamp'],
  point_spend: ['points', 'account', 'effective_timestamp'],
};

export type ValidatedData =
  | { kind: 'profile'; data: ProfileData; effectiveAt?: Date }
  | { kind: 'points'; points: number; account: string; effectiveAt?: Date; expiresAt?: Date };

// A wrong type is reported before range or format problems of the same key.
const TYPE_CONSTRAINTS = ['isArray', 'isString', 'isInt'];

function firstProblem(errors: ValidationError[]): { field: string; message: string } | undefined {
  for (const error of errors) {
    const constraints = error.constraints ?? {};
    const key = TYPE_CONSTRAINTS.find((name) => name in constraints) ?? Object.keys(constraints)[0];
    if (key) return { field: `data.${error.property}`, message: constraints[key] };
  }
  return undefined;
}

/** Returns the checked data of `action` or throws BAD_USER_INPUT naming the field. */
export function validateEventData(action: EventAction, raw: Record<string, unknown> | null | undefined): ValidatedData {
  const data = raw ?? {};
  const allowed = KEYS[action];
  // Own keys, `__proto__` included (JSON.parse and the JSONObject literal parser keep it as
  // one): every key that is not the action's is refused by name, none is dropped.
  const unknown = Object.keys(data).filter((key) => !allowed.includes(key));
  if (unknown.length) {
    const names = unknown
      .slice(0, 5)
      .map((k) => JSON.stringify(k.length > 64 ? `${k.slice(0, 64)}…` : k))
      .join(', ');
    throw badUserInput(
      `data ${unknown.length === 1 ? 'key' : 'keys'} ${names} ${unknown.length === 1 ? 'is' : 'are'} not accepted by ${action} events; allowed: ${allowed.join(', ')}`,
      { field: fieldPath('data', unknown[0]) },
    );
  }
  const isProfile = action === 'opt_in' || action === 'profile';
  const instance = isProfile
    ? plainToInstance(ProfileData, data, { enableImplicitConversion: false })
    : plainToInstance(PointData, data, { enableImplicitConversion: false });
  const problem = firstProblem(validateSync(instance, { forbidUnknownValues: false, whitelist: false }));
  if (problem) throw badUserInput(problem.message, { field: problem.field });

  const timed = instance as TimedData;
  const effectiveAt = timed.effective_timestamp === undefined ? undefined : new Date(timed.effective_timestamp);
  if (isProfile) {
    if (action === 'profile' && !Object.keys(data).some((key) => PROFILE_KEYS.includes(key))) {
      throw badUserInput(`a profile event needs at least one of ${PROFILE_KEYS.join(', ')} in data`, { field: 'data' });
    }
    return { kind: 'profile', data: instance as ProfileData, effectiveAt };
  }
  const points = instance as PointData;
  return {
    kind: 'points',
    points: points.points,
    account: points.account ?? DEFAULT_ACCOUNT,
    effectiveAt,
    expiresAt: points.expires_at === undefined ? undefined : new Date(points.expires_at),
  };
}
