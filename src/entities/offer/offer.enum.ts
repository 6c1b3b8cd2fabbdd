import { registerEnumType } from 'type-graphql';

// Enum values are the source's own spellings, so a stored document maps without translation.
export enum FrequencyPeriod {
  DAY = 'day',
  WEEK = 'week',
  MONTH = 'month',
  YEAR = 'year',
}

export enum MatchMode {
  ALL = 'all',
  ANY = 'any',
}

export enum InventoryScope {
  GLOBAL = 'global',
  CUSTOMER = 'customer',
}

export enum ItemRuleType {
  CATEGORY = 'category',
  PRODUCT = 'product',
  LIST = 'list',
}

registerEnumType(FrequencyPeriod, { name: 'FrequencyPeriod' });
registerEnumType(MatchMode, { name: 'MatchMode', description: 'Whether all or any of the item rules must match.' });
registerEnumType(InventoryScope, { name: 'InventoryScope' });
registerEnumType(ItemRuleType, { name: 'ItemRuleType' });
