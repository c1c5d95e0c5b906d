//! The embedded SQLite backend: one connection behind a mutex, WAL mode, schema migrations by
//! `PRAGMA user_version`.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, params};

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
];

/// SQLite-backed [`Store`].
pub struct SqliteStore {
    conn: Mutex<Connection>,
    salt: Vec<u8>,
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
        let _: Option<String> = conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .optional()
            .unwrap_or(None);
        conn.execute_batch("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;")?;
        SqliteStore::init(conn)
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
        self.conn().execute(
            "INSERT INTO user_prefs (user_hash, lang, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (user_hash) DO UPDATE SET lang = excluded.lang,
                                                   updated_at = excluded.updated_at",
            params![h, lang, ms(now)],
        )?;
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
        conn.execute(
            "INSERT INTO warnings (created_at, chat_hash, rule_ids, level) VALUES (?1, ?2, ?3, ?4)",
            params![ms(now), h, join_ids(rule_ids), level],
        )?;
        Ok(conn.last_insert_rowid())
    }

    fn record_feedback(
        &self,
        warning_id: i64,
        verdict: Verdict,
        now: Millis,
    ) -> StoreResult<FeedbackOutcome> {
        let n = self.conn().execute(
            "INSERT INTO feedback (created_at, chat_hash, warning_id, verdict, rule_ids, level)
             SELECT ?1, chat_hash, id, ?2, rule_ids, level FROM warnings WHERE id = ?3
             ON CONFLICT (warning_id) DO UPDATE SET verdict = excluded.verdict,
                                                    created_at = excluded.created_at",
            params![ms(now), verdict.as_str(), warning_id],
        )?;
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
        let (attempts, done): (i64, bool) = self.conn().query_row(
            "INSERT INTO processed_updates (update_id, at, attempts, done) VALUES (?1, ?2, 1, 0)
             ON CONFLICT (update_id) DO UPDATE
                 SET attempts = attempts + (1 - done), at = excluded.at
             RETURNING attempts, done",
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
        self.conn().execute(
            "INSERT INTO processed_updates (update_id, at, attempts, done) VALUES (?1, ?2, 1, 1)
             ON CONFLICT (update_id) DO UPDATE SET done = 1, at = excluded.at",
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
            .query_row(
                "SELECT status FROM actions WHERE chat_hash = ?1 AND message_id = ?2 AND kind = ?3",
                params![h, message_id, kind],
                |r| r.get(0),
            )
            .optional()?;
        let begin = match status.as_deref() {
            None | Some("failed") => {
                tx.execute(
                    "INSERT INTO actions (chat_hash, message_id, kind, status, at)
                     VALUES (?1, ?2, ?3, 'pending', ?4)
                     ON CONFLICT (chat_hash, message_id, kind)
                     DO UPDATE SET status = 'pending', at = excluded.at",
                    params![h, message_id, kind, ms(now)],
                )?;
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
        self.conn().execute(
            "INSERT INTO actions (chat_hash, message_id, kind, status, at)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (chat_hash, message_id, kind)
             DO UPDATE SET status = excluded.status, at = excluded.at",
            params![h, message_id, kind, status.as_str(), ms(now)],
        )?;
        Ok(())
    }

    fn recover(&self) -> StoreResult<usize> {
        Ok(self.conn().execute(
            "UPDATE actions SET status = 'unknown' WHERE status = 'pending'",
            [],
        )?)
    }

    fn prune(&self, before: Millis) -> StoreResult<Pruned> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let updates = tx.execute("DELETE FROM processed_updates WHERE at < ?1", [ms(before)])?;
        let actions = tx.execute(
            "DELETE FROM actions WHERE at < ?1 AND status != 'pending'",
            [ms(before)],
        )?;
        tx.commit()?;
        Ok(Pruned { updates, actions })
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
