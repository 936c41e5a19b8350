// `upload-time` (PEP 700) is RFC 3339 with a required offset; PyPI writes microseconds, e.g.
// `2022-11-14T17:14:53.935145Z`. `Date.parse` is too forgiving (it takes local times), so the
// grammar is checked first. Digits past the millisecond are dropped: truncation keeps every
// comparison against a millisecond-precise cutoff (`--exclude-newer`) exact.

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2})(?::(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)$/;

/** Parses an RFC 3339 timestamp with an offset; `undefined` when it is not one. */
export function parseTimestamp(text: string): Date | undefined {
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
  return new Date(date.getTime() - offsetMinutes * 60_000);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}
