//! The embedded SQLite backend: one connection behind a mutex, WAL mode, schema migrations by
//! `PRAGMA user_version`.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, params};

use crate::policy::GroupSettings;

use super::groups::{Counter, GroupStore, MemberRecord, ModerationEntry, level_of, response_of};
use super::{
    ActionStatus, Begin, FeedbackOutcome, FeedbackRow, Millis, Pruned, Store, StoreError,
    StoreResult, UpdateState, Verdict, join_ids, salted_hash, split_ids,
};

/// Schema migrations; migration `i` takes `user_version` from `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    // 1: the first schema.
    "
    CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value BLOB NOT NULL
    );
    INSERT INTO meta (key, value) VALUES ('salt', randomblob(32));
    CREATE TABLE user_prefs (
        user_hash  TEXT PRIMARY KEY,
        lang       TEXT NOT NULL,
        updated_at INTEGER NOT NULL
    );
    CREATE TABLE warnings (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        created_at INTEGER NOT NULL,
        chat_hash  TEXT NOT NULL,
        rule_ids   TEXT NOT NULL,
        level      TEXT NOT NULL
    );
    CREATE TABLE feedback (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        created_at INTEGER NOT NULL,
        chat_hash  TEXT NOT NULL,
        warning_id INTEGER NOT NULL UNIQUE,
        verdict    TEXT NOT NULL CHECK (verdict IN ('scam', 'ok')),
        rule_ids   TEXT NOT NULL,
        level      TEXT NOT NULL
    );
    CREATE TABLE processed_updates (
        update_id INTEGER PRIMARY KEY,
        at        INTEGER NOT NULL,
        attempts  INTEGER NOT NULL DEFAULT 0,
        done      INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX processed_updates_at ON processed_updates (at);
    CREATE TABLE actions (
        chat_hash  TEXT NOT NULL,
        message_id INTEGER NOT NULL,
        kind       TEXT NOT NULL,
        status     TEXT NOT NULL CHECK (status IN ('pending', 'done', 'failed', 'unknown')),
        at         INTEGER NOT NULL,
        PRIMARY KEY (chat_hash, message_id, kind)
    );
    CREATE INDEX actions_at ON actions (at);
    ",
    // 2: group moderation.
    "
    CREATE TABLE group_settings (
        chat_hash         TEXT PRIMARY KEY,
        on_warning        TEXT NOT NULL,
        on_danger         TEXT NOT NULL,
        threshold         TEXT NOT NULL,
        mute_minutes      INTEGER NOT NULL,
        dry_run           INTEGER NOT NULL,
        notify_admins     INTEGER NOT NULL,
        newcomer_days     INTEGER NOT NULL,
        newcomer_messages INTEGER NOT NULL,
        lang              TEXT,
        updated_at        INTEGER NOT NULL
    );
    CREATE TABLE group_members (
        chat_hash TEXT NOT NULL,
        user_hash TEXT NOT NULL,
        joined_at INTEGER,
        messages  INTEGER NOT NULL DEFAULT 0,
        trusted   INTEGER NOT NULL DEFAULT 0,
        last_seen INTEGER NOT NULL,
        PRIMARY KEY (chat_hash, user_hash)
    );
    CREATE TABLE group_counters (
        chat_hash TEXT NOT NULL,
        name      TEXT NOT NULL,
        value     INTEGER NOT NULL,
        PRIMARY KEY (chat_hash, name)
    );
    CREATE TABLE moderation_log (
        id        INTEGER PRIMARY KEY AUTOINCREMENT,
        at        INTEGER NOT NULL,
        chat_hash TEXT NOT NULL,
        user_hash TEXT NOT NULL,
        rule_ids  TEXT NOT NULL,
        level     TEXT NOT NULL,
        action    TEXT NOT NULL,
        outcome   TEXT NOT NULL
    );
    CREATE INDEX moderation_log_chat ON moderation_log (chat_hash, id);
    CREATE TABLE group_notices (
        chat_hash TEXT NOT NULL,
        kind      TEXT NOT NULL,
        at        INTEGER NOT NULL,
        PRIMARY KEY (chat_hash, kind)
    );
    ",
    // 3: groups can have their members' screenshots read (off by default).
    "
    ALTER TABLE group_settings ADD COLUMN screenshots INTEGER NOT NULL DEFAULT 0;
    ",
];

/// SQLite-backed [`Store`].
pub struct SqliteStore {
    conn: Mutex<Connection>,
    /// Dropping it stops the checkpoint thread (WAL mode only).
    checkpointer: Option<std::sync::mpsc::Sender<()>>,
    salt: Vec<u8>,
}

/// How often the WAL is checkpointed into the database.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(500);
/// WAL length (in 4 KiB frames, about 16 MiB) beyond which it is emptied.
const WAL_TRUNCATE_FRAMES: i64 = 4000;

/// Checkpoint the WAL of `path` every [`CHECKPOINT_EVERY`] from a connection of its own, until
/// the returned sender is dropped. PASSIVE: never waits for, or blocks, the writer.
fn spawn_checkpointer(path: &Path) -> StoreResult<std::sync::mpsc::Sender<()>> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(Duration::from_millis(100))?;
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    std::thread::Builder::new()
        .name("sqlite-checkpoint".into())
        .spawn(move || {
            while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
                rx.recv_timeout(CHECKPOINT_EVERY)
            {
                // PASSIVE copies what it can without blocking anyone. Under steady writes it
                // never reaches the end of the WAL, so the WAL would never start over: once it
                // is long, a TRUNCATE finishes the little that is left and empties the file
                // (blocking the writer only for that remainder).
                let frames =
                    conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get::<_, i64>(1));
                match frames {
                    Ok(n) if n > WAL_TRUNCATE_FRAMES => {
                        if let Err(e) =
                            conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
                        {
                            tracing::warn!(error = %e, "WAL truncate failed; retried later");
                        }
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "WAL checkpoint failed; retried later"),
                }
            }
            // A last full checkpoint, so the database file is complete on a clean stop.
            let _ = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        })
        .map_err(|e| StoreError::Other(format!("cannot start the checkpoint thread: {e}")))?;
    Ok(tx)
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore").finish_non_exhaustive()
    }
}

impl SqliteStore {
    /// Open (creating if needed) the database file at `path` and migrate it.
    pub fn open(path: &Path) -> StoreResult<SqliteStore> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| StoreError::Other(format!("cannot create {}: {e}", dir.display())))?;
        }
        let conn = Connection::open(path)?;
        conn.busy_timeout(Duration::from_secs(5))?;
        // WAL is not available for every file system; fall back silently to the default.
        let mode: Option<String> = conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .optional()
            .unwrap_or(None);
        conn.execute_batch("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;")?;
        // Every hot statement is prepared once (`prepare_cached`).
        conn.set_prepared_statement_cache_capacity(64);
        let wal = mode.is_some_and(|m| m.eq_ignore_ascii_case("wal"));
        let checkpointer = if wal {
            // Checkpoints (the only fsyncs in WAL mode with synchronous = NORMAL) run on their
            // own connection and thread: done by the committing connection, they stalled every
            // store call behind the lock for tens of milliseconds (BENCHMARKS.md, "Load").
            conn.execute_batch("PRAGMA wal_autocheckpoint = 0;")?;
            Some(spawn_checkpointer(path)?)
        } else {
            None
        };
        let mut store = SqliteStore::init(conn)?;
        store.checkpointer = checkpointer;
        Ok(store)
    }

    /// A private in-memory database (tests).
    pub fn open_in_memory() -> StoreResult<SqliteStore> {
        SqliteStore::init(Connection::open_in_memory()?)
    }

    fn init(mut conn: Connection) -> StoreResult<SqliteStore> {
        migrate(&mut conn)?;
        let salt: Vec<u8> =
            conn.query_row("SELECT value FROM meta WHERE key = 'salt'", [], |r| {
                r.get(0)
            })?;
        Ok(SqliteStore {
            conn: Mutex::new(conn),
            checkpointer: None,
            salt,
        })
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves the connection usable: SQLite rolls back any
        // open statement, so a poisoned lock is taken over.
        self.conn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn migrate(conn: &mut Connection) -> StoreResult<()> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let supported = MIGRATIONS.len() as i64;
    if version > supported {
        return Err(StoreError::TooNew {
            found: version,
            supported,
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version.max(0) as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}

fn ms(t: Millis) -> i64 {
    i64::try_from(t).unwrap_or(i64::MAX)
}

impl Store for SqliteStore {
    fn chat_hash(&self, chat: i64) -> String {
        salted_hash(&self.salt, chat)
    }

    fn lang(&self, user: i64) -> StoreResult<Option<String>> {
        let h = self.chat_hash(user);
        Ok(self
            .conn()
            .query_row(
                "SELECT lang FROM user_prefs WHERE user_hash = ?1",
                [h],
                |r| r.get(0),
            )
            .optional()?)
    }

    fn set_lang(&self, user: i64, lang: &str, now: Millis) -> StoreResult<()> {
        let h = self.chat_hash(user);
        self.conn()
            .prepare_cached(
                "INSERT INTO user_prefs (user_hash, lang, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (user_hash) DO UPDATE SET lang = excluded.lang,
                                                   updated_at = excluded.updated_at",
            )?
            .execute(params![h, lang, ms(now)])?;
        Ok(())
    }

    fn record_warning(
        &self,
        chat: i64,
        rule_ids: &[String],
        level: &str,
        now: Millis,
    ) -> StoreResult<i64> {
        let h = self.chat_hash(chat);
        let conn = self.conn();
        conn.prepare_cached(
            "INSERT INTO warnings (created_at, chat_hash, rule_ids, level) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![ms(now), h, join_ids(rule_ids), level])?;
        Ok(conn.last_insert_rowid())
    }

    fn record_feedback(
        &self,
        warning_id: i64,
        verdict: Verdict,
        now: Millis,
    ) -> StoreResult<FeedbackOutcome> {
        let n = self
            .conn()
            .prepare_cached(
                "INSERT INTO feedback (created_at, chat_hash, warning_id, verdict, rule_ids, level)
             SELECT ?1, chat_hash, id, ?2, rule_ids, level FROM warnings WHERE id = ?3
             ON CONFLICT (warning_id) DO UPDATE SET verdict = excluded.verdict,
                                                    created_at = excluded.created_at",
            )?
            .execute(params![ms(now), verdict.as_str(), warning_id])?;
        Ok(if n == 0 {
            FeedbackOutcome::UnknownWarning
        } else {
            FeedbackOutcome::Recorded
        })
    }

    fn feedback(&self) -> StoreResult<Vec<FeedbackRow>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT warning_id, chat_hash, verdict, rule_ids, level FROM feedback ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| {
            let verdict: String = r.get(2)?;
            let ids: String = r.get(3)?;
            Ok(FeedbackRow {
                warning_id: r.get(0)?,
                chat_hash: r.get(1)?,
                verdict: Verdict::parse(&verdict).unwrap_or(Verdict::Scam),
                rule_ids: split_ids(&ids),
                level: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn begin_update(&self, update_id: u32, now: Millis) -> StoreResult<UpdateState> {
        let (attempts, done): (i64, bool) = self.conn().prepare_cached("INSERT INTO processed_updates (update_id, at, attempts, done) VALUES (?1, ?2, 1, 0)
             ON CONFLICT (update_id) DO UPDATE
                 SET attempts = attempts + (1 - done), at = excluded.at
             RETURNING attempts, done")?
.query_row(
            params![update_id, ms(now)],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(if done {
            UpdateState::Done
        } else {
            UpdateState::Attempt(u32::try_from(attempts).unwrap_or(u32::MAX))
        })
    }

    fn mark_update(&self, update_id: u32, now: Millis) -> StoreResult<()> {
        self.conn().prepare_cached("INSERT INTO processed_updates (update_id, at, attempts, done) VALUES (?1, ?2, 1, 1)
             ON CONFLICT (update_id) DO UPDATE SET done = 1, at = excluded.at")?
.execute(
            params![update_id, ms(now)],
        )?;
        Ok(())
    }

    fn begin_action(
        &self,
        chat: i64,
        message_id: i32,
        kind: &str,
        now: Millis,
    ) -> StoreResult<Begin> {
        let h = self.chat_hash(chat);
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let status: Option<String> = tx
            .prepare_cached(
                "SELECT status FROM actions WHERE chat_hash = ?1 AND message_id = ?2 AND kind = ?3",
            )?
            .query_row(params![h, message_id, kind], |r| r.get(0))
            .optional()?;
        let begin = match status.as_deref() {
            None | Some("failed") => {
                tx.prepare_cached(
                    "INSERT INTO actions (chat_hash, message_id, kind, status, at)
                     VALUES (?1, ?2, ?3, 'pending', ?4)
                     ON CONFLICT (chat_hash, message_id, kind)
                     DO UPDATE SET status = 'pending', at = excluded.at",
                )?
                .execute(params![h, message_id, kind, ms(now)])?;
                Begin::Go
            }
            Some("done") => Begin::Done,
            Some(_) => Begin::Unknown,
        };
        tx.commit()?;
        Ok(begin)
    }

    fn finish_action(
        &self,
        chat: i64,
        message_id: i32,
        kind: &str,
        status: ActionStatus,
        now: Millis,
    ) -> StoreResult<()> {
        let h = self.chat_hash(chat);
        self.conn()
            .prepare_cached(
                "INSERT INTO actions (chat_hash, message_id, kind, status, at)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (chat_hash, message_id, kind)
             DO UPDATE SET status = excluded.status, at = excluded.at",
            )?
            .execute(params![h, message_id, kind, status.as_str(), ms(now)])?;
        Ok(())
    }

    fn recover(&self) -> StoreResult<usize> {
        Ok(self
            .conn()
            .prepare_cached("UPDATE actions SET status = 'unknown' WHERE status = 'pending'")?
            .execute([])?)
    }

    fn prune(&self, before: Millis) -> StoreResult<Pruned> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let updates = tx
            .prepare_cached("DELETE FROM processed_updates WHERE at < ?1")?
            .execute([ms(before)])?;
        let actions = tx
            .prepare_cached("DELETE FROM actions WHERE at < ?1 AND status != 'pending'")?
            .execute([ms(before)])?;
        tx.prepare_cached("DELETE FROM moderation_log WHERE at < ?1")?
            .execute([ms(before)])?;
        tx.commit()?;
        Ok(Pruned { updates, actions })
    }
}

impl GroupStore for SqliteStore {
    fn group_settings(&self, chat: i64) -> StoreResult<GroupSettings> {
        let h = self.chat_hash(chat);
        let row = self
            .conn()
            .query_row(
                "SELECT on_warning, on_danger, threshold, mute_minutes, dry_run, notify_admins,
                        newcomer_days, newcomer_messages, lang, screenshots
                 FROM group_settings WHERE chat_hash = ?1",
                [h],
                |r| {
                    Ok(GroupSettings {
                        on_warning: response_of(&r.get::<_, String>(0)?),
                        on_danger: response_of(&r.get::<_, String>(1)?),
                        threshold: level_of(&r.get::<_, String>(2)?),
                        mute_minutes: r.get(3)?,
                        dry_run: r.get(4)?,
                        notify_admins: r.get(5)?,
                        newcomer_days: r.get(6)?,
                        newcomer_messages: r.get(7)?,
                        lang: r.get(8)?,
                        screenshots: r.get(9)?,
                    })
                },
            )
            .optional()?;
        Ok(row.unwrap_or_default())
    }

    fn set_group_settings(&self, chat: i64, s: &GroupSettings, now: Millis) -> StoreResult<()> {
        let h = self.chat_hash(chat);
        self.conn()
            .prepare_cached(
                "INSERT OR REPLACE INTO group_settings
                 (chat_hash, on_warning, on_danger, threshold, mute_minutes, dry_run,
                  notify_admins, newcomer_days, newcomer_messages, lang, updated_at,
                  screenshots)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )?
            .execute(params![
                h,
                s.on_warning.as_str(),
                s.on_danger.as_str(),
                s.threshold.as_str(),
                s.mute_minutes,
                s.dry_run,
                s.notify_admins,
                s.newcomer_days,
                s.newcomer_messages,
                s.lang,
                ms(now),
                s.screenshots
            ])?;
        Ok(())
    }

    fn member(&self, chat: i64, user: i64) -> StoreResult<MemberRecord> {
        let (c, u) = (self.chat_hash(chat), self.chat_hash(user));
        let row = self
            .conn()
            .query_row(
                "SELECT joined_at, messages, trusted FROM group_members
                 WHERE chat_hash = ?1 AND user_hash = ?2",
                [c, u],
                |r| {
                    Ok(MemberRecord {
                        joined_at: r.get::<_, Option<i64>>(0)?.map(|t| t.max(0) as Millis),
                        messages: r.get(1)?,
                        trusted: r.get(2)?,
                    })
                },
            )
            .optional()?;
        Ok(row.unwrap_or_default())
    }

    fn note_join(&self, chat: i64, user: i64, now: Millis) -> StoreResult<()> {
        let (c, u) = (self.chat_hash(chat), self.chat_hash(user));
        self.conn()
            .prepare_cached(
                "INSERT INTO group_members (chat_hash, user_hash, joined_at, last_seen)
             VALUES (?1, ?2, ?3, ?3)
             ON CONFLICT (chat_hash, user_hash)
             DO UPDATE SET joined_at = excluded.joined_at, last_seen = excluded.last_seen",
            )?
            .execute(params![c, u, ms(now)])?;
        Ok(())
    }

    fn note_message(&self, chat: i64, user: i64, now: Millis) -> StoreResult<MemberRecord> {
        let (c, u) = (self.chat_hash(chat), self.chat_hash(user));
        let (joined_at, messages, trusted): (Option<i64>, u32, bool) = self
            .conn()
            .prepare_cached(
                "INSERT INTO group_members (chat_hash, user_hash, messages, last_seen)
             VALUES (?1, ?2, 1, ?3)
             ON CONFLICT (chat_hash, user_hash)
             DO UPDATE SET messages = messages + 1, last_seen = excluded.last_seen
             RETURNING joined_at, messages, trusted",
            )?
            .query_row(params![c, u, ms(now)], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?;
        Ok(MemberRecord {
            joined_at: joined_at.map(|t| t.max(0) as Millis),
            messages: messages.saturating_sub(1),
            trusted,
        })
    }

    fn set_trusted(&self, chat: i64, user: i64, trusted: bool, now: Millis) -> StoreResult<bool> {
        let (c, u) = (self.chat_hash(chat), self.chat_hash(user));
        let conn = self.conn();
        let before: Option<bool> = conn
            .prepare_cached(
                "SELECT trusted FROM group_members WHERE chat_hash = ?1 AND user_hash = ?2",
            )?
            .query_row([&c, &u], |r| r.get(0))
            .optional()?;
        conn.prepare_cached(
            "INSERT INTO group_members (chat_hash, user_hash, trusted, last_seen)
             VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (chat_hash, user_hash) DO UPDATE SET trusted = excluded.trusted",
        )?
        .execute(params![c, u, trusted, ms(now)])?;
        Ok(before.unwrap_or(false) != trusted)
    }

    fn trusted_count(&self, chat: i64) -> StoreResult<u64> {
        let c = self.chat_hash(chat);
        let n: i64 = self
            .conn()
            .prepare_cached(
                "SELECT COUNT(*) FROM group_members WHERE chat_hash = ?1 AND trusted = 1",
            )?
            .query_row([c], |r| r.get(0))?;
        Ok(n.max(0) as u64)
    }

    fn bump(&self, chat: i64, counter: Counter, n: u64) -> StoreResult<()> {
        let c = self.chat_hash(chat);
        self.conn()
            .prepare_cached(
                "INSERT INTO group_counters (chat_hash, name, value) VALUES (?1, ?2, ?3)
             ON CONFLICT (chat_hash, name) DO UPDATE SET value = value + excluded.value",
            )?
            .execute(params![
                c,
                counter.as_str(),
                i64::try_from(n).unwrap_or(i64::MAX)
            ])?;
        Ok(())
    }

    fn counters(&self, chat: i64) -> StoreResult<Vec<(Counter, u64)>> {
        let c = self.chat_hash(chat);
        let conn = self.conn();
        let mut stmt =
            conn.prepare("SELECT name, value FROM group_counters WHERE chat_hash = ?1")?;
        let rows: Vec<(String, i64)> = stmt
            .query_map([c], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        Ok(Counter::ALL
            .into_iter()
            .map(|k| {
                let v = rows
                    .iter()
                    .find(|(name, _)| name == k.as_str())
                    .map_or(0, |(_, v)| (*v).max(0) as u64);
                (k, v)
            })
            .collect())
    }

    fn log_moderation(
        &self,
        chat: i64,
        user: i64,
        entry: &ModerationEntry,
        now: Millis,
    ) -> StoreResult<i64> {
        let (c, u) = (self.chat_hash(chat), self.chat_hash(user));
        let conn = self.conn();
        conn.prepare_cached("INSERT INTO moderation_log (at, chat_hash, user_hash, rule_ids, level, action, outcome)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")?
.execute(
            params![
                ms(now),
                c,
                u,
                join_ids(&entry.rule_ids),
                entry.level.as_str(),
                entry.action,
                entry.outcome
            ],
        )?;
        Ok(conn.last_insert_rowid())
    }

    fn moderation_log(&self, chat: i64, limit: usize) -> StoreResult<Vec<ModerationEntry>> {
        let c = self.chat_hash(chat);
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT rule_ids, level, action, outcome FROM moderation_log
             WHERE chat_hash = ?1 ORDER BY id DESC LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![c, i64::try_from(limit).unwrap_or(i64::MAX)], |r| {
            Ok(ModerationEntry {
                rule_ids: split_ids(&r.get::<_, String>(0)?),
                level: level_of(&r.get::<_, String>(1)?),
                action: r.get(2)?,
                outcome: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn first_notice(&self, chat: i64, kind: &str, now: Millis) -> StoreResult<bool> {
        let c = self.chat_hash(chat);
        let n = self
            .conn()
            .prepare_cached(
                "INSERT OR IGNORE INTO group_notices (chat_hash, kind, at) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![c, kind, ms(now)])?;
        Ok(n == 1)
    }

    fn clear_notice(&self, chat: i64, kind: &str) -> StoreResult<()> {
        let c = self.chat_hash(chat);
        self.conn()
            .prepare_cached("DELETE FROM group_notices WHERE chat_hash = ?1 AND kind = ?2")?
            .execute(params![c, kind])?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reopen_keeps_salt_and_data() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/db.sqlite");
        let (h1, id) = {
            let s = SqliteStore::open(&path).unwrap();
            s.set_lang(7, "zh-TW", 1).unwrap();
            s.mark_update(42, 1).unwrap();
            (
                s.chat_hash(7),
                s.record_warning(7, &["a.b".into()], "danger", 1).unwrap(),
            )
        };
        let s = SqliteStore::open(&path).unwrap();
        assert_eq!(s.chat_hash(7), h1);
        assert_eq!(s.lang(7).unwrap().as_deref(), Some("zh-TW"));
        assert_eq!(s.begin_update(42, 2).unwrap(), UpdateState::Done);
        assert_eq!(
            s.record_feedback(id, Verdict::Scam, 2).unwrap(),
            FeedbackOutcome::Recorded
        );
    }

    #[test]
    fn salts_differ_between_databases() {
        let a = SqliteStore::open_in_memory().unwrap();
        let b = SqliteStore::open_in_memory().unwrap();
        assert_ne!(a.chat_hash(1), b.chat_hash(1));
    }

    #[test]
    fn newer_schema_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db");
        {
            let c = Connection::open(&path).unwrap();
            c.pragma_update(None, "user_version", 99).unwrap();
        }
        assert!(matches!(
            SqliteStore::open(&path),
            Err(StoreError::TooNew { found: 99, .. })
        ));
    }

    #[test]
    fn ids_are_not_stored_in_clear() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db");
        {
            let s = SqliteStore::open(&path).unwrap();
            s.set_lang(987_654_321, "en", 1).unwrap();
            s.record_warning(987_654_321, &["x.y".into()], "danger", 1)
                .unwrap();
            s.begin_action(987_654_321, 5, "warn", 1).unwrap();
        }
        let mut bytes = std::fs::read(&path).unwrap();
        for ext in ["-wal", "-shm"] {
            let mut p = path.clone().into_os_string();
            p.push(ext);
            if let Ok(b) = std::fs::read(p) {
                bytes.extend(b);
            }
        }
        let needle = b"987654321";
        assert!(!bytes.windows(needle.len()).any(|w| w == needle));
    }
}
