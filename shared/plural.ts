const grouped = new Intl.NumberFormat('en-US');

/**
 * "1 user", "12,345 users", "1 entry", "3 entries": a count with its noun in the right number. The one
 * rule for count phrases in screens, audit summaries, errors and CLI output, so none says "1 users"
 * or "user(s)". The renderer passes its own number format (the browser's locale).
 */
export function plural(count: number, one: string, many = `${one}s`, formatCount: (count: number) => string = (n) => grouped.format(n)): string {
  return `${formatCount(count)} ${count === 1 ? one : many}`;
}
