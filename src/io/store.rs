//! SQLite storage of conversations and messages. WAL mode and a busy timeout, so two
//! kimi-tui processes can share one database; the schema version lives in PRAGMA
//! user_version and is migrated forward on open. A database written by a newer kimi-tui, or a
//! file that is not SQLite, is refused with a message naming the file, and never touched.
//!
//! Only the store's worker thread (io/store_worker.rs) and `kimi-tui --list` call this.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension, params};

use crate::api::Usage;
use crate::ids::ConversationId;
use crate::io::store::records::{
    ConversationMeta, MessageRecord, Summary, role_from, role_name, status_from, status_name,
};

mod images;
mod import;
pub mod pieces;
pub mod records;
mod repair;
mod search;

pub use search::snippet;

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = 13;

/// `PRAGMA application_id` of a kimi-tui database ("Kimi"): set when the database is made,
/// checked before anything is written, so a file that is someone else's is never changed.
pub const APPLICATION_ID: i64 = 0x4B69_6D69;

/// Each entry takes the schema from version i to i + 1 (version 5 also runs
/// `repair::split_merged_chats` first; version 7 then gives every message its `uid`).
const MIGRATIONS: [&str; 13] = [
    // 0 -> 1: conversations and messages. `parent_id` is there for branches (edit-and-resend,
    // regenerate); `seq` orders the messages of the branch that is shown.
    "CREATE TABLE conversations (
        id INTEGER PRIMARY KEY,
        title TEXT NOT NULL DEFAULT '',
        model TEXT NOT NULL DEFAULT '',
        system_prompt TEXT NOT NULL DEFAULT '',
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
    );
    CREATE INDEX conversations_by_update ON conversations(updated_at DESC);
    CREATE TABLE messages (
        id INTEGER PRIMARY KEY,
        conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        parent_id INTEGER,
        seq INTEGER NOT NULL,
        role TEXT NOT NULL,
        content TEXT NOT NULL DEFAULT '',
        reasoning TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL,
        error TEXT,
        finish_reason TEXT,
        model TEXT,
        prompt_tokens INTEGER,
        completion_tokens INTEGER,
        cached_tokens INTEGER,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        reasoning_started_at INTEGER,
        reasoning_ended_at INTEGER
    );
    CREATE INDEX messages_by_conversation ON messages(conversation_id, seq);",
    // 1 -> 2: full-text search over message text. The trigram tokenizer matches any
    // substring of three or more characters, which is what Chinese and Japanese need (they
    // have no spaces between words); shorter queries fall back to LIKE.
    "CREATE VIRTUAL TABLE messages_fts USING fts5(
        content, content='messages', content_rowid='id', tokenize='trigram'
    );
    CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
        INSERT INTO messages_fts(rowid, content) VALUES (new.id, new.content);
    END;
    CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
        INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.id, old.content);
    END;
    CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages BEGIN
        INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.id, old.content);
        INSERT INTO messages_fts(rowid, content) VALUES (new.id, new.content);
    END;
    INSERT INTO messages_fts(messages_fts) VALUES ('rebuild');",
    // 2 -> 3: a regenerated reply keeps the old one as a branch (same parent), hidden.
    "ALTER TABLE messages ADD COLUMN superseded INTEGER NOT NULL DEFAULT 0;",
    // 3 -> 4: a conversation's thinking switch and reasoning effort.
    "ALTER TABLE conversations ADD COLUMN thinking INTEGER;
     ALTER TABLE conversations ADD COLUMN effort TEXT;",
    // 4 -> 5: one shown message per position. A save that would put a second one at a
    // position another message holds is refused, instead of leaving a conversation that reads
    // back as You, You, Kimi, Kimi (kimi-tui 0.1 could, after Ctrl+N: see repair.rs).
    "CREATE TRIGGER messages_one_per_position BEFORE INSERT ON messages
     WHEN NEW.superseded = 0 AND EXISTS (
        SELECT 1 FROM messages WHERE conversation_id = NEW.conversation_id
            AND seq = NEW.seq AND superseded = 0 AND id <> NEW.id)
     BEGIN
        SELECT RAISE(ABORT, 'kimi-tui: another message holds this position');
     END;",
    // 5 -> 6: each conversation's unsent text (what was in the input box when it was left).
    "ALTER TABLE conversations ADD COLUMN draft TEXT NOT NULL DEFAULT '';",
    // 6 -> 7: conversations are trees. Every message points at its parent (the first ones at
    // none); siblings are edits and regenerations. The branch shown follows, from the top,
    // the child chosen last (`chosen_at`): the replies that were shown keep being shown, the
    // ones a regeneration replaced (`superseded`) become branches beside them. `uid` is a
    // UUIDv7 that stays a message's name across databases (export, import); filled in by
    // `fill_uids` right after. Siblings share a position, so the guard of version 5 gives way
    // to one that keeps a message in its parent's conversation.
    "ALTER TABLE messages ADD COLUMN chosen_at INTEGER NOT NULL DEFAULT 0;
     ALTER TABLE messages ADD COLUMN uid TEXT;
     UPDATE messages SET chosen_at = created_at WHERE superseded = 0;
     UPDATE messages SET parent_id = (
        SELECT p.id FROM messages p WHERE p.conversation_id = messages.conversation_id
            AND p.seq = messages.seq - 1 AND p.superseded = 0 ORDER BY p.id DESC LIMIT 1)
     WHERE parent_id IS NULL AND seq > 0;
     DROP TRIGGER messages_one_per_position;
     ALTER TABLE messages DROP COLUMN superseded;
     CREATE INDEX messages_by_parent ON messages(parent_id);
     CREATE TRIGGER messages_parent_here BEFORE INSERT ON messages
     WHEN NEW.parent_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM messages WHERE id = NEW.parent_id
            AND conversation_id = NEW.conversation_id)
     BEGIN
        SELECT RAISE(ABORT, 'kimi-tui: the message this one follows is not in its conversation');
     END;",
    // 7 -> 8: a conversation's web search switch (`/web on`), a reply's web searches (its
    // tool rounds, as JSON), and an index of your messages
    // by time: the input history reads the newest at start-up (a scan and a sort of every
    // message took 300 ms with 500,000).
    "ALTER TABLE conversations ADD COLUMN web_search INTEGER NOT NULL DEFAULT 0;
     ALTER TABLE messages ADD COLUMN tool_rounds TEXT NOT NULL DEFAULT '';
     CREATE INDEX messages_prompts ON messages(created_at, id) WHERE role = 'user';",
    // 8 -> 9: two-character Chinese (Japanese, Korean) searches answer from an index: each
    // message's pairs of neighbouring CJK characters as words, in a contentless FTS5 table
    // that keeps only which messages hold each pair. The store writes a message's pairs
    // with the message (`index_bigrams`); the migration fills it for every message. The
    // trigram index cannot answer queries under three characters, and scanning every
    // message for one took 100-130 ms with 500,000 messages.
    "CREATE VIRTUAL TABLE messages_bigrams USING fts5(
        grams, content='', contentless_delete=1, detail='none', tokenize='unicode61'
     );
     CREATE TRIGGER messages_bigrams_delete AFTER DELETE ON messages BEGIN
        DELETE FROM messages_bigrams WHERE rowid = old.id;
     END;
     -- Finds replies left streaming by a window that was killed, at each start.
     CREATE INDEX messages_streaming ON messages(updated_at) WHERE status = 'streaming';
     -- A reply is indexed once it has stopped streaming: saving a streaming reply every
     -- second re-indexed all of it each time (a 20 MB reply: 40 MB of trigrams a second).
     -- The index holds exactly the messages not streaming, so what a trigger deletes is
     -- always what was inserted.
     INSERT INTO messages_fts(messages_fts, rowid, content)
        SELECT 'delete', id, content FROM messages WHERE status = 'streaming';
     DROP TRIGGER messages_fts_insert;
     DROP TRIGGER messages_fts_delete;
     DROP TRIGGER messages_fts_update;
     CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages
        WHEN new.status != 'streaming' BEGIN
        INSERT INTO messages_fts(rowid, content) VALUES (new.id, new.content);
     END;
     CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages
        WHEN old.status != 'streaming' BEGIN
        INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.id, old.content);
     END;
     CREATE TRIGGER messages_fts_update_old AFTER UPDATE OF content, status ON messages
        WHEN old.status != 'streaming' BEGIN
        INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.id, old.content);
     END;
     CREATE TRIGGER messages_fts_update_new AFTER UPDATE OF content, status ON messages
        WHEN new.status != 'streaming' BEGIN
        INSERT INTO messages_fts(rowid, content) VALUES (new.id, new.content);
     END;",
    // 9 -> 10: long messages in pieces (see pieces.rs): a message's text is its row's
    // followed by its pieces, in order. Pieces of content are searched through an index of
    // their own, under the rule of schema 9 (`indexed`: its message is not streaming). A
    // piece goes with its message, whoever deletes it.
    "CREATE TABLE message_pieces (
        id INTEGER PRIMARY KEY,
        message_id INTEGER NOT NULL,
        reasoning INTEGER NOT NULL DEFAULT 0,
        indexed INTEGER NOT NULL DEFAULT 0,
        bytes INTEGER NOT NULL,
        text TEXT NOT NULL
     );
     CREATE INDEX message_pieces_by_message ON message_pieces(message_id, reasoning, id);
     CREATE VIRTUAL TABLE message_pieces_fts USING fts5(
        text, content='message_pieces', content_rowid='id', tokenize='trigram'
     );
     CREATE TRIGGER message_pieces_gone AFTER DELETE ON messages BEGIN
        DELETE FROM message_pieces WHERE message_id = old.id;
     END;
     CREATE TRIGGER message_pieces_indexed AFTER UPDATE OF status ON messages BEGIN
        UPDATE message_pieces SET indexed = (new.status != 'streaming')
        WHERE message_id = new.id AND reasoning = 0 AND indexed != (new.status != 'streaming');
     END;
     CREATE TRIGGER message_pieces_fts_insert AFTER INSERT ON message_pieces
        WHEN new.indexed BEGIN
        INSERT INTO message_pieces_fts(rowid, text) VALUES (new.id, new.text);
     END;
     CREATE TRIGGER message_pieces_fts_delete AFTER DELETE ON message_pieces
        WHEN old.indexed BEGIN
        INSERT INTO message_pieces_fts(message_pieces_fts, rowid, text)
            VALUES ('delete', old.id, old.text);
     END;
     CREATE TRIGGER message_pieces_fts_update_old AFTER UPDATE OF text, indexed ON message_pieces
        WHEN old.indexed BEGIN
        INSERT INTO message_pieces_fts(message_pieces_fts, rowid, text)
            VALUES ('delete', old.id, old.text);
     END;
     CREATE TRIGGER message_pieces_fts_update_new AFTER UPDATE OF text, indexed ON message_pieces
        WHEN new.indexed BEGIN
        INSERT INTO message_pieces_fts(rowid, text) VALUES (new.id, new.text);
     END;",
    // 10 -> 11: the documents sent with a message (their extracted text and file id, as
    // JSON), so a conversation resends after a restart without uploading them again.
    "ALTER TABLE messages ADD COLUMN documents TEXT NOT NULL DEFAULT '';",
    // 11 -> 12: the images sent with a message: what they are (JSON, on the message) and
    // their bytes, once per SHA-256 however many messages send them. The bytes go when the
    // last message that names them does (a scan, paid only when a message with images is
    // deleted).
    "ALTER TABLE messages ADD COLUMN images TEXT NOT NULL DEFAULT '';
     CREATE TABLE images (hash TEXT PRIMARY KEY, mime TEXT NOT NULL, data BLOB NOT NULL);
     CREATE TRIGGER images_unused AFTER DELETE ON messages
        WHEN old.images != '' AND json_valid(old.images) BEGIN
        DELETE FROM images
        WHERE hash IN (SELECT json_extract(value, '$.hash') FROM json_each(old.images))
            AND NOT EXISTS (SELECT 1 FROM messages m
                            WHERE m.images != '' AND instr(m.images, images.hash) > 0);
     END;",
    // 12 -> 13: the two halves of each index's update trigger (take the old text out, put
    // the new in) become one trigger, in that order. As two triggers (schemas 9 and 10)
    // SQLite ran the second first, so saving a finished message again (a branch switch
    // writes it) took it out of the index, or a piece topped up lost its words. The indexes
    // are made again from what they must hold.
    "DROP TRIGGER messages_fts_update_old;
     DROP TRIGGER messages_fts_update_new;
     CREATE TRIGGER messages_fts_update AFTER UPDATE OF content, status ON messages BEGIN
        INSERT INTO messages_fts(messages_fts, rowid, content)
            SELECT 'delete', old.id, old.content WHERE old.status != 'streaming';
        INSERT INTO messages_fts(rowid, content)
            SELECT new.id, new.content WHERE new.status != 'streaming';
     END;
     DROP TRIGGER message_pieces_fts_update_old;
     DROP TRIGGER message_pieces_fts_update_new;
     CREATE TRIGGER message_pieces_fts_update AFTER UPDATE OF text, indexed ON message_pieces
     BEGIN
        INSERT INTO message_pieces_fts(message_pieces_fts, rowid, text)
            SELECT 'delete', old.id, old.text WHERE old.indexed;
        INSERT INTO message_pieces_fts(rowid, text) SELECT new.id, new.text WHERE new.indexed;
     END;
     INSERT INTO messages_fts(messages_fts) VALUES ('delete-all');
     INSERT INTO messages_fts(rowid, content)
        SELECT id, content FROM messages WHERE status != 'streaming';
     INSERT INTO message_pieces_fts(message_pieces_fts) VALUES ('delete-all');
     INSERT INTO message_pieces_fts(rowid, text) SELECT id, text FROM message_pieces WHERE indexed;",
];

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "{} is not a kimi-tui database or is damaged ({detail}). It was left untouched; move it away, or use --data-dir for another place.",
        .path.display()
    )]
    NotADatabase { path: PathBuf, detail: String },
    #[error(
        "{} was written by a newer kimi-tui (schema {found}, this one knows {SCHEMA_VERSION}). It was left untouched; upgrade kimi-tui, or use --data-dir for another place.",
        .path.display()
    )]
    NewerSchema { path: PathBuf, found: i64 },
    #[error("cannot open {}: {detail}", .path.display())]
    Unavailable { path: PathBuf, detail: String },
    /// A message would have been written under one that is not in its conversation (another
    /// window deleted it). Not retried: trying again cannot help, and writing it would leave a
    /// message that belongs nowhere.
    #[error(
        "a message was not saved: the message it follows was deleted (in another window?). It is still on screen; export the conversation (Alt+e) to keep it."
    )]
    ParentGone { id: ConversationId },
    /// A new message would have gone where another window added one first (the window that
    /// made it did not know of it). Not retried: the window reads the conversation again.
    #[error(
        "a message was not saved: another window added to this conversation first. It is still on screen; export the conversation (Alt+e) to keep it."
    )]
    ChangedElsewhere { id: ConversationId },
    /// A row with this id was made by another window (ids are random in part, so this is
    /// all but impossible); it is kept, and this save is refused rather than written over it.
    #[error(
        "a change was not saved: its id is taken by another window's conversation. It is still on screen; export the conversation (Alt+e) to keep it."
    )]
    IdTaken { id: ConversationId },
    /// Only the end of a long message was sent, and the store holds another length of it
    /// (a save before it was lost): the window sends it whole instead.
    #[error("a long message was saved in parts out of step; it is saved whole instead")]
    Diverged { id: ConversationId, message: u64 },
    #[error("{0}")]
    Sql(#[from] rusqlite::Error),
}

/// Gives every message without one a UUIDv7 (its time from when the message was made, the
/// rest random), then makes `uid` unique.
fn fill_uids(conn: &Connection) -> rusqlite::Result<()> {
    use std::hash::BuildHasher;
    let random = std::collections::hash_map::RandomState::new();
    let rows: Vec<(i64, u64)> = {
        let mut stmt = conn.prepare("SELECT id, created_at FROM messages WHERE uid IS NULL")?;
        stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
            .collect::<Result<_, _>>()?
    };
    let mut update = conn.prepare("UPDATE messages SET uid = ?1 WHERE id = ?2")?;
    for (id, created_at) in rows {
        let a = random.hash_one((id, 1u8)).to_le_bytes();
        let b = random.hash_one((id, 2u8)).to_le_bytes();
        let bytes = [a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], b[0], b[1]];
        let uid = uuid::Builder::from_unix_timestamp_millis(created_at, &bytes).into_uuid();
        update.execute(params![uid.to_string(), id])?;
    }
    conn.execute_batch("CREATE UNIQUE INDEX messages_by_uid ON messages(uid);")
}

/// A reply still marked streaming but not saved for this long was left by a window that is
/// gone (a streaming window saves every second).
pub const ORPHANED_AFTER_MS: i64 = 60_000;

/// Writes message `id`'s CJK character pairs to the bigram index (schema 9), replacing
/// what it held for that message.
pub(crate) fn index_bigrams(conn: &Connection, id: u64, content: &str) -> rusqlite::Result<()> {
    write_bigrams(conn, id, &search::cjk_bigrams(content))
}

/// Writes message `id`'s pairs (`search::cjk_bigrams`), replacing what it held.
fn write_bigrams(conn: &Connection, id: u64, grams: &str) -> rusqlite::Result<()> {
    conn.prepare_cached("DELETE FROM messages_bigrams WHERE rowid = ?1")?
        .execute([id])?;
    if !grams.is_empty() {
        conn.prepare_cached("INSERT INTO messages_bigrams(rowid, grams) VALUES (?1, ?2)")?
            .execute(params![id, grams])?;
    }
    Ok(())
}

/// Fills the bigram index for every message (the migration to schema 9; also for tools
/// that write messages with SQL of their own, like the benchmarks).
pub fn fill_bigrams(conn: &Connection) -> rusqlite::Result<()> {
    let mut read = conn.prepare("SELECT id, content FROM messages WHERE status != 'streaming'")?;
    let mut rows = read.query([])?;
    let mut insert = conn.prepare("INSERT INTO messages_bigrams(rowid, grams) VALUES (?1, ?2)")?;
    while let Some(row) = rows.next()? {
        let id: u64 = row.get(0)?;
        let grams = search::cjk_bigrams(row.get_ref(1)?.as_str().unwrap_or_default());
        if !grams.is_empty() {
            insert.execute(params![id, grams])?;
        }
    }
    Ok(())
}

/// The migration from `version` to the next (versions below `SCHEMA_VERSION` only; nothing
/// for others).
fn migration(version: i64) -> &'static str {
    usize::try_from(version)
        .ok()
        .and_then(|v| MIGRATIONS.get(v))
        .copied()
        .unwrap_or("")
}

impl rusqlite::ToSql for ConversationId {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        self.0.to_sql()
    }
}

impl rusqlite::types::FromSql for ConversationId {
    fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        u64::column_result(value).map(ConversationId)
    }
}

impl StoreError {
    /// Whether waiting and trying again may help (a full disk, a read-only or missing
    /// directory), as opposed to a file that must not be touched.
    pub fn is_retryable(&self) -> bool {
        matches!(self, StoreError::Unavailable { .. } | StoreError::Sql(_))
    }
}

/// The statement that writes a message's row: a new one whole, an existing one's fields
/// with `$text` (the text columns to write too, or none for a message in pieces).
macro_rules! upsert_message {
    ($text:literal) => {
        concat!(
            "INSERT INTO messages (id, conversation_id, parent_id, seq, role, content, reasoning,
                status, error, finish_reason, model, prompt_tokens, completion_tokens,
                cached_tokens, created_at, updated_at, reasoning_started_at, reasoning_ended_at,
                chosen_at, uid, tool_rounds, documents, images)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                ?18, ?19, ?20, ?21, ?22, ?23)
             ON CONFLICT(id) DO UPDATE SET ",
            $text,
            " status = excluded.status, error = excluded.error,
                finish_reason = excluded.finish_reason, prompt_tokens = excluded.prompt_tokens,
                completion_tokens = excluded.completion_tokens,
                cached_tokens = excluded.cached_tokens, updated_at = excluded.updated_at,
                reasoning_started_at = excluded.reasoning_started_at,
                reasoning_ended_at = excluded.reasoning_ended_at,
                chosen_at = excluded.chosen_at, uid = COALESCE(messages.uid, excluded.uid),
                tool_rounds = excluded.tool_rounds, documents = excluded.documents,
                images = excluded.images
             WHERE messages.conversation_id = excluded.conversation_id
                AND messages.created_at = excluded.created_at"
        )
    };
}

pub struct Store {
    conn: Connection,
}

fn is_not_a_database(err: &rusqlite::Error) -> bool {
    matches!(
        err.sqlite_error_code(),
        Some(rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt)
    )
}

/// Whether an error is about the place (busy, read-only, full, no permission), so waiting
/// and trying again may help, rather than about the file's contents.
fn is_about_the_place(err: &rusqlite::Error) -> bool {
    use rusqlite::ErrorCode as C;
    matches!(
        err.sqlite_error_code(),
        Some(
            C::DatabaseBusy
                | C::DatabaseLocked
                | C::ReadOnly
                | C::DiskFull
                | C::SystemIoFailure
                | C::CannotOpen
                | C::PermissionDenied
                | C::OutOfMemory
        )
    )
}

/// Whose the file is, read before anything is written to it.
#[derive(Debug, PartialEq, Eq)]
enum Owner {
    /// Empty: kimi-tui makes its schema here.
    Nobody,
    /// kimi-tui's (marked, or an older kimi-tui database from before the mark).
    Us,
    /// Someone else's, or something kimi-tui cannot have written; the reason.
    Other(String),
}

fn owner(conn: &Connection, version: i64) -> Result<Owner, rusqlite::Error> {
    let id: i64 = conn.query_row("PRAGMA application_id", [], |row| row.get(0))?;
    if id == APPLICATION_ID {
        return Ok(Owner::Us);
    }
    if id != 0 {
        return Ok(Owner::Other(format!(
            "it belongs to another program (application id {id:#x})"
        )));
    }
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table'")?
        .query_map([], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    let objects: i64 =
        conn.query_row("SELECT count(*) FROM sqlite_schema", [], |row| row.get(0))?;
    let ours = ["conversations", "messages"]
        .iter()
        .all(|t| tables.iter().any(|name| name == t));
    Ok(if objects == 0 && version == 0 {
        Owner::Nobody
    } else if ours && version >= 1 {
        Owner::Us
    } else if version >= 1 {
        Owner::Other(format!("schema {version} without kimi-tui's tables"))
    } else {
        Owner::Other("it holds tables that are not kimi-tui's".into())
    })
}

impl Store {
    /// Opens (creating it and its directory if needed) and migrates the database at `path`.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let unavailable = |detail: String| StoreError::Unavailable {
            path: path.to_path_buf(),
            detail,
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| unavailable(e.to_string()))?;
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn =
            Connection::open_with_flags(path, flags).map_err(|e| unavailable(e.to_string()))?;
        let not_db = |e: rusqlite::Error| {
            if is_not_a_database(&e) {
                StoreError::NotADatabase {
                    path: path.to_path_buf(),
                    detail: e.to_string(),
                }
            } else {
                unavailable(e.to_string())
            }
        };
        conn.busy_timeout(Duration::from_secs(5)).map_err(not_db)?;
        // Reading the version is the first real read: a file that is not SQLite fails here,
        // before anything was written to it.
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .map_err(not_db)?;
        if version > SCHEMA_VERSION {
            return Err(StoreError::NewerSchema {
                path: path.to_path_buf(),
                found: version,
            });
        }
        // Nothing is written (not even the journal mode) to a file that is not ours.
        if let Owner::Other(detail) = owner(&conn, version).map_err(not_db)? {
            return Err(StoreError::NotADatabase {
                path: path.to_path_buf(),
                detail,
            });
        }
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(not_db)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(not_db)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(not_db)?;
        let mut store = Store { conn };
        // A migration that fails on the file's contents (a schema changed by hand) is rolled
        // back and refused like any file that is not ours; one that fails on the place (busy,
        // full, read-only) may work later.
        store.migrate(version).map_err(|e| match e {
            StoreError::Sql(e) if is_about_the_place(&e) => unavailable(e.to_string()),
            StoreError::Sql(e) => StoreError::NotADatabase {
                path: path.to_path_buf(),
                detail: e.to_string(),
            },
            other => other,
        })?;
        let id: i64 = store
            .conn
            .query_row("PRAGMA application_id", [], |row| row.get(0))
            .map_err(not_db)?;
        if id != APPLICATION_ID {
            store
                .conn
                .pragma_update(None, "application_id", APPLICATION_ID)
                .map_err(not_db)?;
        }
        // A reply left streaming by a window that was killed is marked interrupted, so it is
        // indexed for search (a reply is indexed once it stops streaming). A window still
        // streaming saves every second: a row untouched for a minute has no window. Best
        // effort: a busy database leaves it for the next start.
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
        if let Err(e) = store.mark_orphaned(now.saturating_sub(ORPHANED_AFTER_MS)) {
            tracing::warn!(error = %e, "marking replies left streaming");
        }
        Ok(store)
    }

    /// Opens the database at `path` for reading only, changing nothing: the history stays
    /// readable when the directory cannot be written (read-only, full). Only a kimi-tui
    /// database of this build's schema is read.
    pub fn open_read_only(path: &Path) -> Result<Store, StoreError> {
        let unavailable = |detail: String| StoreError::Unavailable {
            path: path.to_path_buf(),
            detail,
        };
        let read = |conn: Connection| -> Result<(Connection, i64), rusqlite::Error> {
            conn.busy_timeout(Duration::from_secs(5))?;
            let version = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
            Ok((conn, version))
        };
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let plain = Connection::open_with_flags(path, flags).and_then(read);
        // A WAL database read-only needs its -shm file, which a read-only directory cannot
        // hold: then read the file as it stands ("immutable"; kimi-tui checkpoints its WAL
        // into the file when it closes).
        let (conn, version) = match plain {
            Ok(opened) => opened,
            Err(_) => {
                let escaped = path
                    .display()
                    .to_string()
                    .replace('%', "%25")
                    .replace('?', "%3f")
                    .replace('#', "%23");
                let uri = format!("file:{escaped}?immutable=1");
                Connection::open_with_flags(uri, flags | OpenFlags::SQLITE_OPEN_URI)
                    .and_then(read)
                    .map_err(|e| unavailable(e.to_string()))?
            }
        };
        let ours = owner(&conn, version).map_err(|e| unavailable(e.to_string()))? == Owner::Us;
        if !ours || version != SCHEMA_VERSION {
            return Err(unavailable(format!(
                "read-only, and schema {version} cannot be read without changing it"
            )));
        }
        Ok(Store { conn })
    }

    /// The schema of the kimi-tui database at `path` and how many messages it holds, when
    /// opening it will migrate it (read without changing anything; `None` otherwise).
    pub fn migration_ahead(path: &Path) -> Option<(i64, u64)> {
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).ok()?;
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .ok()?;
        if version == 0 || version >= SCHEMA_VERSION {
            return None;
        }
        let messages: u64 = conn
            .query_row("SELECT COUNT(*) FROM messages", [], |r| r.get(0))
            .unwrap_or(0);
        Some((version, messages))
    }

    /// Marks replies still streaming but not saved since `before` as interrupted, and indexes
    /// them for search.
    fn mark_orphaned(&mut self, before: i64) -> rusqlite::Result<()> {
        let tx = self.conn.transaction()?;
        let orphans: Vec<u64> = tx
            .prepare(
                "SELECT id FROM messages
                 WHERE status = 'streaming' AND updated_at < ?1",
            )?
            .query_map([before], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        for id in orphans {
            tx.execute(
                "UPDATE messages SET status = 'interrupted' WHERE id = ?1",
                [id],
            )?;
            index_bigrams(&tx, id, &pieces::full_content(&tx, id)?)?;
        }
        tx.commit()
    }

    fn migrate(&mut self, from: i64) -> Result<(), StoreError> {
        for version in from..SCHEMA_VERSION {
            // IMMEDIATE takes the write lock up front, so two processes opening a new database
            // at once queue on the busy timeout instead of deadlocking.
            let tx = self
                .conn
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            // Another process may have migrated in between: re-check inside the transaction.
            let now: i64 = tx.query_row("PRAGMA user_version", [], |row| row.get(0))?;
            if now > version {
                continue;
            }
            if version + 1 == 5 {
                repair::split_merged_chats(&tx)?;
            }
            tx.execute_batch(migration(version))?;
            if version + 1 == 7 {
                fill_uids(&tx)?;
            }
            if version + 1 == 9 {
                fill_bigrams(&tx)?;
            }
            tx.pragma_update(None, "user_version", version + 1)?;
            tx.commit()?;
        }
        Ok(())
    }

    /// Applies only the first `version` migrations: for tests of migrating old databases.
    pub fn create_at_version(path: &Path, version: i64) -> Result<Connection, StoreError> {
        let conn = Connection::open(path)?;
        for v in 0..version {
            conn.execute_batch(migration(v))?;
            if v + 1 == 7 {
                fill_uids(&conn)?;
            }
            conn.pragma_update(None, "user_version", v + 1)?;
        }
        Ok(conn)
    }

    /// Every conversation, most recently active first.
    /// The prompts sent before, newest first, each once, at most `limit`: the input box's
    /// history.
    pub fn recent_prompts(&self, limit: usize) -> Result<Vec<String>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT content FROM messages WHERE role = 'user'
             ORDER BY created_at DESC, id DESC LIMIT ?1",
        )?;
        let mut seen = std::collections::HashSet::new();
        let mut prompts = Vec::new();
        // Read more than `limit`: repeated prompts are kept once.
        for text in stmt.query_map([limit.saturating_mul(2)], |row| row.get::<_, String>(0))? {
            let text = text?;
            if seen.insert(text.clone()) {
                prompts.push(text);
                if prompts.len() == limit {
                    break;
                }
            }
        }
        Ok(prompts)
    }

    /// SQLite's quick check of the file: "ok", or what is damaged.
    pub fn quick_check(&self) -> Result<String, StoreError> {
        let mut stmt = self.conn.prepare("PRAGMA quick_check")?;
        let lines: Vec<String> = stmt
            .query_map([], |row| row.get::<_, String>(0))?
            .collect::<Result<_, _>>()?;
        Ok(lines.join("; "))
    }

    pub fn list(&self) -> Result<Vec<Summary>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, title, model, created_at, updated_at, thinking, effort, draft, web_search
             FROM conversations ORDER BY updated_at DESC, id DESC",
        )?;
        let rows = stmt.query_map([], |row| {
            Ok(Summary {
                id: row.get::<_, ConversationId>(0)?,
                title: row.get(1)?,
                model: row.get(2)?,
                created_at: row.get::<_, u64>(3)?,
                updated_at: row.get::<_, u64>(4)?,
                thinking: row.get::<_, Option<bool>>(5)?,
                effort: row.get::<_, Option<String>>(6)?,
                draft: row.get(7)?,
                web_search: row.get(8)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn system_prompt(&self, id: ConversationId) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT system_prompt FROM conversations WHERE id = ?1",
                [id],
                |row| row.get(0),
            )
            .optional()?)
    }

    pub fn load(&self, id: ConversationId) -> Result<Vec<MessageRecord>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, parent_id, seq, role, content, reasoning, status, error, finish_reason,
                    model, prompt_tokens, completion_tokens, cached_tokens, created_at,
                    updated_at, reasoning_started_at, reasoning_ended_at, chosen_at, uid,
                    tool_rounds, documents, images
             FROM messages WHERE conversation_id = ?1 ORDER BY seq, id",
        )?;
        let rows = stmt.query_map([id], |row| {
            let prompt: Option<u64> = row.get(10)?;
            let completion: Option<u64> = row.get(11)?;
            let cached: Option<u64> = row.get(12)?;
            let role: String = row.get(3)?;
            let status: String = row.get(6)?;
            Ok(MessageRecord {
                id: row.get::<_, u64>(0)?,
                conversation_id: id,
                parent_id: row.get::<_, Option<u64>>(1)?,
                seq: row.get::<_, u32>(2)?,
                role: role_from(&role),
                content: row.get(4)?,
                reasoning: row.get(5)?,
                status: status_from(&status),
                error: row.get(7)?,
                finish_reason: row.get(8)?,
                model: row.get(9)?,
                usage: prompt.map(|p| Usage {
                    prompt_tokens: p,
                    completion_tokens: completion.unwrap_or(0),
                    cached_tokens: cached,
                }),
                created_at: row.get::<_, u64>(13)?,
                updated_at: row.get::<_, u64>(14)?,
                reasoning_started_at: row.get::<_, Option<u64>>(15)?,
                reasoning_ended_at: row.get::<_, Option<u64>>(16)?,
                chosen_at: row.get::<_, u64>(17)?,
                uid: row
                    .get::<_, Option<String>>(18)?
                    .and_then(|text| uuid::Uuid::parse_str(&text).ok())
                    .unwrap_or_else(|| {
                        // A row another tool wrote without one: a uid made from its id (unique
                        // here), written back with the message's next save.
                        let id: u64 = row.get(0).unwrap_or_default();
                        let created: u64 = row.get(13).unwrap_or_default();
                        let b = id.to_le_bytes();
                        let bytes = [b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], 0, 0];
                        uuid::Builder::from_unix_timestamp_millis(created, &bytes).into_uuid()
                    }),
                siblings: 0,
                tool_rounds: row.get(19)?,
                documents: row.get(20)?,
                images: images::from_column(row.get_ref(21)?.as_str().unwrap_or_default()),
                appended: None,
            })
        })?;
        let mut records: Vec<MessageRecord> = rows.collect::<Result<_, _>>()?;
        pieces::fill(&self.conn, id, &mut records)?;
        for record in &mut records {
            images::fill(&self.conn, &mut record.images)?;
        }
        Ok(records)
    }

    /// Writes a conversation's meta. A row with the same id that is another conversation
    /// (made at another time: another window's) is never replaced: `IdTaken`.
    pub fn save_conversation(&self, meta: &ConversationMeta) -> Result<(), StoreError> {
        let changed = self.conn.prepare_cached(
            "INSERT INTO conversations (id, title, model, system_prompt, created_at, updated_at,
                thinking, effort, draft, web_search)
             VALUES (?1, ?2, ?3, COALESCE(?4, ''), ?5, ?6, ?7, ?8, ?9, ?10)
             ON CONFLICT(id) DO UPDATE SET title = excluded.title, model = excluded.model,
                system_prompt = COALESCE(?4, system_prompt), thinking = excluded.thinking,
                effort = excluded.effort, draft = excluded.draft,
                web_search = excluded.web_search,
                updated_at = MAX(updated_at, excluded.updated_at)
             WHERE conversations.created_at = excluded.created_at",
        )?
        .execute(params![
            meta.id,
            meta.title,
            meta.model,
            meta.system_prompt,
            meta.created_at,
            meta.updated_at,
            meta.thinking,
            meta.effort,
            meta.draft,
            meta.web_search,
        ])?;
        // Nothing written: the id belongs to another conversation (another window made it).
        if changed == 0 {
            return Err(StoreError::IdTaken { id: meta.id });
        }
        Ok(())
    }

    /// Writes a message. A row with the same id that is another message (of another
    /// conversation, or made at another time) is never replaced: `IdTaken`.
    pub fn save_message(&self, m: &MessageRecord) -> Result<(), StoreError> {
        // IMMEDIATE: the check and the write hold the write lock together (a read lock
        // upgraded later can fail at once with another writer about).
        let tx = rusqlite::Transaction::new_unchecked(
            &self.conn,
            rusqlite::TransactionBehavior::Immediate,
        )?;
        let exists = tx
            .prepare_cached("SELECT 1 FROM messages WHERE id = ?1")?
            .query_row([m.id], |_| Ok(()))
            .optional()?
            .is_some();
        // Only the end of a long message: it follows what the store holds, or nothing is
        // written.
        if m.appended.is_some() && !exists {
            return Err(StoreError::Diverged {
                id: m.conversation_id,
                message: m.id,
            });
        }
        if !exists {
            let siblings: u32 = tx
                .prepare_cached(
                    "SELECT COUNT(*) FROM messages WHERE conversation_id = ?1 AND parent_id IS ?2",
                )?
                .query_row(params![m.conversation_id, m.parent_id], |row| row.get(0))?;
            if siblings != m.siblings {
                return Err(StoreError::ChangedElsewhere {
                    id: m.conversation_id,
                });
            }
        }
        // A long message is written in pieces (pieces.rs): its row keeps the text it had.
        let pieced = m.appended.is_some() || pieces::wanted(&tx, m)?;
        let sql = if pieced {
            upsert_message!("")
        } else {
            upsert_message!("content = excluded.content, reasoning = excluded.reasoning,")
        };
        let (content, reasoning) = if pieced {
            ("", "")
        } else {
            (m.content.as_str(), m.reasoning.as_str())
        };
        let changed = tx
            .prepare_cached(sql)?
            .execute(params![
                m.id,
                m.conversation_id,
                m.parent_id,
                m.seq,
                role_name(m.role),
                content,
                reasoning,
                status_name(m.status),
                m.error,
                m.finish_reason,
                m.model,
                m.usage.map(|u| u.prompt_tokens),
                m.usage.map(|u| u.completion_tokens),
                m.usage.and_then(|u| u.cached_tokens),
                m.created_at,
                m.updated_at,
                m.reasoning_started_at,
                m.reasoning_ended_at,
                m.chosen_at,
                m.uid.to_string(),
                m.tool_rounds,
                m.documents,
                images::to_column(&m.images),
            ])
            .map_err(|e| match e {
                rusqlite::Error::SqliteFailure(ref f, _)
                    if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_TRIGGER =>
                {
                    StoreError::ParentGone {
                        id: m.conversation_id,
                    }
                }
                _ => StoreError::Sql(e),
            })?;
        if changed == 0 {
            return Err(StoreError::IdTaken {
                id: m.conversation_id,
            });
        }
        if let Some(from) = m.appended {
            if !pieces::append_tail(&tx, m, from)? {
                return Err(StoreError::Diverged {
                    id: m.conversation_id,
                    message: m.id,
                });
            }
        } else if pieced {
            pieces::append(&tx, m)?;
        }
        images::save(&tx, &m.images)?;
        // A streaming reply is indexed once it stops (see the migration to schema 9); one
        // saved in parts, from what the store holds.
        if m.status == records::MessageStatus::Streaming {
            write_bigrams(&tx, m.id, "")?;
        } else if m.appended.is_some() {
            write_bigrams(&tx, m.id, &pieces::stored_bigrams(&tx, m.id)?)?;
        } else {
            index_bigrams(&tx, m.id, &m.content)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The ids of the files uploaded for the documents of every message (kimi-tui's files on
    /// the account: `/files` offers to delete them).
    pub fn uploaded_file_ids(&self) -> Result<Vec<String>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT DISTINCT json_extract(d.value, '$.file_id')
             FROM messages, json_each(messages.documents) AS d
             WHERE messages.documents != '' AND json_valid(messages.documents)",
        )?;
        let ids = stmt.query_map([], |r| r.get::<_, Option<String>>(0))?;
        let mut out = Vec::new();
        for id in ids {
            out.extend(id?);
        }
        Ok(out)
    }

    /// Deletes message `id` of conversation `conversation` and everything under it.
    pub fn delete_messages(&self, conversation: ConversationId, id: u64) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "DELETE FROM messages WHERE id IN (
                WITH RECURSIVE below(id) AS (
                    SELECT id FROM messages WHERE id = ?1 AND conversation_id = ?2
                    UNION SELECT m.id FROM messages m JOIN below ON m.parent_id = below.id)
                SELECT id FROM below)",
            )?
            .execute(params![id, conversation])?;
        Ok(())
    }

    pub fn delete_conversation(&self, id: ConversationId) -> Result<(), StoreError> {
        self.conn
            .execute("DELETE FROM conversations WHERE id = ?1", [id])?;
        Ok(())
    }
}
