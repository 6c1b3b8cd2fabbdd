/**
 * Date handling for the signed date header. escher-auth 4.x reads a `Date` header with
 * `new Date(value)`, which cannot read basic ISO (`20110909T233600Z`), and reads any other
 * header name as basic ISO only; Antavo clients send either format in either header, so both
 * are parsed here, strictly, for every header name.
 */

const BASIC_ISO = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

// RFC 1123 / IMF-fixdate. The weekday is optional and not checked against the date: the AWS4
// test suite signs "Mon, 09 Sep 2011" (a Friday) and escher-auth's `new Date()` ignores it too.
const RFC1123 =
  /^(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), ?)?(\d{1,2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d{2}):(\d{2}):(\d{2}) (GMT|UTC|UT|Z|[+-]\d{4})$/i;

const MONTHS: Readonly<Record<string, number>> = {
  jan: 0,
  feb: 1,
  mar: 2,
  apr: 3,
  may: 4,
  jun: 5,
  jul: 6,
  aug: 7,
  sep: 8,
  oct: 9,
  nov: 10,
  dec: 11,
};

/** Returns undefined for anything that is not a real calendar instant (e.g. 31 Feb, 25:00). */
function utcInstant(year: number, month: number, day: number, hour: number, minute: number, second: number): Date | undefined {
  if (month < 0 || month > 11 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const ms = Date.UTC(year, month, day, hour, minute, second);
  const date = new Date(ms);
  // Date.UTC rolls 31 Feb over into March; the round trip catches that.
  if (date.getUTCDate() !== day || date.getUTCMonth() !== month || date.getUTCFullYear() !== year) return undefined;
  return date;
}

/** Parses RFC 1123 (`Fri, 09 Sep 2011 23:36:00 GMT`) or basic ISO 8601 (`20110909T233600Z`). */
export function parseEscherDate(value: string): Date | undefined {
  const text = value.trim();
  let m = BASIC_ISO.exec(text);
  if (m) {
    return utcInstant(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  }
  m = RFC1123.exec(text);
  if (!m) return undefined;
  const month = MONTHS[m[2]!.toLowerCase()]!;
  const date = utcInstant(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]));
  if (!date) return undefined;
  const zone = m[7]!;
  if (zone[0] === '+' || zone[0] === '-') {
    const hours = Number(zone.slice(1, 3));
    const minutes = Number(zone.slice(3, 5));
    if (hours > 23 || minutes > 59) return undefined;
    const offsetMinutes = hours * 60 + minutes;
    const sign = zone[0] === '+' ? 1 : -1;
    return new Date(date.getTime() - sign * offsetMinutes * 60_000);
  }
  return date;
}

/** `20110909T233600Z` */
export function toLongDate(date: Date): string {
  const iso = date.toISOString(); // 2011-09-09T23:36:00.000Z
  return iso.slice(0, 4) + iso.slice(5, 7) + iso.slice(8, 13) + iso.slice(14, 16) + iso.slice(17, 19) + 'Z';
}
