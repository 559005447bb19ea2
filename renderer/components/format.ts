/** Display helpers: dates, ages, counts and the words the screens use for contract values. */
import { plural as sharedPlural } from '../../shared/plural';

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const dateTimeShort = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'short' });
const eventTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'medium' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const number = new Intl.NumberFormat();

function parse(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

export function formatDateTime(iso: string | null | undefined, fallback = '—'): string {
  const date = parse(iso);
  return date ? dateTime.format(date) : fallback;
}

/** A day, without the time (a certificate's end date). */
export function formatDate(iso: string | null | undefined, fallback = '—'): string {
  const date = parse(iso);
  return date ? dateOnly.format(date) : fallback;
}

/** Compact date and time for table cells. */
export function formatDateTimeShort(iso: string | null | undefined, fallback = '—'): string {
  const date = parse(iso);
  return date ? dateTimeShort.format(date) : fallback;
}

/** Log rows: to the second, since Entra sends many requests a minute and their order matters. */
export function formatEventTime(iso: string | null | undefined, fallback = '—'): string {
  const date = parse(iso);
  return date ? eventTime.format(date) : fallback;
}

/** "3 minutes ago", "in 12 days". */
export function formatRelative(iso: string | null | undefined, now = new Date(), fallback = '—'): string {
  const date = parse(iso);
  if (!date) return fallback;
  const seconds = (date.getTime() - now.getTime()) / 1000;
  const abs = Math.abs(seconds);
  if (abs < 45) return seconds < 0 ? 'just now' : 'in a few seconds';
  const units: Array<[Intl.RelativeTimeFormatUnit, number]> = [
    ['minute', 60],
    ['hour', 3600],
    ['day', 86_400],
    ['month', 30 * 86_400],
    ['year', 365 * 86_400],
  ];
  let chosen: [Intl.RelativeTimeFormatUnit, number] = ['minute', 60];
  for (const unit of units) if (abs >= unit[1] * 0.9) chosen = unit;
  return relative.format(Math.round(seconds / chosen[1]), chosen[0]);
}

export function formatNumber(value: number): string {
  return number.format(value);
}

/** "1 user", "12,345 users": shared/plural.ts with this browser's number format. */
export function plural(count: number, one: string, many = `${one}s`): string {
  return sharedPlural(count, one, many, formatNumber);
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** Whether a bind address only accepts connections from this machine. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/** Whether a URL's host is only reachable on this machine or a private network (Entra's cloud cannot reach it). */
export function isPrivateUrl(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return false;
  }
  if (isLoopbackHost(host)) return true;
  return /^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|169\.254\.)/.test(host) || /^(fc|fd)[0-9a-f]{2}:/i.test(host) || !host.includes('.');
}

export const OPERATION_LABELS: Record<string, string> = {
  create: 'Create',
  get: 'Read',
  list: 'Query',
  replace: 'Replace',
  patch: 'Update (PATCH)',
  delete: 'Delete',
  search: 'Search',
  discovery: 'Schema discovery',
  refused: 'Refused (token)',
  unknown: 'Other',
  reachability: 'Reachability',
  'oauth-token': 'Token request (OAuth)',
  export: 'Scheduled export',
  readOnly: 'Refused (read-only credential)',
  delivery: 'Webhook delivery',
};

export function operationLabel(operation: string): string {
  return OPERATION_LABELS[operation] ?? operation;
}

/** "userName" → "User name", "employeeNumber" → "Employee number". */
export function humanize(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Today's date as YYYY-MM-DD in local time, for file names. */
export function localDateStamp(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}
