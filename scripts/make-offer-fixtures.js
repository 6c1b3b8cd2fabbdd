#!/usr/bin/env node
'use strict';
// Generates src/entities/fixtures/tiers.json and offers.json (deterministic).
// Source: seeds/001 (Antavo entities API examples). Run: node scripts/make-offer-fixtures.js
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');

const OUT = path.join(__dirname, '..', 'src', 'entities', 'fixtures');

// ---- tiers: copied verbatim from the seed's example response ----
const tiers = [
  {
    id: 'standard',
    name: 'Standard Tier',
    rolling_months: '12',
    calendar_expirations: [],
    account: 'standard',
    status: 'active',
    type: 'point_based',
    expiration_type: 'none',
    tiers: [
      { id: 't0', name: { en: 'Basic' }, threshold: 0 },
      { id: 't1', name: { en: 'medium' }, threshold: 100 },
    ],
  },
  {
    id: 'bonus',
    name: 'Bonus',
    rolling_months: '12',
    calendar_expirations: [],
    account: 'other',
    status: 'active',
    type: 'point_based',
    expiration_type: 'none',
    tiers: [
      { id: 'b0', name: { en: 'no Bonus' }, threshold: 0 },
      { id: 'b1', name: { en: 'first stage' }, threshold: 10 },
    ],
  },
];

// ---- deterministic Mongo-like ids: 8 hex timestamp + 16 hex from a hash ----
function oid(seed, isoDate) {
  const ts = Math.floor(Date.parse(isoDate) / 1000).toString(16).padStart(8, '0');
  return ts + crypto.createHash('sha1').update(seed).digest('hex').slice(0, 16);
}

const SEGMENTS = [
  { id: oid('segment:vip', '2020-06-23T08:00:00Z'), name: 'VIP Members' },
  { id: oid('segment:new', '2020-06-23T08:05:00Z'), name: 'New Customers' },
  { id: oid('segment:lapsed', '2020-06-23T08:10:00Z'), name: 'Lapsed Shoppers' },
  { id: oid('segment:families', '2020-06-23T08:15:00Z'), name: 'Families' },
];
const STORES = [
  { id: oid('store:bud', '2020-07-01T09:00:00Z'), name: 'Budapest Flagship' },
  { id: oid('store:deb', '2020-07-01T09:10:00Z'), name: 'Debrecen Arena Mall' },
  { id: oid('store:vie', '2020-07-01T09:20:00Z'), name: 'Vienna Mariahilfer' },
  { id: oid('store:ber', '2020-07-01T09:30:00Z'), name: 'Berlin Alexa' },
  { id: oid('store:web', '2020-07-01T09:40:00Z'), name: 'Online Store' },
];
const seg = (...idx) => idx.map((i) => ({ ...SEGMENTS[i] }));
const sto = (...idx) => idx.map((i) => ({ ...STORES[i] }));
const item = (type, min_quantity, ...id) => ({ type, min_quantity, id });
const img = (slug, n = 1) =>
  Array.from({ length: n }, (_, k) => `https://cdn.example.com/offers/${slug}${n > 1 ? '-' + (k + 1) : ''}.jpg`);
const dt = (s) => `${s}+00:00`;

// Each spec lists fields in template order; extra unknown keys are appended at the end.
const specs = [
  // ---------------- past (ended in 2025) ----------------
  {
    name: 'Spring Welcome Coupon', type: 'coupon', weight: 80, coupon_pool: 'WELCOME-SPRING-25', recurring: false,
    starts_at: '2025-03-01T00:00:00', ends_at: '2025-05-31T23:59:59', min_total: 20, max_total: 500,
    applications: 1, rft: 1, rfp: 'year', segments: seg(1), stores: sto(0, 1, 4), exclusive: true,
    required_match: 'any', required_items: [item('category', '1', 'CAT-APPAREL', 'CAT-SHOES')],
    eligible_match: 'any', eligible_items: [item('category', '1', 'CAT-APPAREL', 'CAT-SHOES', 'CAT-ACCESSORIES')],
    discount: { type: 'fixed discount', value: 10, target: 'all items', max_quantity: 1 }, card_enabled: true,
    card_title: { en: 'Welcome! €10 off your first order', hu: 'Üdv! 10 € kedvezmény az első rendelésből', de: 'Willkommen! 10 € Rabatt auf Ihre erste Bestellung' },
    card_description: { en: 'Spend €20 or more on apparel or shoes and save €10.', hu: 'Költs legalább 20 €-t ruházatra vagy cipőre, és spórolj 10 €-t.', de: 'Ab 20 € Einkaufswert bei Bekleidung oder Schuhen 10 € sparen.' },
    card_image: img('spring-welcome'), issuance_start_at: '2025-02-20T00:00:00', issuance_end_at: '2025-05-15T23:59:59',
    display_coming_soon: true, hide_restricted: false, inventory_size: 5000, inventory_scope: 'global', ift: 1, ifp: 'year',
    extra: { external_ref: 'ERP-1042' },
  },
  {
    name: 'Double Points Weekend', type: 'points_multiplier', weight: 45, coupon_pool: 'NONE', recurring: true,
    starts_at: '2025-04-04T00:00:00', ends_at: '2025-04-06T23:59:59', min_total: 15.5, max_total: 1000,
    applications: 3, rft: 1, rfp: 'day', segments: seg(0, 3), stores: sto(0, 1, 2, 3), exclusive: false,
    required_match: 'all', required_items: [item('list', '1', 'LIST-ALL-SKUS')],
    eligible_match: 'all', eligible_items: [item('list', '1', 'LIST-ALL-SKUS')],
    discount: { type: 'percent discount', value: 5, target: 'all items', max_quantity: 50 }, card_enabled: true,
    card_title: { en: 'Double points all weekend' }, card_description: { en: 'Earn 2x loyalty points on every purchase, Friday to Sunday.' },
    card_image: img('double-points-weekend', 2), issuance_start_at: '2025-03-28T00:00:00', issuance_end_at: '2025-04-06T12:00:00',
    display_coming_soon: false, hide_restricted: true, inventory_size: 20000, inventory_scope: 'global', ift: 3, ifp: 'month',
  },
  {
    name: 'Summer Sandals 15% Off', type: 'discount', weight: 60, coupon_pool: 'SUMMER-SANDALS', recurring: false,
    starts_at: '2025-06-01T06:00:00', ends_at: '2025-08-31T21:00:00', min_total: 29.99, max_total: 299.99,
    applications: 2, rft: 2, rfp: 'month', segments: seg(1, 3), stores: sto(0, 4), exclusive: false,
    required_match: 'any', required_items: [item('product', '1', 'SKU-SND-1001', 'SKU-SND-1002', 'SKU-SND-1003')],
    eligible_match: 'any', eligible_items: [item('product', '1', 'SKU-SND-1001', 'SKU-SND-1002', 'SKU-SND-1003', 'SKU-SND-1004')],
    discount: { type: 'percent discount', value: 15, target: 'most expensive item', max_quantity: 1 }, card_enabled: true,
    card_title: { en: '15% off summer sandals' }, card_description: { en: 'Step into summer: 15% off your priciest pair of sandals.' },
    card_image: img('summer-sandals'), issuance_start_at: '2025-05-25T00:00:00', issuance_end_at: '2025-08-15T00:00:00',
    display_coming_soon: true, hide_restricted: false, inventory_size: 1500, inventory_scope: 'customer', ift: 2, ifp: 'month',
  },
  {
    name: 'Free Shipping Over €50', type: 'free_shipping', weight: 30, coupon_pool: 'FREESHIP-Q2', recurring: true,
    starts_at: '2025-01-15T00:00:00', ends_at: '2025-06-30T23:59:59', min_total: 50, max_total: 2500,
    applications: 5, rft: 1, rfp: 'week', segments: seg(0, 1, 2, 3), stores: sto(4), exclusive: false,
    required_match: 'all', required_items: [item('list', '1', 'LIST-SHIPPABLE')],
    eligible_match: 'any', eligible_items: [item('list', '1', 'LIST-SHIPPABLE')],
    discount: { type: 'fixed price', value: 0, target: 'all items', max_quantity: 1 }, card_enabled: false,
    card_title: { en: 'Free shipping over €50' }, card_description: { en: 'Orders of €50 or more ship free to your door.' },
    card_image: img('free-shipping-50'), issuance_start_at: '2025-01-15T00:00:00', issuance_end_at: '2025-06-30T23:59:59',
    display_coming_soon: false, hide_restricted: false, inventory_size: 100000, inventory_scope: 'global', ift: 4, ifp: 'month',
  },
  {
    name: 'Back to School Bundle', type: 'discount', weight: 70, coupon_pool: 'BTS-2025', recurring: false,
    starts_at: '2025-08-15T00:00:00', ends_at: '2025-09-15T23:59:59', min_total: 40, max_total: 400,
    applications: 1, rft: 1, rfp: 'month', segments: seg(3), stores: sto(0, 1, 2), exclusive: true,
    required_match: 'all', required_items: [
      item('category', '1', 'CAT-BACKPACKS'),
      item('category', '2', 'CAT-STATIONERY', 'CAT-NOTEBOOKS'),
      item('product', '1', 'SKU-LUN-2201', 'SKU-LUN-2202', 'SKU-BTL-3301'),
    ],
    eligible_match: 'any', eligible_items: [item('category', '1', 'CAT-STATIONERY', 'CAT-NOTEBOOKS')],
    discount: { type: 'percent discount', value: 25, target: 'cheapest item', max_quantity: 3 }, card_enabled: true,
    card_title: { en: 'Back to school: 25% off supplies', hu: 'Iskolakezdés: 25% kedvezmény az eszközökre', de: 'Schulstart: 25 % auf Schulbedarf' },
    card_description: { en: 'Buy a backpack, two stationery items and a lunch box or bottle to unlock 25% off.', hu: 'Vásárolj hátizsákot, két írószert és uzsonnás dobozt vagy kulacsot a 25% kedvezményért.', de: 'Rucksack, zwei Schreibwaren und Brotdose oder Flasche kaufen und 25 % sparen.' },
    card_image: img('back-to-school', 3), issuance_start_at: '2025-08-01T00:00:00', issuance_end_at: '2025-09-10T23:59:59',
    display_coming_soon: true, hide_restricted: true, inventory_size: 3000, inventory_scope: 'global', ift: 1, ifp: 'year',
    extra: { metadata: { campaign: 'back-to-school-2025', tags: ['seasonal', 'bundle', 'family'] } },
  },
  {
    name: 'Black Friday €25 Voucher', type: 'coupon', weight: 100, coupon_pool: 'BF25-VOUCHERS', recurring: false,
    starts_at: '2025-11-28T00:00:00', ends_at: '2025-12-01T23:59:59', min_total: 100, max_total: 5000,
    applications: 1, rft: 1, rfp: 'day', segments: seg(0, 2), stores: sto(0, 1, 2, 3, 4), exclusive: true,
    required_match: 'any', required_items: [item('list', '1', 'LIST-BF-ELIGIBLE', 'LIST-FULL-PRICE')],
    eligible_match: 'all', eligible_items: [item('list', '1', 'LIST-BF-ELIGIBLE')],
    discount: { type: 'fixed discount', value: 25, target: 'all items', max_quantity: 1 }, card_enabled: true,
    card_title: { en: '€25 off for Black Friday' }, card_description: { en: 'Spend €100 and take €25 off. Valid online and in all stores.' },
    card_image: img('black-friday-25'), issuance_start_at: '2025-11-20T00:00:00', issuance_end_at: '2025-11-30T23:59:59',
    display_coming_soon: true, hide_restricted: false, inventory_size: 10000, inventory_scope: 'global', ift: 1, ifp: 'year',
  },
  {
    name: 'Triple Points on Outerwear', type: 'points_multiplier', weight: 35, coupon_pool: 'NONE', recurring: false,
    starts_at: '2025-10-01T00:00:00', ends_at: '2025-10-31T23:59:59', min_total: 60, max_total: 1200.5,
    applications: 2, rft: 1, rfp: 'week', segments: seg(0), stores: sto(2, 3), exclusive: false,
    required_match: 'any', required_items: [item('category', '1', 'CAT-JACKETS', 'CAT-COATS')],
    eligible_match: 'any', eligible_items: [item('category', '1', 'CAT-JACKETS', 'CAT-COATS', 'CAT-GILETS')],
    discount: { type: 'percent discount', value: 10, target: 'all items', max_quantity: 5 }, card_enabled: false,
    card_title: { en: '3x points on outerwear' }, card_description: { en: 'VIP members earn triple points on jackets and coats all October.' },
    card_image: img('triple-points-outerwear'), issuance_start_at: '2025-09-25T00:00:00', issuance_end_at: '2025-10-31T23:59:59',
    display_coming_soon: false, hide_restricted: true, inventory_size: 800, inventory_scope: 'customer', ift: 2, ifp: 'week',
  },
  {
    name: 'Winback: Come Back for 20% Off', type: 'coupon', weight: 55, coupon_pool: 'WINBACK-20', recurring: true,
    starts_at: '2025-02-01T00:00:00', ends_at: '2025-12-31T23:59:59', min_total: 30, max_total: 750,
    applications: 1, rft: 1, rfp: 'month', segments: seg(2), stores: sto(0, 1, 2, 3, 4), exclusive: false,
    required_match: 'any', required_items: [item('list', '1', 'LIST-FULL-PRICE')],
    eligible_match: 'any', eligible_items: [item('list', '1', 'LIST-FULL-PRICE'), item('category', '1', 'CAT-HOME')],
    discount: { type: 'percent discount', value: 20, target: 'all items', max_quantity: 10 }, card_enabled: true,
    card_title: { en: 'We miss you: 20% off' }, card_description: { en: 'It has been a while! Enjoy 20% off full-price items.' },
    card_image: img('winback-20'), issuance_start_at: '2025-02-01T00:00:00', issuance_end_at: '2025-12-15T23:59:59',
    display_coming_soon: false, hide_restricted: true, inventory_size: 2500, inventory_scope: 'customer', ift: 1, ifp: 'month',
  },

  // ---------------- current (spanning 2026-11-21) ----------------
  {
    name: 'Loyalty Member 10% Everyday', type: 'discount', weight: 20, coupon_pool: 'EVERYDAY-10', recurring: true,
    starts_at: '2026-01-01T00:00:00', ends_at: '2026-12-31T23:59:59', min_total: 10, max_total: 3000,
    applications: 10, rft: 4, rfp: 'month', segments: seg(0, 1, 2, 3), stores: sto(0, 1, 2, 3, 4), exclusive: false,
    required_match: 'any', required_items: [item('list', '1', 'LIST-FULL-PRICE')],
    eligible_match: 'any', eligible_items: [item('list', '1', 'LIST-FULL-PRICE')],
    discount: { type: 'percent discount', value: 10, target: 'all items', max_quantity: 20 }, card_enabled: true,
    card_title: { en: '10% off, every day' }, card_description: { en: 'As a loyalty member you save 10% on full-price items, all year round.' },
    card_image: img('everyday-10'), issuance_start_at: '2026-01-01T00:00:00', issuance_end_at: '2026-12-31T23:59:59',
    display_coming_soon: false, hide_restricted: false, inventory_size: 250000, inventory_scope: 'global', ift: 4, ifp: 'month',
    extra: { external_ref: 'ERP-2210' },
  },
  {
    name: 'Winter Boots €15 Off', type: 'coupon', weight: 75, coupon_pool: 'WINTER-BOOTS-15', recurring: false,
    starts_at: '2026-10-15T00:00:00', ends_at: '2027-01-31T23:59:59', min_total: 79.9, max_total: 600,
    applications: 1, rft: 1, rfp: 'year', segments: seg(0, 3), stores: sto(0, 1, 2), exclusive: true,
    required_match: 'any', required_items: [item('category', '1', 'CAT-BOOTS')],
    eligible_match: 'any', eligible_items: [item('product', '1', 'SKU-BT-4401', 'SKU-BT-4402', 'SKU-BT-4410', 'SKU-BT-4415', 'SKU-BT-4420')],
    discount: { type: 'fixed discount', value: 15, target: 'most expensive item', max_quantity: 1 }, card_enabled: true,
    card_title: { en: '€15 off winter boots', hu: '15 € kedvezmény téli csizmákra', de: '15 € Rabatt auf Winterstiefel' },
    card_description: { en: 'Stay warm for less: €15 off selected winter boots.', hu: 'Maradj melegben olcsóbban: 15 € kedvezmény kiválasztott téli csizmákra.', de: 'Warm bleiben für weniger: 15 € Rabatt auf ausgewählte Winterstiefel.' },
    card_image: img('winter-boots-15', 2), issuance_start_at: '2026-10-10T00:00:00', issuance_end_at: '2027-01-15T23:59:59',
    display_coming_soon: true, hide_restricted: false, inventory_size: 4000, inventory_scope: 'global', ift: 1, ifp: 'year',
  },
  {
    name: 'Free Express Shipping for VIPs', type: 'free_shipping', weight: 40, coupon_pool: 'VIP-EXPRESS', recurring: true,
    starts_at: '2026-06-01T00:00:00', ends_at: '2027-05-31T23:59:59', min_total: 0, max_total: 10000,
    applications: 20, rft: 5, rfp: 'month', segments: seg(0), stores: sto(4), exclusive: false,
    required_match: 'all', required_items: [item('list', '1', 'LIST-SHIPPABLE')],
    eligible_match: 'all', eligible_items: [item('list', '1', 'LIST-SHIPPABLE')],
    discount: { type: 'fixed price', value: 0, target: 'all items', max_quantity: 1 }, card_enabled: true,
    card_title: { en: 'Free express shipping' }, card_description: { en: 'VIP perk: every online order ships express at no cost.' },
    card_image: img('vip-express-shipping'), issuance_start_at: '2026-06-01T00:00:00', issuance_end_at: '2027-05-31T23:59:59',
    display_coming_soon: false, hide_restricted: true, inventory_size: 50000, inventory_scope: 'customer', ift: 5, ifp: 'month',
  },
  {
    name: 'Buy 2 Knitwear, Cheapest 50% Off', type: 'discount', weight: 65, coupon_pool: 'KNIT-B2-50', recurring: false,
    starts_at: '2026-11-01T00:00:00', ends_at: '2026-11-30T23:59:59', min_total: 49.9, max_total: 899.9,
    applications: 2, rft: 2, rfp: 'week', segments: seg(1, 2), stores: sto(0, 1, 2, 3), exclusive: false,
    required_match: 'all', required_items: [item('category', '2', 'CAT-KNITWEAR')],
    eligible_match: 'all', eligible_items: [item('category', '2', 'CAT-KNITWEAR')],
    discount: { type: 'percent discount', value: 50, target: 'cheapest item', max_quantity: 1 }, card_enabled: true,
    card_title: { en: 'Knitwear: 2nd item half price' }, card_description: { en: 'Buy any two knitwear pieces and the cheaper one is 50% off.' },
    card_image: img('knitwear-b2'), issuance_start_at: '2026-10-25T00:00:00', issuance_end_at: '2026-11-28T23:59:59',
    display_coming_soon: true, hide_restricted: false, inventory_size: 6000, inventory_scope: 'global', ift: 2, ifp: 'week',
  },
  {
    name: 'Points x5 on Beauty', type: 'points_multiplier', weight: 50, coupon_pool: 'NONE', recurring: true,
    starts_at: '2026-09-01T00:00:00', ends_at: '2026-12-31T23:59:59', min_total: 25, max_total: 400,
    applications: 4, rft: 1, rfp: 'week', segments: seg(0, 1), stores: sto(0, 2, 4), exclusive: false,
    required_match: 'any', required_items: [item('category', '1', 'CAT-SKINCARE', 'CAT-MAKEUP', 'CAT-FRAGRANCE')],
    eligible_match: 'any', eligible_items: [item('category', '1', 'CAT-SKINCARE', 'CAT-MAKEUP', 'CAT-FRAGRANCE', 'CAT-HAIRCARE')],
    discount: { type: 'percent discount', value: 12, target: 'all items', max_quantity: 10 }, card_enabled: true,
    card_title: { en: '5x points on beauty' }, card_description: { en: 'Earn five times the points on skincare, makeup and fragrance.' },
    card_image: img('beauty-5x'), issuance_start_at: '2026-08-25T00:00:00', issuance_end_at: '2026-12-24T23:59:59',
    display_coming_soon: true, hide_restricted: true, inventory_size: 12000, inventory_scope: 'global', ift: 4, ifp: 'month',
    extra: { metadata: { campaign: 'beauty-autumn-2026', tags: ['points', 'beauty'] } },
  },
  {
    name: 'Home Textiles Fixed Price €9.99', type: 'discount', weight: 25, coupon_pool: 'HOME-999', recurring: false,
    starts_at: '2026-11-10T00:00:00', ends_at: '2026-11-24T23:59:59', min_total: 9.99, max_total: 199.8,
    applications: 3, rft: 3, rfp: 'day', segments: seg(3), stores: sto(1, 3), exclusive: true,
    required_match: 'any', required_items: [item('product', '1', 'SKU-TWL-5101', 'SKU-TWL-5102', 'SKU-CSH-5201')],
    eligible_match: 'any', eligible_items: [item('product', '1', 'SKU-TWL-5101', 'SKU-TWL-5102', 'SKU-CSH-5201')],
    discount: { type: 'fixed price', value: 9.99, target: 'all items', max_quantity: 6 }, card_enabled: false,
    card_title: { en: 'Towels & cushions for €9.99' }, card_description: { en: 'Selected towels and cushion covers at a flat €9.99 each.' },
    card_image: img('home-textiles-999'), issuance_start_at: '2026-11-10T00:00:00', issuance_end_at: '2026-11-24T23:59:59',
    display_coming_soon: false, hide_restricted: false, inventory_size: 900, inventory_scope: 'customer', ift: 3, ifp: 'day',
  },
  {
    name: 'Birthday Treat €5 Off', type: 'coupon', weight: 90, coupon_pool: 'BIRTHDAY-5', recurring: true,
    starts_at: '2026-01-01T00:00:00', ends_at: '2027-12-31T23:59:59', min_total: 15, max_total: 250,
    applications: 1, rft: 1, rfp: 'year', segments: seg(0, 1, 2, 3), stores: sto(0, 1, 2, 3, 4), exclusive: false,
    required_match: 'any', required_items: [item('list', '1', 'LIST-FULL-PRICE', 'LIST-SALE')],
    eligible_match: 'any', eligible_items: [item('list', '1', 'LIST-FULL-PRICE', 'LIST-SALE')],
    discount: { type: 'fixed discount', value: 5, target: 'all items', max_quantity: 1 }, card_enabled: true,
    card_title: { en: 'Happy birthday! Here is €5', hu: 'Boldog születésnapot! Itt egy 5 €-s kupon', de: 'Alles Gute zum Geburtstag! Hier sind 5 €' },
    card_description: { en: 'A little treat from us: €5 off any purchase of €15 or more in your birthday month.', hu: 'Egy kis ajándék tőlünk: 5 € kedvezmény legalább 15 €-s vásárlásnál a születésnapod hónapjában.', de: 'Ein kleines Geschenk: 5 € Rabatt ab 15 € Einkaufswert in Ihrem Geburtstagsmonat.' },
    card_image: img('birthday-5'), issuance_start_at: '2026-01-01T00:00:00', issuance_end_at: '2027-12-31T23:59:59',
    display_coming_soon: false, hide_restricted: true, inventory_size: 1000000, inventory_scope: 'customer', ift: 1, ifp: 'year',
  },
  {
    name: 'Free Click & Collect Shipping', type: 'free_shipping', weight: 15, coupon_pool: 'CNC-FREE', recurring: true,
    starts_at: '2026-03-01T00:00:00', ends_at: '2027-02-28T23:59:59', min_total: 5, max_total: 1500.75,
    applications: 8, rft: 2, rfp: 'week', segments: seg(1, 3), stores: sto(0, 1, 3), exclusive: false,
    required_match: 'all', required_items: [item('list', '1', 'LIST-CLICK-COLLECT')],
    eligible_match: 'all', eligible_items: [item('list', '1', 'LIST-CLICK-COLLECT')],
    discount: { type: 'fixed price', value: 0, target: 'all items', max_quantity: 1 }, card_enabled: true,
    card_title: { en: 'Free click & collect' }, card_description: { en: 'Order online and pick up in store without a delivery fee.' },
    card_image: img('click-collect'), issuance_start_at: '2026-03-01T00:00:00', issuance_end_at: '2027-02-01T00:00:00',
    display_coming_soon: true, hide_restricted: false, inventory_size: 30000, inventory_scope: 'global', ift: 2, ifp: 'week',
  },
  {
    name: 'Kids Collection 30% Off', type: 'discount', weight: 58, coupon_pool: 'KIDS-30', recurring: false,
    starts_at: '2026-11-15T00:00:00', ends_at: '2026-12-15T23:59:59', min_total: 35, max_total: 450,
    applications: 2, rft: 1, rfp: 'week', segments: seg(3), stores: sto(0, 1, 2, 3, 4), exclusive: false,
    required_match: 'all', required_items: [
      item('category', '1', 'CAT-KIDS'),
      item('product', '1', 'SKU-KD-6001', 'SKU-KD-6002'),
      item('list', '1', 'LIST-NEW-ARRIVALS'),
      item('category', '2', 'CAT-KIDS-SOCKS', 'CAT-KIDS-UNDERWEAR'),
    ],
    eligible_match: 'any', eligible_items: [item('category', '1', 'CAT-KIDS'), item('list', '1', 'LIST-NEW-ARRIVALS')],
    discount: { type: 'percent discount', value: 30, target: 'all items', max_quantity: 8 }, card_enabled: true,
    card_title: { en: '30% off the kids collection' }, card_description: { en: 'Fill the basket with new kids arrivals and save 30%.' },
    card_image: img('kids-30', 2), issuance_start_at: '2026-11-10T00:00:00', issuance_end_at: '2026-12-10T23:59:59',
    display_coming_soon: true, hide_restricted: true, inventory_size: 7500, inventory_scope: 'global', ift: 1, ifp: 'week',
  },
  {
    name: 'Advent Points Boost', type: 'points_multiplier', weight: 85, coupon_pool: 'NONE', recurring: true,
    starts_at: '2026-11-20T00:00:00', ends_at: '2026-12-24T23:59:59', min_total: 0.99, max_total: 2000,
    applications: 24, rft: 1, rfp: 'day', segments: seg(0, 1, 2), stores: sto(0, 1, 2, 3, 4), exclusive: false,
    required_match: 'any', required_items: [item('list', '1', 'LIST-ADVENT')],
    eligible_match: 'any', eligible_items: [item('list', '1', 'LIST-ADVENT')],
    discount: { type: 'percent discount', value: 5, target: 'cheapest item', max_quantity: 30 }, card_enabled: true,
    card_title: { en: 'Advent: 1.5x points daily', hu: 'Advent: 1,5x pont minden nap', de: 'Advent: täglich 1,5-fache Punkte' },
    card_description: { en: 'Every day until Christmas Eve, earn 50% extra points on advent picks.', hu: 'Szenteste napjáig minden nap 50% extra pont az adventi termékekre.', de: 'Jeden Tag bis Heiligabend 50 % Extrapunkte auf Adventsartikel.' },
    card_image: img('advent-points', 3), issuance_start_at: '2026-11-15T00:00:00', issuance_end_at: '2026-12-24T12:00:00',
    display_coming_soon: true, hide_restricted: false, inventory_size: 40000, inventory_scope: 'global', ift: 1, ifp: 'day',
    extra: { external_ref: 'ERP-3307', metadata: { campaign: 'advent-2026', tags: ['holiday', 'points', 'daily'] } },
  },

  {
    name: 'Pet Care Multi-buy: 3 for €12', type: 'discount', weight: 12, coupon_pool: 'PET-3FOR12', recurring: true,
    starts_at: '2026-08-01T00:00:00', ends_at: '2027-03-31T23:59:59', min_total: 12, max_total: 360.6,
    applications: 5, rft: 2, rfp: 'week', segments: seg(1, 3), stores: sto(1, 3, 4), exclusive: false,
    required_match: 'all', required_items: [item('product', '3', 'SKU-PET-8001', 'SKU-PET-8002', 'SKU-PET-8003', 'SKU-PET-8010')],
    eligible_match: 'all', eligible_items: [item('product', '3', 'SKU-PET-8001', 'SKU-PET-8002', 'SKU-PET-8003', 'SKU-PET-8010')],
    discount: { type: 'fixed price', value: 12, target: 'all items', max_quantity: 3 }, card_enabled: true,
    card_title: { en: 'Pet treats: 3 for €12' }, card_description: { en: 'Mix and match any three selected pet treats for €12.' },
    card_image: img('pet-3for12'), issuance_start_at: '2026-07-25T00:00:00', issuance_end_at: '2027-03-15T23:59:59',
    display_coming_soon: false, hide_restricted: false, inventory_size: 9000, inventory_scope: 'customer', ift: 5, ifp: 'week',
  },

  // ---------------- future (2027) ----------------
  {
    name: 'New Year Fresh Start €20 Off', type: 'coupon', weight: 72, coupon_pool: 'NY27-FRESH', recurring: false,
    starts_at: '2027-01-02T00:00:00', ends_at: '2027-01-31T23:59:59', min_total: 120, max_total: 1500,
    applications: 1, rft: 1, rfp: 'month', segments: seg(2), stores: sto(0, 2, 4), exclusive: true,
    required_match: 'any', required_items: [item('category', '1', 'CAT-SPORTSWEAR', 'CAT-FITNESS')],
    eligible_match: 'any', eligible_items: [item('category', '1', 'CAT-SPORTSWEAR', 'CAT-FITNESS', 'CAT-FOOTWEAR-SPORT')],
    discount: { type: 'fixed discount', value: 20, target: 'all items', max_quantity: 1 }, card_enabled: true,
    card_title: { en: 'Fresh start: €20 off sportswear' }, card_description: { en: 'Kick off 2027 with €20 off sportswear and fitness gear over €120.' },
    card_image: img('new-year-fresh-start'), issuance_start_at: '2026-12-26T00:00:00', issuance_end_at: '2027-01-25T23:59:59',
    display_coming_soon: true, hide_restricted: false, inventory_size: 3500, inventory_scope: 'global', ift: 1, ifp: 'year',
  },
  {
    name: "Valentine's Jewellery 20% Off", type: 'discount', weight: 66, coupon_pool: 'VAL27-JEWEL', recurring: false,
    starts_at: '2027-02-07T00:00:00', ends_at: '2027-02-14T23:59:59', min_total: 39, max_total: 990,
    applications: 1, rft: 1, rfp: 'week', segments: seg(0, 1), stores: sto(0, 2, 3, 4), exclusive: false,
    required_match: 'any', required_items: [item('category', '1', 'CAT-JEWELLERY', 'CAT-WATCHES')],
    eligible_match: 'any', eligible_items: [item('product', '1', 'SKU-JW-7001', 'SKU-JW-7002', 'SKU-JW-7003', 'SKU-WT-7101')],
    discount: { type: 'percent discount', value: 20, target: 'most expensive item', max_quantity: 2 }, card_enabled: false,
    card_title: { en: "Valentine's: 20% off jewellery", hu: 'Valentin-nap: 20% kedvezmény ékszerekre', de: 'Valentinstag: 20 % auf Schmuck' },
    card_description: { en: 'Treat someone special: 20% off selected jewellery and watches.', hu: 'Lepd meg a kedvesed: 20% kedvezmény kiválasztott ékszerekre és órákra.', de: 'Für einen besonderen Menschen: 20 % auf ausgewählten Schmuck und Uhren.' },
    card_image: img('valentines-jewellery'), issuance_start_at: '2027-02-01T00:00:00', issuance_end_at: '2027-02-14T12:00:00',
    display_coming_soon: true, hide_restricted: true, inventory_size: 2000, inventory_scope: 'global', ift: 1, ifp: 'week',
  },
  {
    name: 'Spring Garden Free Delivery', type: 'free_shipping', weight: 22, coupon_pool: 'GARDEN27-SHIP', recurring: false,
    starts_at: '2027-03-15T00:00:00', ends_at: '2027-05-15T23:59:59', min_total: 75, max_total: 3000,
    applications: 3, rft: 1, rfp: 'month', segments: seg(3), stores: sto(1, 4), exclusive: false,
    required_match: 'any', required_items: [item('category', '1', 'CAT-GARDEN', 'CAT-OUTDOOR-FURNITURE')],
    eligible_match: 'any', eligible_items: [item('category', '1', 'CAT-GARDEN', 'CAT-OUTDOOR-FURNITURE')],
    discount: { type: 'fixed price', value: 0, target: 'all items', max_quantity: 1 }, card_enabled: true,
    card_title: { en: 'Free delivery on garden orders' }, card_description: { en: 'Bulky garden items delivered free on orders over €75.' },
    card_image: img('spring-garden-delivery', 2), issuance_start_at: '2027-03-01T00:00:00', issuance_end_at: '2027-05-01T00:00:00',
    display_coming_soon: false, hide_restricted: false, inventory_size: 8000, inventory_scope: 'customer', ift: 3, ifp: 'month',
  },
  {
    name: 'Anniversary Triple Points', type: 'points_multiplier', weight: 95, coupon_pool: 'NONE', recurring: false,
    starts_at: '2027-04-10T00:00:00', ends_at: '2027-04-17T23:59:59', min_total: 1, max_total: 5000,
    applications: 7, rft: 1, rfp: 'day', segments: seg(0, 1, 2, 3), stores: sto(0, 1, 2, 3, 4), exclusive: true,
    required_match: 'any', required_items: [item('list', '1', 'LIST-ALL-SKUS')],
    eligible_match: 'any', eligible_items: [item('list', '1', 'LIST-ALL-SKUS')],
    discount: { type: 'percent discount', value: 8, target: 'all items', max_quantity: 100 }, card_enabled: true,
    card_title: { en: 'Anniversary week: 3x points' }, card_description: { en: 'Celebrate our anniversary with triple points on everything for a week.' },
    card_image: img('anniversary-3x'), issuance_start_at: '2027-04-01T00:00:00', issuance_end_at: '2027-04-17T23:59:59',
    display_coming_soon: true, hide_restricted: false, inventory_size: 60000, inventory_scope: 'global', ift: 7, ifp: 'week',
  },
  {
    name: 'Summer Sale Extra €7.50 Off', type: 'coupon', weight: 48, coupon_pool: 'SUMMER27-EXTRA', recurring: true,
    starts_at: '2027-06-20T00:00:00', ends_at: '2027-08-31T23:59:59', min_total: 37.5, max_total: 375,
    applications: 2, rft: 1, rfp: 'week', segments: seg(1, 2), stores: sto(3, 4), exclusive: false,
    required_match: 'all', required_items: [item('list', '1', 'LIST-SALE'), item('category', '1', 'CAT-SWIMWEAR')],
    eligible_match: 'any', eligible_items: [item('list', '1', 'LIST-SALE')],
    discount: { type: 'fixed discount', value: 7.5, target: 'cheapest item', max_quantity: 1 }, card_enabled: false,
    card_title: { en: 'Extra €7.50 off sale items' }, card_description: { en: 'Stack an extra €7.50 on top of summer sale prices.' },
    card_image: img('summer-sale-extra'), issuance_start_at: '2027-06-15T00:00:00', issuance_end_at: '2027-08-15T23:59:59',
    display_coming_soon: false, hide_restricted: true, inventory_size: 15000, inventory_scope: 'customer', ift: 2, ifp: 'year',
  },
];

function build(spec, i) {
  const o = {
    id: oid(`offer:${i}:${spec.name}`, spec.issuance_start_at + 'Z'),
    name: spec.name,
    type: spec.type,
    weight: spec.weight,
    coupon_pool: spec.coupon_pool,
    recurring: spec.recurring,
    starts_at: dt(spec.starts_at),
    ends_at: dt(spec.ends_at),
    min_total: spec.min_total,
    max_total: spec.max_total,
    applications: spec.applications,
    redemption_frequency_threshold: spec.rft,
    redemption_frequency_period: spec.rfp,
    segments: spec.segments,
    stores: spec.stores,
    exclusive: spec.exclusive,
    required_match: spec.required_match,
    required_items: spec.required_items,
    eligible_match: spec.eligible_match,
    eligible_items: spec.eligible_items,
    discount: spec.discount,
    card_enabled: spec.card_enabled,
    card_title: spec.card_title,
    card_description: spec.card_description,
    card_image: spec.card_image,
    issuance_start_at: dt(spec.issuance_start_at),
    issuance_end_at: dt(spec.issuance_end_at),
    display_coming_soon: spec.display_coming_soon,
    hide_restricted: spec.hide_restricted,
    inventory_size: spec.inventory_size,
    inventory_scope: spec.inventory_scope,
    issuance_frequency_threshold: spec.ift,
    issuance_frequency_period: spec.ifp,
  };
  return Object.assign(o, spec.extra || {});
}

const offers = specs.map(build);
fs.mkdirSync(OUT, { recursive: true });
fs.writeFileSync(path.join(OUT, 'tiers.json'), JSON.stringify(tiers, null, 2) + '\n');
fs.writeFileSync(path.join(OUT, 'offers.json'), JSON.stringify(offers, null, 2) + '\n');
console.log(`wrote ${tiers.length} tiers, ${offers.length} offers to ${OUT}`);
