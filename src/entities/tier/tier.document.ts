import { Type } from 'class-transformer';
import { IsArray, IsDefined, IsNumber, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { EntityDocument, IsIntLike, IsLocalizedText } from '../import/validators';

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
  @IsOptional()
  @IsIntLike()
  rolling_months?: string | number;

  @IsOptional()
  @IsArray()
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
  expiration_type?: string;

  @IsDefined()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => TierLevelDocument)
  tiers!: TierLevelDocument[];
}
