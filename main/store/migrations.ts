import type Database from 'better-sqlite3';

/**
 * Numbered schema migrations, applied in order inside one transaction each and
 * tracked with `PRAGMA user_version` (the Signal-Desktop pattern). Never edit
 * a released migration: add the next one.
 */
export const migrations: ReadonlyArray<(db: Database.Database) => void> = [
  // 1: directory, tokens, users, groups, membership, sync log, settings, extensions.
  (db) => {
    db.exec(`
      CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE directory (
        id          INTEGER PRIMARY KEY CHECK (id = 1),
        name        TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        on_inactive TEXT NOT NULL DEFAULT 'suspend',
        on_delete   TEXT NOT NULL DEFAULT 'hard' CHECK (on_delete IN ('hard', 'retain')),
        retain_days INTEGER NOT NULL DEFAULT 30,
        created     TEXT NOT NULL,
        updated     TEXT NOT NULL
      );

      CREATE TABLE tokens (
        id        INTEGER PRIMARY KEY,
        hash      BLOB NOT NULL UNIQUE,
        hint      TEXT NOT NULL,
        created   TEXT NOT NULL,
        expires   TEXT,
        revoked   TEXT,
        last_used TEXT
      );

      -- seq is the insertion order: stable pagination without a sort key.
      -- *_key columns hold Unicode case-folded copies for attributes that are not caseExact.
      CREATE TABLE users (
        seq              INTEGER PRIMARY KEY,
        id               TEXT NOT NULL UNIQUE,
        user_name        TEXT NOT NULL,
        user_name_key    TEXT NOT NULL UNIQUE,
        external_id      TEXT,
        display_name_key TEXT,
        active           INTEGER,
        doc              TEXT NOT NULL,
        created          TEXT NOT NULL,
        last_modified    TEXT NOT NULL,
        version          INTEGER NOT NULL DEFAULT 1
      );
      CREATE INDEX users_external_id ON users (external_id);
      CREATE INDEX users_display_name ON users (display_name_key);

      -- Every email of every user, so emails.value filters use an index.
      CREATE TABLE user_emails (
        user_seq   INTEGER NOT NULL REFERENCES users (seq) ON DELETE CASCADE,
        position   INTEGER NOT NULL,
        value_key  TEXT,
        type_key   TEXT,
        is_primary INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (user_seq, position)
      ) WITHOUT ROWID;
      CREATE INDEX user_emails_value ON user_emails (value_key);

      CREATE TABLE groups (
        seq              INTEGER PRIMARY KEY,
        id               TEXT NOT NULL UNIQUE,
        display_name_key TEXT NOT NULL,
        external_id      TEXT,
        doc              TEXT NOT NULL,
        member_count     INTEGER NOT NULL DEFAULT 0,
        created          TEXT NOT NULL,
        last_modified    TEXT NOT NULL,
        version          INTEGER NOT NULL DEFAULT 1
      );
      CREATE INDEX groups_display_name ON groups (display_name_key);
      CREATE INDEX groups_external_id ON groups (external_id);

      -- Membership in its own table: adding 50 members to a group of 100,000 touches 50 rows.
      CREATE TABLE group_members (
        group_id    TEXT NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
        member_id   TEXT NOT NULL,
        member_type TEXT NOT NULL CHECK (member_type IN ('User', 'Group')),
        PRIMARY KEY (group_id, member_id)
      ) WITHOUT ROWID;
      CREATE INDEX group_members_member ON group_members (member_id);

      -- Resources deleted under the "keep for N days" policy: invisible to SCIM, kept for the admin.
      CREATE TABLE deleted_resources (
        seq          INTEGER PRIMARY KEY,
        kind         TEXT NOT NULL,
        id           TEXT NOT NULL,
        name         TEXT,
        external_id  TEXT,
        resource     TEXT NOT NULL,
        deleted_at   TEXT NOT NULL,
        purge_after  TEXT NOT NULL
      );
      CREATE INDEX deleted_resources_purge ON deleted_resources (purge_after);

      CREATE TABLE sync_log (
        seq           INTEGER PRIMARY KEY,
        time          TEXT NOT NULL,
        request_id    TEXT NOT NULL,
        method        TEXT NOT NULL,
        path          TEXT NOT NULL,
        operation     TEXT NOT NULL,
        resource_type TEXT,
        resource_id   TEXT,
        user_name     TEXT,
        external_id   TEXT,
        display_name  TEXT,
        status        INTEGER NOT NULL,
        duration_ms   REAL NOT NULL,
        scim_type     TEXT,
        error         TEXT,
        client        TEXT,
        detail        TEXT
      );
      CREATE INDEX sync_log_time ON sync_log (time);
      CREATE INDEX sync_log_resource ON sync_log (resource_id);
      CREATE INDEX sync_log_status ON sync_log (status);

      CREATE TABLE schema_extensions (
        urn           TEXT PRIMARY KEY,
        resource_type TEXT NOT NULL CHECK (resource_type IN ('User', 'Group')),
        definition    TEXT NOT NULL,
        updated       TEXT NOT NULL
      ) WITHOUT ROWID;
    `);
  },
  // 2: audit trail of admin changes; admin sessions and one-time login codes.
  (db) => {
    db.exec(`
      CREATE TABLE audit_log (
        seq           INTEGER PRIMARY KEY,
        time          TEXT NOT NULL,
        actor         TEXT NOT NULL,
        action        TEXT NOT NULL,
        resource_type TEXT,
        resource_id   TEXT,
        summary       TEXT NOT NULL,
        before        TEXT,
        after         TEXT
      );
      CREATE INDEX audit_log_resource ON audit_log (resource_id);

      -- Only hashes: a copied database opens no admin session.
      CREATE TABLE admin_login_codes (
        hash    BLOB PRIMARY KEY,
        expires TEXT NOT NULL,
        used    TEXT
      ) WITHOUT ROWID;

      CREATE TABLE admin_sessions (
        hash       BLOB PRIMARY KEY,
        csrf       TEXT NOT NULL,
        created    TEXT NOT NULL,
        expires    TEXT NOT NULL,
        last_seen  TEXT NOT NULL
      ) WITHOUT ROWID;
    `);
  },
  // 3: narrow indexes for paging and the admin UI's sorts, so deep pages skip index entries, not 200 MB of rows.
  (db) => {
    db.exec(`
      CREATE INDEX users_seq ON users (seq);
      CREATE INDEX groups_seq ON groups (seq);
      CREATE INDEX users_last_modified ON users (last_modified);
      CREATE INDEX users_created ON users (created);
      CREATE INDEX groups_last_modified ON groups (last_modified);
      CREATE INDEX group_members_nested ON group_members (member_id) WHERE member_type = 'Group';
    `);
  },
  // 4: identifier fixes applied from a comparison with Entra, kept so a batch can be undone as a whole.
  (db) => {
    db.exec(`
      CREATE TABLE fix_batches (
        id         TEXT PRIMARY KEY,
        created    TEXT NOT NULL,
        actor      TEXT NOT NULL,
        summary    TEXT NOT NULL,
        undone     TEXT,
        undone_by  TEXT
      ) WITHOUT ROWID;

      CREATE TABLE fix_changes (
        batch_id      TEXT NOT NULL REFERENCES fix_batches (id) ON DELETE CASCADE,
        position      INTEGER NOT NULL,
        resource_type TEXT NOT NULL,
        resource_id   TEXT NOT NULL,
        name          TEXT NOT NULL,
        before        TEXT,
        after         TEXT,
        reason        TEXT NOT NULL,
        PRIMARY KEY (batch_id, position)
      ) WITHOUT ROWID;
    `);
  },
  // 5: every index is another page written per commit. The sync log is appended on every request:
  // drop its status index (filters by outcome walk the newest entries by seq). Users are written by
  // every create and PATCH: sorting the admin UI by created/lastModified may sort in memory instead.
  (db) => {
    db.exec(`
      DROP INDEX sync_log_status;
      DROP INDEX users_created;
      DROP INDEX users_last_modified;
    `);
  },
  // 6: the Overview counts deprovisioned users on every refresh: a partial index holds just those.
  (db) => {
    db.exec(`CREATE INDEX users_inactive ON users (seq) WHERE active = 0;`);
  },
  // 7: group members added before their user or group exists, kept until it is created (then moved
  // into group_members); and the directory's policy on a second record with one externalId.
  // Uniqueness of group displayNames is checked on write, not by a UNIQUE index: databases may
  // already hold two groups with one name, and this migration must not fail on them.
  (db) => {
    db.exec(`
      CREATE TABLE pending_members (
        group_id    TEXT NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
        member_id   TEXT NOT NULL,
        member_type TEXT CHECK (member_type IN ('User', 'Group')),
        display     TEXT,
        since       TEXT NOT NULL,
        PRIMARY KEY (group_id, member_id)
      ) WITHOUT ROWID;
      CREATE INDEX pending_members_member ON pending_members (member_id);

      ALTER TABLE directory ADD COLUMN external_id_policy TEXT NOT NULL DEFAULT 'refuse' CHECK (external_id_policy IN ('refuse', 'allow'));
    `);
  },
  // 8: the ADSCIMVersion header of each request: Entra's provisioning client sends it, other clients do not.
  // Rows written before this stay NULL: whether they came from Entra is not known.
  (db) => {
    db.exec(`ALTER TABLE sync_log ADD COLUMN adscim_version TEXT;`);
  },
  // 9: substring search for the admin UI ("contoso.com", "bowen"). Each user's folded user name, display
  // name and email addresses (a group's display name) as one line of text in a narrow table, indexed by
  // an FTS5 trigram index that uses that table as its content. Triggers keep both in the transaction of
  // every write, so no code path can forget them; the FTS index is touched only when a line changes
  // (a PATCH of a title costs one comparison). The narrow table also serves a plain scan when a term
  // is in most records. scim_fold is the connection's case folding (open-database.ts).
  (db) => {
    const userText = (row: string) =>
      `concat_ws(' ', ${row}.user_name_key, ${row}.display_name_key, (SELECT group_concat(scim_fold(json_extract(e.value, '$.value')), ' ')
        FROM json_each(${row}.doc, '$.emails') AS e WHERE json_type(e.value, '$.value') = 'text'))`;
    db.exec(`
      CREATE TABLE users_search_text (seq INTEGER PRIMARY KEY, text TEXT NOT NULL);
      CREATE TABLE groups_search_text (seq INTEGER PRIMARY KEY, text TEXT NOT NULL);
      CREATE VIRTUAL TABLE users_search USING fts5(text, tokenize = 'trigram', content = 'users_search_text', content_rowid = 'seq');
      CREATE VIRTUAL TABLE groups_search USING fts5(text, tokenize = 'trigram', content = 'groups_search_text', content_rowid = 'seq');

      -- The FTS index follows its content table (SQLite's external-content pattern).
      CREATE TRIGGER users_search_text_insert AFTER INSERT ON users_search_text BEGIN
        INSERT INTO users_search (rowid, text) VALUES (new.seq, new.text);
      END;
      CREATE TRIGGER users_search_text_update AFTER UPDATE ON users_search_text BEGIN
        INSERT INTO users_search (users_search, rowid, text) VALUES ('delete', old.seq, old.text);
        INSERT INTO users_search (rowid, text) VALUES (new.seq, new.text);
      END;
      CREATE TRIGGER users_search_text_delete AFTER DELETE ON users_search_text BEGIN
        INSERT INTO users_search (users_search, rowid, text) VALUES ('delete', old.seq, old.text);
      END;
      CREATE TRIGGER groups_search_text_insert AFTER INSERT ON groups_search_text BEGIN
        INSERT INTO groups_search (rowid, text) VALUES (new.seq, new.text);
      END;
      CREATE TRIGGER groups_search_text_update AFTER UPDATE ON groups_search_text BEGIN
        INSERT INTO groups_search (groups_search, rowid, text) VALUES ('delete', old.seq, old.text);
        INSERT INTO groups_search (rowid, text) VALUES (new.seq, new.text);
      END;
      CREATE TRIGGER groups_search_text_delete AFTER DELETE ON groups_search_text BEGIN
        INSERT INTO groups_search (groups_search, rowid, text) VALUES ('delete', old.seq, old.text);
      END;

      -- The text follows the records: names from their folded columns, email addresses from the document.
      CREATE TRIGGER users_search_insert AFTER INSERT ON users BEGIN
        INSERT INTO users_search_text (seq, text) VALUES (new.seq, ${userText('new')});
      END;
      CREATE TRIGGER users_search_update AFTER UPDATE OF user_name_key, display_name_key, doc ON users BEGIN
        UPDATE users_search_text SET text = ${userText('new')} WHERE seq = new.seq AND text IS NOT ${userText('new')};
      END;
      CREATE TRIGGER users_search_delete AFTER DELETE ON users BEGIN
        DELETE FROM users_search_text WHERE seq = old.seq;
      END;
      CREATE TRIGGER groups_search_insert AFTER INSERT ON groups BEGIN
        INSERT INTO groups_search_text (seq, text) VALUES (new.seq, new.display_name_key);
      END;
      CREATE TRIGGER groups_search_update AFTER UPDATE OF display_name_key ON groups WHEN new.display_name_key IS NOT old.display_name_key BEGIN
        UPDATE groups_search_text SET text = new.display_name_key WHERE seq = new.seq;
      END;
      CREATE TRIGGER groups_search_delete AFTER DELETE ON groups BEGIN
        DELETE FROM groups_search_text WHERE seq = old.seq;
      END;

      -- Existing records (the content-table triggers fill the FTS indexes).
      INSERT INTO users_search_text (seq, text) SELECT u.seq, ${userText('u')} FROM users AS u;
      INSERT INTO groups_search_text (seq, text) SELECT seq, display_name_key FROM groups;
    `);
  },
  // Refused requests (a wrong token) are kept as aggregated rows: one row stands for `repeat_count`
  // refusals from one address, the first at `time`, the last at `last_time`.
  (db) => {
    db.exec(`
      ALTER TABLE sync_log ADD COLUMN repeat_count INTEGER NOT NULL DEFAULT 1;
      ALTER TABLE sync_log ADD COLUMN last_time TEXT;
    `);
  },
  // The mapping diagnostics keep what they read of 100,000 records and 50,000 log entries between reads:
  // counters moved by triggers in the transaction of every write (any process, any code path) tell them
  // whether a record changed, or a log entry was deleted (pruned), since; the summary of the records is
  // kept with the counter it was read at, so the next process (`npm run diagnose`) reads it instead of
  // every record while nothing changed. Its own tables; the triggers add one row update per write.
  (db) => {
    // A record's document is all the diagnostics read of it: a membership change (member_count, version) moves nothing.
    const bump = (table: string, kind: string, event: string) =>
      `CREATE TRIGGER mapping_generation_${table}_${event.toLowerCase()} AFTER ${event === 'UPDATE' ? 'UPDATE OF doc' : event} ON ${table} BEGIN
         UPDATE mapping_generation SET n = n + 1 WHERE kind = '${kind}';
       END;`;
    db.exec(`
      CREATE TABLE mapping_generation (kind TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
      CREATE TABLE mapping_summary (kind TEXT PRIMARY KEY, generation INTEGER NOT NULL, summary TEXT NOT NULL) WITHOUT ROWID;
      INSERT INTO mapping_generation (kind, n) VALUES ('User', 0), ('Group', 0), ('SyncLog', 0);
      ${['INSERT', 'UPDATE', 'DELETE'].map((event) => bump('users', 'User', event) + bump('groups', 'Group', event)).join('\n')}
      ${bump('sync_log', 'SyncLog', 'DELETE')}
    `);
  },
  // The mass-deprovisioning breaker (issue 14): the deactivations and deletes it let through (its sliding
  // window counts them), and the operations it holds for an administrator, each kept whole (the request as
  // Entra sent it) so an approval applies exactly that. One held operation per record: Entra's retries of it
  // are counted on its row, not stored again.
  (db) => {
    db.exec(`
      CREATE TABLE breaker_events (
        seq           INTEGER PRIMARY KEY,
        time          TEXT NOT NULL,
        resource_type TEXT NOT NULL CHECK (resource_type IN ('User', 'Group')),
        resource_id   TEXT NOT NULL
      );
      CREATE INDEX breaker_events_time ON breaker_events (time);

      CREATE TABLE held_operations (
        id             INTEGER PRIMARY KEY,
        resource_type  TEXT NOT NULL CHECK (resource_type IN ('User', 'Group')),
        resource_id    TEXT NOT NULL,
        action         TEXT NOT NULL CHECK (action IN ('deactivate', 'delete')),
        method         TEXT NOT NULL CHECK (method IN ('PATCH', 'PUT', 'DELETE')),
        body           TEXT,
        if_match       TEXT,
        fingerprint    TEXT NOT NULL,
        base_version   INTEGER NOT NULL,
        user_name      TEXT,
        display_name   TEXT,
        external_id    TEXT,
        changes        TEXT NOT NULL,
        reason         TEXT NOT NULL,
        first_received TEXT NOT NULL,
        last_received  TEXT NOT NULL,
        retries        INTEGER NOT NULL DEFAULT 0,
        UNIQUE (resource_type, resource_id)
      );
    `);
  },
  // Delivery to the on-premises system: the change outbox (written in the transaction of each change, so
  // a rolled-back write takes its number back with it: no gaps. A plain rowid, not AUTOINCREMENT, whose
  // sqlite_sequence row would be one more page in every commit: retention never deletes the newest entry,
  // so the next number is always above every one handed out; no index on time, retention finds its
  // cut-off by seq), webhook subscriptions with their cursor and delivery log, and the read-only
  // credentials (hashes only) with the position each acknowledged.
  (db) => {
    db.exec(`
      CREATE TABLE outbox (
        seq           INTEGER PRIMARY KEY,
        time          TEXT NOT NULL,
        type          TEXT NOT NULL,
        resource_type TEXT NOT NULL,
        resource_id   TEXT NOT NULL,
        external_id   TEXT,
        version       INTEGER NOT NULL,
        data          TEXT NOT NULL
      );

      CREATE TABLE delivery_subscriptions (
        id            TEXT PRIMARY KEY,
        url           TEXT NOT NULL,
        events        TEXT,
        filter        TEXT,
        secret        TEXT NOT NULL,
        created       TEXT NOT NULL,
        delivered_seq INTEGER NOT NULL,
        inflight_to   INTEGER,
        paused        TEXT,
        pause_reason  TEXT,
        failures      INTEGER NOT NULL DEFAULT 0,
        next_attempt  TEXT,
        last_error    TEXT,
        last_success  TEXT
      ) WITHOUT ROWID;

      CREATE TABLE delivery_log (
        seq             INTEGER PRIMARY KEY,
        subscription_id TEXT NOT NULL,
        time            TEXT NOT NULL,
        message_id      TEXT NOT NULL,
        from_seq        INTEGER,
        to_seq          INTEGER,
        count           INTEGER NOT NULL,
        outcome         TEXT NOT NULL,
        response_code   INTEGER,
        latency_ms      REAL NOT NULL,
        error           TEXT
      );
      CREATE INDEX delivery_log_subscription ON delivery_log (subscription_id, seq);

      CREATE TABLE read_credentials (
        id        INTEGER PRIMARY KEY,
        name      TEXT NOT NULL,
        hash      BLOB NOT NULL UNIQUE,
        hint      TEXT NOT NULL,
        created   TEXT NOT NULL,
        revoked   TEXT,
        last_used TEXT,
        acked_seq INTEGER NOT NULL
      );
    `);
  },
  // The mapping diagnostics keep what they read of each record (its shape: the attribute paths it carries,
  // its externalId and name), so a read after writes re-reads only the records written since, not all
  // 100,000. The triggers that moved the counter now also mark the record written (`stamp` is the counter
  // after the move: never reused, so a reader clears a mark only if no write came after what it read);
  // every existing record starts marked. The whole-kind summary of the previous migration is no longer read.
  (db) => {
    const events = [
      ['INSERT', 'new'],
      ['UPDATE', 'new'],
      ['DELETE', 'old'],
    ] as const;
    const mark = (table: string, kind: string) =>
      events
        .map(
          ([event, row]) => `DROP TRIGGER mapping_generation_${table}_${event.toLowerCase()};
          CREATE TRIGGER mapping_generation_${table}_${event.toLowerCase()} AFTER ${event === 'UPDATE' ? 'UPDATE OF doc' : event} ON ${table} BEGIN
            UPDATE mapping_generation SET n = n + 1 WHERE kind = '${kind}';
            DELETE FROM mapping_dirty WHERE kind = '${kind}' AND seq = ${row}.seq;
            INSERT INTO mapping_dirty (kind, seq, stamp) VALUES ('${kind}', ${row}.seq, (SELECT n FROM mapping_generation WHERE kind = '${kind}'));
          END;`,
        )
        .join('\n');
    db.exec(`
      CREATE TABLE mapping_dirty (
        kind  TEXT NOT NULL,
        seq   INTEGER NOT NULL,
        stamp INTEGER NOT NULL,
        PRIMARY KEY (kind, seq)
      ) WITHOUT ROWID;
      CREATE TABLE mapping_shape (id INTEGER PRIMARY KEY, paths TEXT NOT NULL UNIQUE);
      CREATE TABLE mapping_record (
        kind        TEXT NOT NULL,
        seq         INTEGER NOT NULL,
        id          TEXT NOT NULL,
        name        TEXT NOT NULL,
        external_id TEXT,
        non_guid    INTEGER NOT NULL,
        shape       INTEGER NOT NULL,
        PRIMARY KEY (kind, seq)
      ) WITHOUT ROWID;
      -- No index on external_id: GUIDs land all over one, which made reading 100,000 records 1 s slower
      -- (measured); the duplicates' grouping scans the table instead (0.1 s for 100,000).
      CREATE INDEX mapping_record_non_guid ON mapping_record (kind, seq) WHERE non_guid = 1;
      ${mark('users', 'User')}
      ${mark('groups', 'Group')}
      INSERT INTO mapping_dirty (kind, seq, stamp) SELECT 'User', seq, 0 FROM users;
      INSERT INTO mapping_dirty (kind, seq, stamp) SELECT 'Group', seq, 0 FROM groups;
      DROP TABLE mapping_summary;
    `);
  },
  // Each webhook subscription pauses after its own number of failed attempts in a row (it was one limit,
  // 12, for all); existing subscriptions keep 12.
  (db) => {
    db.exec(`ALTER TABLE delivery_subscriptions ADD COLUMN pause_after INTEGER NOT NULL DEFAULT 12;`);
  },
];

/** The schema version this code writes. */
export const SCHEMA_VERSION = migrations.length;

/** A database written by a newer ScimDesk: refusing it protects data this code does not understand. */
export class DatabaseTooNewError extends Error {
  constructor(found: number) {
    super(
      `The database was written by a newer ScimDesk (schema ${found}, this version understands up to ${SCHEMA_VERSION}). ` +
        'Install the newer version, or point --data-dir at another folder.',
    );
    this.name = 'DatabaseTooNewError';
  }
}

/** Brings the database up to SCHEMA_VERSION, one transaction per migration. */
export function migrate(db: Database.Database): { from: number; to: number } {
  const from = db.pragma('user_version', { simple: true }) as number;
  if (from > SCHEMA_VERSION) throw new DatabaseTooNewError(from);
  for (let version = from; version < SCHEMA_VERSION; version++) {
    const step = migrations[version];
    if (!step) break;
    db.transaction(() => {
      step(db);
      db.pragma(`user_version = ${version + 1}`);
    }).immediate();
  }
  return { from, to: SCHEMA_VERSION };
}
