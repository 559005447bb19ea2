import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { matchesResource } from '../../../main/scim/filter/match-filter';
import { parseFilter } from '../../../main/scim/filter/parse-filter';
import { resolveFilter } from '../../../main/scim/filter/resolve-filter';
import { buildResourceSchemas } from '../../../main/scim/schema/resource-schema';
import { ScimService } from '../../../main/scim/scim-service';
import { createSqliteStore } from '../../../main/store/sqlite-store';

/**
 * The SQL printer and the in-memory matcher implement one semantics (RFC 7644
 * §3.4.2.2 plus ScimDesk's choices for missing values and case). Every filter
 * here, hand-written and random, must select exactly the same users both ways.
 */
const schemas = buildResourceSchemas([]);
const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** Deterministic PRNG (mulberry32) so a failure reproduces. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = prng(7);
const pick = <T>(items: ReadonlyArray<T>): T => items[Math.floor(random() * items.length)]!;
const maybe = (p: number) => random() < p;

const given = ['Adele', 'alex', 'Ärne', 'Bo', 'Chloé', 'DIEGO', 'emma', 'Zoë'];
const family = ['Vance', 'wilber', 'Åberg', "O'Neil", 'Smith', 'de la Cruz'];
const departments = ['Retail', 'retail', 'Sales', 'R&D', 'Finance'];
const titles = ['Manager', 'Engineer', 'engineer', 'VP', ''];

function randomUser(i: number): Record<string, unknown> {
  const g = pick(given);
  const f = pick(family);
  const user: Record<string, unknown> = { userName: `${g}.${f}.${i}@Contoso.com`.replace(/ /g, '') };
  if (maybe(0.8)) user['externalId'] = maybe(0.5) ? `EXT-${i}` : `ext-${i}`;
  if (maybe(0.8)) user['displayName'] = `${g} ${f}`;
  if (maybe(0.7)) user['title'] = pick(titles);
  if (maybe(0.85)) user['active'] = maybe(0.7);
  if (maybe(0.8)) user['name'] = { givenName: g, familyName: f, ...(maybe(0.5) ? { formatted: `${g} ${f}` } : {}) };
  if (maybe(0.8)) {
    const emails = [{ value: `${g}@contoso.com`.toLowerCase(), type: 'work', primary: true }];
    if (maybe(0.4)) emails.push({ value: `${g}.${i}@Home.example`, type: 'home', primary: false });
    if (maybe(0.2)) emails.push({ value: `other${i}@x.example`, type: 'other', primary: false } as never);
    user['emails'] = emails;
  }
  if (maybe(0.5)) user['phoneNumbers'] = [{ value: `+1 425 555 ${String(1000 + i)}`, type: pick(['work', 'mobile']) }];
  if (maybe(0.7)) {
    const ext: Record<string, unknown> = {};
    if (maybe(0.8)) ext['department'] = pick(departments);
    if (maybe(0.6)) ext['employeeNumber'] = String(100 + (i % 37));
    if (maybe(0.4)) ext['manager'] = { value: `mgr-${i % 5}` };
    if (Object.keys(ext).length > 0) user[ENT] = ext;
  }
  return user;
}

function recase(text: string): string {
  return [...text].map((c) => (maybe(0.5) ? c.toUpperCase() : c.toLowerCase())).join('');
}

const quote = (text: string) => JSON.stringify(text);

/** A random leaf filter whose values come from the data, so it matches something some of the time. */
function randomLeaf(users: ReadonlyArray<Record<string, unknown>>): string {
  const user = pick(users);
  const name = (user['name'] ?? {}) as Record<string, string>;
  const ext = (user[ENT] ?? {}) as Record<string, unknown>;
  const emails = (user['emails'] ?? []) as Array<Record<string, unknown>>;
  const text = (value: unknown, fallback: string) => (typeof value === 'string' && value !== '' ? value : fallback);
  const stringOp = () => pick(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'lt', 'ge', 'le']);
  const part = (value: string) => {
    const start = Math.floor(random() * value.length);
    return value.slice(start, start + 1 + Math.floor(random() * 4));
  };
  const candidates = [
    () => `userName ${stringOp()} ${quote(recase(part(text(user['userName'], 'x'))))}`,
    () => `userName eq ${quote(recase(text(user['userName'], 'x')))}`,
    () => `externalId ${pick(['eq', 'ne', 'sw'])} ${quote(maybe(0.5) ? text(user['externalId'], 'EXT-1') : recase(text(user['externalId'], 'EXT-1')))}`,
    () => `displayName ${stringOp()} ${quote(recase(part(text(user['displayName'], 'Bo'))))}`,
    () => `title ${pick(['eq', 'ne', 'co'])} ${quote(recase(text(user['title'], 'vp')))}`,
    () => `title ${pick(['eq', 'ne'])} null`,
    () => `${pick(['title', 'displayName', 'externalId', 'name', 'emails', 'phoneNumbers', 'active', `${ENT}:manager`])} pr`,
    () => `active ${pick(['eq', 'ne'])} ${pick(['true', 'false', '"True"'])}`,
    () => `name.givenName ${stringOp()} ${quote(recase(part(text(name['givenName'], 'Bo'))))}`,
    () => `name.familyName ${pick(['eq', 'ne', 'gt', 'le'])} ${quote(text(name['familyName'], 'Smith'))}`,
    () => `emails.value ${pick(['eq', 'ne', 'co', 'ew'])} ${quote(recase(text(emails[0]?.['value'], 'bo@contoso.com')))}`,
    () => `emails.type ${pick(['eq', 'ne'])} ${quote(pick(['work', 'HOME', 'other']))}`,
    () => `emails[type eq ${quote(pick(['work', 'home']))} and value ${pick(['co', 'sw', 'eq'])} ${quote(recase(part(text(emails[0]?.['value'], 'bo'))))}]`,
    () => `emails[primary eq ${pick(['true', 'false'])}]`,
    () => `emails[not (type eq "work")]`,
    () => `phoneNumbers.value ${pick(['co', 'ne'])} ${quote(String(1000 + Math.floor(random() * 200)))}`,
    () => `${ENT}:department ${pick(['eq', 'ne', 'sw'])} ${quote(recase(text(ext['department'], 'Sales')))}`,
    () => `${ENT}:employeeNumber ${pick(['eq', 'gt', 'lt'])} ${quote(text(ext['employeeNumber'], '120'))}`,
    () => `${ENT}:manager.value eq ${quote(`mgr-${Math.floor(random() * 5)}`)}`,
    () => `meta.created ${pick(['gt', 'lt', 'ge', 'le', 'eq'])} ${quote(new Date(Date.UTC(2026, 0, 1, 0, 0, Math.floor(random() * 200))).toISOString())}`,
  ];
  return pick(candidates)();
}

function randomFilter(users: ReadonlyArray<Record<string, unknown>>, depth = 0): string {
  if (depth >= 3 || maybe(0.4)) return randomLeaf(users);
  const kind = pick(['and', 'or', 'not', 'paren']);
  if (kind === 'not') return `not (${randomFilter(users, depth + 1)})`;
  if (kind === 'paren') return `(${randomFilter(users, depth + 1)})`;
  return `${randomFilter(users, depth + 1)} ${kind} ${randomFilter(users, depth + 1)}`;
}

describe('SQL filter printer against the in-memory matcher', () => {
  const store = createSqliteStore(':memory:');
  const service = new ScimService({ store, schemas: () => schemas });
  const docs: Array<Record<string, unknown>> = [];
  const representations = new Map<string, Record<string, unknown>>();

  before(async () => {
    for (let i = 0; i < 160; i++) {
      const doc = randomUser(i);
      docs.push(doc);
      // One second apart, so meta.created comparisons split the set.
      const stored = await store.createResource('User', { doc }, new Date(Date.UTC(2026, 0, 1, 0, 0, i)));
      representations.set(stored.id, service.representation(stored, schemas.User, 'https://example.test/scim/v2'));
    }
  });

  after(() => store.close());

  async function check(text: string): Promise<number> {
    const filter = resolveFilter(parseFilter(text), schemas.User);
    const result = await store.listResources('User', {
      filter,
      startIndex: 1,
      count: 1000,
      sortBy: undefined,
      descending: false,
      withMembers: false,
      withGroups: false,
    });
    const fromSql = result.resources.map((r) => r.id).sort();
    const fromMemory = [...representations].filter(([, resource]) => matchesResource(filter, resource)).map(([id]) => id).sort();
    assert.deepEqual(fromSql, fromMemory, `filter ${text}: SQL selected ${fromSql.length}, memory ${fromMemory.length}`);
    assert.equal(result.total, fromMemory.length, `totalResults for ${text}`);
    return fromMemory.length;
  }

  const handWritten = [
    'userName eq "adele.vance.0@contoso.com"',
    'userName sw "A"',
    'userName co "VANCE"',
    'userName ew "@contoso.com"',
    'title eq ""',
    'title pr',
    'not (title pr)',
    'title eq null',
    'title ne null',
    'not (title eq "Manager")',
    'active eq false',
    'active ne true',
    'emails pr',
    'not (emails pr)',
    'emails.value ne "x"',
    'emails eq "alex@contoso.com"',
    'emails[type eq "home"]',
    'emails[type eq "work"].value eq "alex@contoso.com"',
    'emails[type eq "work" and primary eq true]',
    'emails[type eq "home" or value co "other"]',
    'phoneNumbers.type eq "mobile"',
    `${ENT}:department eq "retail"`,
    `${ENT}:manager pr`,
    `${ENT}:manager.value ne "mgr-1"`,
    'name.familyName gt "m"',
    'name.givenName lt "c" or name.familyName ge "s"',
    'displayName pr and not (displayName co "a")',
    'meta.created gt "2026-01-01T00:01:00Z"',
    'meta.lastModified le "2026-01-01T00:00:30.000Z"',
    'meta.resourceType eq "User"',
    'id pr',
    'userName gt "c" and userName lt "e"',
  ];

  it('agrees on hand-written filters covering every operator and missing values', async () => {
    let matched = 0;
    for (const text of handWritten) matched += (await check(text)) > 0 ? 1 : 0;
    // Guard against a vacuous pass: most of these must select someone.
    assert.ok(matched > handWritten.length * 0.7, `only ${matched} of ${handWritten.length} filters matched anything`);
  });

  it('agrees on 600 random filters built from the data', async () => {
    let nonEmpty = 0;
    for (let i = 0; i < 600; i++) {
      if ((await check(randomFilter(docs))) > 0) nonEmpty++;
    }
    assert.ok(nonEmpty > 150, `only ${nonEmpty} random filters matched anything`);
  });
});
