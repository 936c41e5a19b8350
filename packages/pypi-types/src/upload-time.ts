// `upload-time` (PEP 700) is RFC 3339 with a required offset; PyPI writes microseconds, e.g.
// `2022-11-14T17:14:53.935145Z`. `Date.parse` is too forgiving (it takes local times), so the
// grammar is checked first. Digits past the millisecond are dropped: truncation keeps every
// comparison against a millisecond-precise cutoff (`--exclude-newer`) exact.

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2})(?::(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)$/;

/** Parses an RFC 3339 timestamp with an offset; `undefined` when it is not one. */
export function parseTimestamp(text: string): Date | undefined {
  const millis = parseTimestampMillis(text);
  return millis === undefined ? undefined : new Date(millis);
}

/**
 * {@link parseTimestamp} as epoch milliseconds: a page's files keep their upload times as
 * numbers until a resolution looks at them, which spares a `Date` per file.
 */
export function parseTimestampMillis(text: string): number | undefined {
  return parseUtcTimestamp(text) ?? parseTimestampGeneral(text);
}

/** The value of the ASCII digits `text[start..start+count)`, or -1. */
function digitsAt(text: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    value = value * 10 + c;
  }
  return value;
}

/**
 * The form indexes write, `YYYY-MM-DDTHH:MM:SS[.fraction]Z` (years from 100 on), read without a
 * regular expression: epoch milliseconds, or `undefined` for anything else (which the general
 * parser then reads or rejects).
 */
function parseUtcTimestamp(text: string): number | undefined {
  const n = text.length;
  if (n < 20 || n > 30) return undefined;
  const last = text.charCodeAt(n - 1);
  const t = text.charCodeAt(10);
  if (last !== 90 /* Z */ && last !== 122 /* z */) return undefined;
  if (t !== 84 /* T */ && t !== 116 /* t */ && t !== 32) return undefined;
  if (text[4] !== "-" || text[7] !== "-" || text[13] !== ":" || text[16] !== ":") return undefined;
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  const second = digitsAt(text, 17, 2);
  if (year < 100 || month < 1 || day < 1 || hour < 0 || minute < 0 || second < 0) return undefined;
  let millis = 0;
  if (n > 20) {
    // `.` or `,` and 1 to 9 digits; digits past the millisecond are dropped.
    const separator = text.charCodeAt(19);
    const digits = n - 21;
    if ((separator !== 46 && separator !== 44) || digits < 1 || digits > 9) return undefined;
    if (digitsAt(text, 20, digits) === -1) return undefined;
    millis = digitsAt(text, 20, Math.min(digits, 3)) * (digits === 1 ? 100 : digits === 2 ? 10 : 1);
  }
  if (month > 12 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 60) {
    return undefined;
  }
  // A leap second is read as the last second of its minute, as jiff does.
  return Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59), millis);
}

function parseTimestampGeneral(text: string): number | undefined {
  const m = RFC3339.exec(text);
  if (m === null) return undefined;
  const [year, month, day, hour] = [m[1], m[2], m[3], m[4]].map(Number) as [
    number,
    number,
    number,
    number,
  ];
  const minute = Number(m[5] ?? "0");
  // A leap second is read as the last second of its minute, as jiff does.
  const second = Math.min(Number(m[6] ?? "0"), 59);
  const millis = Number((m[7] ?? "").padEnd(3, "0").slice(0, 3));
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || Number(m[6] ?? "0") > 60) return undefined;
  let offsetMinutes = 0;
  if (m[8] === undefined) {
    const oh = Number(m[10]);
    const om = Number(m[11] ?? "0");
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = (m[9] === "-" ? -1 : 1) * (oh * 60 + om);
  }
  // `setUTCFullYear` rather than `Date.UTC`, which maps years 0-99 to 1900-1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millis);
  return date.getTime() - offsetMinutes * 60_000;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}
