import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDefined,
  IsIn,
  IsNumber,
  IsOptional,
  IsString,
  MaxLength,
  ValidateBy,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { EntityDocument, IsIntLike, IsLocalizedText } from '../import/validators';
import { EXPIRATION_TYPES, wholeMonths } from './tier-rules';
import { parseMonthDay } from './utc-days';

const ofType = (object: object, type: string) => (object as { expiration_type?: unknown }).expiration_type === type;

/** Checked when sent, and always for the expiration type that needs it. */
const RequiredFor = (type: string) =>
  ValidateIf((object: object, value: unknown) => ofType(object, type) || (value !== undefined && value !== null));

/** A `rolling` tier counts a positive whole number of months; other tiers keep any whole number as sent. */
function IsPositiveForRolling(): PropertyDecorator {
  return ValidateBy({
    name: 'isPositiveForRolling',
    validator: {
      validate: (value, args) => !ofType(args!.object, 'rolling') || wholeMonths(value) !== undefined,
      defaultMessage: () => '$property must be a positive whole number of months for a rolling tier, e.g. "12"',
    },
  });
}

/** Every entry a yearly "MM-DD" date; at least one for a `calendar` tier. */
function IsCalendarExpirations(): PropertyDecorator {
  return ValidateBy({
    name: 'isCalendarExpirations',
    validator: {
      validate: (value, args) =>
        Array.isArray(value) &&
        value.every((entry) => parseMonthDay(entry) !== undefined) &&
        (value.length > 0 || !ofType(args!.object, 'calendar')),
      defaultMessage: (args) =>
        Array.isArray(args?.value) && args.value.length === 0
          ? '$property must list at least one "MM-DD" date for a calendar tier'
          : '$property entries must be yearly dates written "MM-DD", e.g. "01-01" (02-29 falls on 02-28 in other years)',
    },
  });
}

/**
 * The tier entity as the Entities API sends it (snake_case). Only known keys are checked;
 * unknown keys are not listed here and pass through untouched.
 */
export class TierLevelDocument {
  @IsDefined()
  @IsString()
  @MaxLength(128)
  id!: string;

  @IsDefined()
  @IsLocalizedText()
  name!: Record<string, string>;

  @IsDefined()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  threshold!: number;
}

export class TierDocument extends EntityDocument {
  @RequiredFor('rolling')
  @IsDefined({ message: '$property is required for a rolling tier' })
  @IsIntLike()
  @IsPositiveForRolling()
  rolling_months?: string | number;

  @RequiredFor('calendar')
  @IsDefined({ message: '$property is required for a calendar tier' })
  @IsArray()
  @ArrayMaxSize(366)
  @IsCalendarExpirations()
  calendar_expirations?: unknown[];

  @IsDefined()
  @IsString()
  account!: string;

  @IsOptional()
  @IsString()
  status?: string;

  @IsOptional()
  @IsString()
  type?: string;

  @IsOptional()
  @IsString()
  @IsIn(EXPIRATION_TYPES as unknown as string[], { message: `$property must be one of ${EXPIRATION_TYPES.join(', ')}` })
  expiration_type?: string;

  @IsDefined()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => TierLevelDocument)
  tiers!: TierLevelDocument[];
}
