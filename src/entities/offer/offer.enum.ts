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

registerEnumType(FrequencyPeriod, {
  name: 'FrequencyPeriod',
  description: 'The period a frequency limit counts in (stored as day, week, month, year).',
  valuesConfig: {
    DAY: { description: 'Per day.' },
    WEEK: { description: 'Per week.' },
    MONTH: { description: 'Per month.' },
    YEAR: { description: 'Per year.' },
  },
});
registerEnumType(MatchMode, {
  name: 'MatchMode',
  description: 'Whether all or any of the item rules must match.',
  valuesConfig: { ALL: { description: 'Every rule must match.' }, ANY: { description: 'One matching rule is enough.' } },
});
registerEnumType(InventoryScope, {
  name: 'InventoryScope',
  description: 'What an offer inventory is counted over.',
  valuesConfig: {
    GLOBAL: { description: 'One inventory shared by all customers.' },
    CUSTOMER: { description: 'An inventory of that size for each customer.' },
  },
});
registerEnumType(ItemRuleType, {
  name: 'ItemRuleType',
  description: 'What the ids of an item rule name.',
  valuesConfig: {
    CATEGORY: { description: 'Product categories.' },
    PRODUCT: { description: 'Products.' },
    LIST: { description: 'Product lists.' },
  },
});
