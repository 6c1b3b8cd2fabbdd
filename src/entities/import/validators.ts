import { IsDefined, IsString, Matches, MaxLength, ValidateBy, buildMessage, type ValidationOptions } from 'class-validator';

/**
 * Validators for the source's loose types: Antavo sends some counts as numeric strings
 * ("rolling_months": "12", "min_quantity": "1") and localized texts as {"en": "..."}.
 */
export function isIntLike(value: unknown): boolean {
  if (typeof value === 'number') return Number.isInteger(value);
  return typeof value === 'string' && /^\d{1,9}$/.test(value);
}

export function IsIntLike(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isIntLike',
      validator: {
        validate: (value) => isIntLike(value),
        defaultMessage: buildMessage(
          (each) => `${each}$property must be a whole number (a number or a string of digits such as "12")`,
          options,
        ),
      },
    },
    options,
  );
}

const LANGUAGE = /^[a-z]{2,3}([-_][A-Za-z0-9]{2,8})*$/;

export function isLocalizedText(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  return Object.entries(value).every(([lang, text]) => LANGUAGE.test(lang) && typeof text === 'string');
}

export function IsLocalizedText(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isLocalizedText',
      validator: {
        validate: (value) => isLocalizedText(value),
        defaultMessage: buildMessage(
          (each) => `${each}$property must be an object of language code to text, e.g. {"en": "Basic"}`,
          options,
        ),
      },
    },
    options,
  );
}

/** An ISO 8601 date-time with a time zone, as the source writes them. */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

export function isIsoDateTime(value: unknown): boolean {
  return typeof value === 'string' && ISO_DATE_TIME.test(value) && !Number.isNaN(Date.parse(value));
}

export function IsIsoDateTime(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isIsoDateTime',
      validator: {
        validate: (value) => isIsoDateTime(value),
        defaultMessage: buildMessage(
          (each) => `${each}$property must be an ISO 8601 date-time with a time zone, e.g. "2020-07-21T12:00:00+00:00"`,
          options,
        ),
      },
    },
    options,
  );
}

/** Entity ids become `_id` and URL path segments: keep them printable and bounded. */
export const ENTITY_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
export const ENTITY_ID_MESSAGE =
  '$property must be 1-128 characters of letters, digits, ".", "_", ":" or "-", starting with a letter or digit';

/** What every entity document has: an id (its `_id` and URL segment) and a name. */
export abstract class EntityDocument {
  @IsDefined()
  @IsString()
  @Matches(ENTITY_ID, { message: ENTITY_ID_MESSAGE })
  id!: string;

  @IsDefined()
  @IsString()
  @MaxLength(256)
  name!: string;
}
