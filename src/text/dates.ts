const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12,
};

const ISO_LIKE = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[t ](\d{1,2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(?:z|[+-]\d{2}:?\d{2})?)?$/;
const US_NUMERIC = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/;
const MONTH_FIRST = /^([a-z]{3,9})\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})$/;
const DAY_FIRST = /^(\d{1,2})(?:st|nd|rd|th)? ([a-z]{3,9})\.?,? (\d{4})$/;

function iso(year: number, month: number, day: number, time?: string): string | undefined {
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  const date = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  return time === undefined ? date : `${date}T${time}`;
}

function monthNumber(name: string): number | undefined {
  return MONTHS[name.slice(0, name.startsWith('sept') ? 4 : 3)];
}

/**
 * The ISO form (`2024-05-20`, or with `T09:30`) of a lower-cased date string in a common format,
 * so that "May 20, 2024", "2024/05/20" and "05/20/2024" compare equal. `undefined` if not a date.
 */
export function normalizeDate(text: string): string | undefined {
  if (text.length < 8 || text.length > 40) return undefined;
  // Every format starts with a digit but one, which starts with a month's name and ends with the year.
  const first = text.charCodeAt(0);
  if (first < 48 || first > 57) {
    const last = text.charCodeAt(text.length - 1);
    if (first < 97 || first > 122 || last < 48 || last > 57) return undefined;
    const named = MONTH_FIRST.exec(text);
    if (!named) return undefined;
    const month = monthNumber(named[1]!);
    return month === undefined ? undefined : iso(Number(named[3]), month, Number(named[2]));
  }
  let match = ISO_LIKE.exec(text);
  if (match) {
    const time = match[4] === undefined ? undefined : `${match[4].padStart(2, '0')}:${match[5]}`;
    return iso(Number(match[1]), Number(match[2]), Number(match[3]), time);
  }
  match = US_NUMERIC.exec(text);
  if (match) return iso(Number(match[3]), Number(match[1]), Number(match[2]));
  match = MONTH_FIRST.exec(text);
  if (match) {
    const month = monthNumber(match[1]!);
    return month === undefined ? undefined : iso(Number(match[3]), month, Number(match[2]));
  }
  match = DAY_FIRST.exec(text);
  if (match) {
    const month = monthNumber(match[2]!);
    return month === undefined ? undefined : iso(Number(match[3]), month, Number(match[1]));
  }
  return undefined;
}
