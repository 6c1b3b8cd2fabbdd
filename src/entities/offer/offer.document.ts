import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { EntityDocument, IsIntLike, IsIsoDateTime, IsLocalizedText } from '../import/validators';

/**
 * The offer entity as the Entities API sends it (snake_case), after the source's template.
 * Enumerations are the template's own (`day|week|month|year`, `all|any`, `global|customer`,
 * `category|product|list`); unknown keys are not listed and pass through untouched.
 */
export const FREQUENCY_PERIODS = ['day', 'week', 'month', 'year'] as const;
export const MATCH_MODES = ['all', 'any'] as const;
export const INVENTORY_SCOPES = ['global', 'customer'] as const;
export const ITEM_TYPES = ['category', 'product', 'list'] as const;

const finite = { allowNaN: false, allowInfinity: false };

export class NamedRefDocument {
  @IsDefined()
  @IsString()
  @MaxLength(128)
  id!: string;

  @IsOptional()
  @IsString()
  name?: string;
}

export class ItemRuleDocument {
  @IsDefined()
  @IsIn(ITEM_TYPES)
  type!: string;

  @IsOptional()
  @IsIntLike()
  min_quantity?: string | number;

  @IsDefined()
  @IsArray()
  @IsString({ each: true })
  id!: string[];
}

export class DiscountDocument {
  @IsDefined()
  @IsString()
  type!: string;

  @IsDefined()
  @IsNumber(finite)
  @Min(0)
  value!: number;

  @IsOptional()
  @IsString()
  target?: string;

  @IsOptional()
  @IsInt()
  @Min(0)
  max_quantity?: number;
}

export class OfferDocument extends EntityDocument {
  @IsOptional() @IsString() type?: string;
  @IsOptional() @IsNumber(finite) weight?: number;
  @IsOptional() @IsString() coupon_pool?: string;
  @IsOptional() @IsBoolean() recurring?: boolean;
  @IsOptional() @IsIsoDateTime() starts_at?: string;
  @IsOptional() @IsIsoDateTime() ends_at?: string;
  @IsOptional() @IsNumber(finite) @Min(0) min_total?: number;
  @IsOptional() @IsNumber(finite) @Min(0) max_total?: number;
  @IsOptional() @IsInt() @Min(0) applications?: number;
  @IsOptional() @IsInt() @Min(0) redemption_frequency_threshold?: number;
  @IsOptional() @IsIn(FREQUENCY_PERIODS) redemption_frequency_period?: string;

  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => NamedRefDocument)
  segments?: NamedRefDocument[];

  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => NamedRefDocument)
  stores?: NamedRefDocument[];

  @IsOptional() @IsBoolean() exclusive?: boolean;
  @IsOptional() @IsIn(MATCH_MODES) required_match?: string;

  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ItemRuleDocument)
  required_items?: ItemRuleDocument[];

  @IsOptional() @IsIn(MATCH_MODES) eligible_match?: string;

  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ItemRuleDocument)
  eligible_items?: ItemRuleDocument[];

  @IsOptional()
  @ValidateNested()
  @Type(() => DiscountDocument)
  discount?: DiscountDocument;

  @IsOptional() @IsBoolean() card_enabled?: boolean;
  @IsOptional() @IsLocalizedText() card_title?: Record<string, string>;
  @IsOptional() @IsLocalizedText() card_description?: Record<string, string>;
  @IsOptional() @IsArray() @IsString({ each: true }) card_image?: string[];
  @IsOptional() @IsIsoDateTime() issuance_start_at?: string;
  @IsOptional() @IsIsoDateTime() issuance_end_at?: string;
  @IsOptional() @IsBoolean() display_coming_soon?: boolean;
  @IsOptional() @IsBoolean() hide_restricted?: boolean;
  @IsOptional() @IsInt() @Min(0) inventory_size?: number;
  @IsOptional() @IsIn(INVENTORY_SCOPES) inventory_scope?: string;
  @IsOptional() @IsInt() @Min(0) issuance_frequency_threshold?: number;
  @IsOptional() @IsIn(FREQUENCY_PERIODS) issuance_frequency_period?: string;
}

/** Rules that span two fields, which class-validator's per-property decorators cannot say. */
export function offerCrossFieldProblems(doc: OfferDocument): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  if (doc.starts_at && doc.ends_at && Date.parse(doc.ends_at) <= Date.parse(doc.starts_at)) {
    problems.push({ field: 'ends_at', message: 'ends_at must be later than starts_at' });
  }
  if (doc.issuance_start_at && doc.issuance_end_at && Date.parse(doc.issuance_end_at) < Date.parse(doc.issuance_start_at)) {
    problems.push({ field: 'issuance_end_at', message: 'issuance_end_at must not be earlier than issuance_start_at' });
  }
  if (typeof doc.min_total === 'number' && typeof doc.max_total === 'number' && doc.max_total < doc.min_total) {
    problems.push({ field: 'max_total', message: 'max_total must not be less than min_total' });
  }
  return problems;
}
