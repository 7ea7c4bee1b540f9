//! Long messages are stored in pieces (schema 10): a message's text is its row's `content`
//! followed by its rows in `message_pieces` (and the same for `reasoning`), in order.
//!
//! Why: writing a 20 MB reply as one value costs three copies of it at once (the bound
//! parameter, SQLite's record, FTS5's positions for the whole document), 60 MB more than
//! the reply itself, and rewriting it every second while it streams costs that each second.
//! In pieces of at most `PIECE_BYTES`, a save appends what arrived since the last one (or
//! tops up the last piece), and each piece is indexed on its own. The text of a message only
//! ever grows while it is saved again (a reply streaming in); anything else (an edit) is a
//! new message. Should the stored text ever be longer than the message's, its pieces are
//! written again from the start.
//!
//! A message goes into pieces once its text is over `WHOLE_LIMIT`; shorter ones stay whole,
//! as before, so a database of ordinary messages is read by `sqlite3` as it always was.

use rusqlite::{Connection, OptionalExtension, params};

use crate::io::store::records::{MessageRecord, MessageStatus};

/// A message whose text (content and reasoning) is longer than this is saved in pieces.
pub const WHOLE_LIMIT: usize = 1024 * 1024;

/// The most a piece holds. A piece is cut at a line's end where one is in its second half,
/// so a search for text within a line finds it (the trigram index sees each piece alone).
pub const PIECE_BYTES: usize = 1024 * 1024;

/// Whether `m` is saved in pieces: it is long, or pieces of it are stored already.
pub fn wanted(conn: &Connection, m: &MessageRecord) -> rusqlite::Result<bool> {
    if m.content.len() + m.reasoning.len() > WHOLE_LIMIT {
        return Ok(true);
    }
    Ok(conn
        .prepare_cached("SELECT 1 FROM message_pieces WHERE message_id = ?1 LIMIT 1")?
        .query_row([m.id], |_| Ok(()))
        .optional()?
        .is_some())
}

/// How many bytes of message `id`'s text and reasoning are stored (its row's and its
/// pieces').
pub fn stored_lengths(conn: &Connection, id: u64) -> rusqlite::Result<(usize, usize)> {
    let (mut content_at, mut reasoning_at): (usize, usize) = conn
        .prepare_cached(
            "SELECT octet_length(content), octet_length(reasoning) FROM messages WHERE id = ?1",
        )?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let mut sums = conn.prepare_cached(
        "SELECT reasoning, SUM(bytes) FROM message_pieces WHERE message_id = ?1
         GROUP BY reasoning",
    )?;
    let mut rows = sums.query([id])?;
    while let Some(row) = rows.next()? {
        let bytes: usize = row.get(1)?;
        if row.get::<_, bool>(0)? {
            reasoning_at += bytes;
        } else {
            content_at += bytes;
        }
    }
    Ok((content_at, reasoning_at))
}

/// Adds what `m` holds (only what follows the stored text: `MessageRecord::appended`) after
/// the stored text. False, with nothing written, if the store holds another length.
pub fn append_tail(
    conn: &Connection,
    m: &MessageRecord,
    from: (usize, usize),
) -> rusqlite::Result<bool> {
    if stored_lengths(conn, m.id)? != from {
        return Ok(false);
    }
    let indexed = m.status != MessageStatus::Streaming;
    push(conn, m.id, false, &m.content, indexed)?;
    push(conn, m.id, true, &m.reasoning, false)?;
    Ok(true)
}

/// Every pair of neighbouring CJK characters in message `id`'s stored text (its row's and
/// its pieces'), read a piece at a time: for the pair index of a long reply saved in parts.
pub fn stored_bigrams(conn: &Connection, id: u64) -> rusqlite::Result<String> {
    let mut pairs = super::search::Bigrams::default();
    let mut row = conn.prepare_cached("SELECT content FROM messages WHERE id = ?1")?;
    let mut rows = row.query([id])?;
    if let Some(r) = rows.next()? {
        pairs.feed(r.get_ref(0)?.as_str()?);
    }
    let mut stmt = conn.prepare_cached(
        "SELECT text FROM message_pieces WHERE message_id = ?1 AND reasoning = 0 ORDER BY id",
    )?;
    let mut rows = stmt.query([id])?;
    while let Some(r) = rows.next()? {
        pairs.feed(r.get_ref(0)?.as_str()?);
    }
    Ok(pairs.finish())
}

/// Appends what `m` holds beyond the stored text of its message (its row exists), as pieces.
pub fn append(conn: &Connection, m: &MessageRecord) -> rusqlite::Result<()> {
    let (mut content_at, mut reasoning_at) = stored_lengths(conn, m.id)?;
    let fits = |stored: usize, text: &str| stored <= text.len() && text.is_char_boundary(stored);
    if !fits(content_at, &m.content) || !fits(reasoning_at, &m.reasoning) {
        // Not a beginning of this text: written again, whole, in pieces.
        conn.prepare_cached("DELETE FROM message_pieces WHERE message_id = ?1")?
            .execute([m.id])?;
        conn.prepare_cached("UPDATE messages SET content = '', reasoning = '' WHERE id = ?1")?
            .execute([m.id])?;
        (content_at, reasoning_at) = (0, 0);
    }
    // Only the content is searched (as for whole messages), and only once it stopped
    // streaming: the same rule as the index of whole messages (schema 9).
    let indexed = m.status != MessageStatus::Streaming;
    push(conn, m.id, false, &m.content[content_at..], indexed)?;
    push(conn, m.id, true, &m.reasoning[reasoning_at..], false)
}

/// Adds `text` after the message's last piece of that kind: into it while it has room, then
/// in new pieces.
fn push(
    conn: &Connection,
    message: u64,
    reasoning: bool,
    text: &str,
    indexed: bool,
) -> rusqlite::Result<()> {
    if text.is_empty() {
        return Ok(());
    }
    let last: Option<(i64, usize)> = conn
        .prepare_cached(
            "SELECT id, bytes FROM message_pieces WHERE message_id = ?1 AND reasoning = ?2
             ORDER BY id DESC LIMIT 1",
        )?
        .query_row(params![message, reasoning], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let mut rest = text;
    if let Some((id, bytes)) = last
        && bytes < PIECE_BYTES
    {
        let room = cut(rest, PIECE_BYTES - bytes);
        if room > 0 {
            conn.prepare_cached(
                "UPDATE message_pieces SET text = text || ?1, bytes = bytes + ?2 WHERE id = ?3",
            )?
            .execute(params![&rest[..room], room, id])?;
            rest = &rest[room..];
        }
    }
    let mut insert = conn.prepare_cached(
        "INSERT INTO message_pieces (message_id, reasoning, indexed, bytes, text)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    while !rest.is_empty() {
        let mut end = cut(rest, PIECE_BYTES);
        if end == 0 {
            // Cannot happen (a piece holds at least one character); never loop forever.
            end = rest.len();
        }
        insert.execute(params![
            message,
            reasoning,
            indexed && !reasoning,
            end,
            &rest[..end]
        ])?;
        rest = &rest[end..];
    }
    Ok(())
}

/// How much of `text` goes into a piece with `room` bytes: all of it if it fits; else up to
/// the last line end in the second half of the room, or else the last whole character.
fn cut(text: &str, room: usize) -> usize {
    if text.len() <= room {
        return text.len();
    }
    let mut end = room;
    while end > 0 && !text.is_char_boundary(end) {
        end -= 1;
    }
    match text[..end].rfind('\n') {
        Some(at) if at + 1 >= room / 2 => at + 1,
        _ => end,
    }
}

/// Adds the stored pieces of conversation `id`'s messages to their records (as `Store::load`
/// read them: each row's own text).
pub fn fill(
    conn: &Connection,
    conversation: crate::ids::ConversationId,
    records: &mut [MessageRecord],
) -> rusqlite::Result<()> {
    let mut sizes = conn.prepare_cached(
        "SELECT message_id, reasoning, SUM(bytes) FROM message_pieces
         WHERE message_id IN (SELECT id FROM messages WHERE conversation_id = ?1)
         GROUP BY message_id, reasoning",
    )?;
    let mut rows = sizes.query([conversation])?;
    let mut any = false;
    while let Some(row) = rows.next()? {
        let id: u64 = row.get(0)?;
        let bytes: usize = row.get(2)?;
        if let Some(record) = records.iter_mut().find(|r| r.id == id) {
            // Read into one allocation: a 20 MB reply must not be copied while it grows.
            if row.get::<_, bool>(1)? {
                record.reasoning.reserve_exact(bytes);
            } else {
                record.content.reserve_exact(bytes);
            }
            any = true;
        }
    }
    if !any {
        return Ok(());
    }
    let mut texts = conn.prepare_cached(
        "SELECT message_id, reasoning, text FROM message_pieces
         WHERE message_id IN (SELECT id FROM messages WHERE conversation_id = ?1)
         ORDER BY message_id, reasoning, id",
    )?;
    let mut rows = texts.query([conversation])?;
    let mut at = 0;
    while let Some(row) = rows.next()? {
        let id: u64 = row.get(0)?;
        // Records are few and pieces come grouped by message (in the index's order, so
        // nothing is sorted): look from the last one found.
        if records.get(at).is_none_or(|r| r.id != id) {
            match records.iter().position(|r| r.id == id) {
                Some(found) => at = found,
                None => continue,
            }
        }
        let text = row.get_ref(2)?.as_str()?;
        if let Some(record) = records.get_mut(at) {
            if row.get::<_, bool>(1)? {
                record.reasoning.push_str(text);
            } else {
                record.content.push_str(text);
            }
        }
    }
    Ok(())
}

/// The whole content of message `id`: its row's and its pieces'.
pub fn full_content(conn: &Connection, id: u64) -> rusqlite::Result<String> {
    let mut content: String = conn
        .prepare_cached("SELECT content FROM messages WHERE id = ?1")?
        .query_row([id], |r| r.get(0))?;
    let mut stmt = conn.prepare_cached(
        "SELECT text FROM message_pieces WHERE message_id = ?1 AND reasoning = 0 ORDER BY id",
    )?;
    let mut rows = stmt.query([id])?;
    while let Some(row) = rows.next()? {
        content.push_str(row.get_ref(0)?.as_str()?);
    }
    Ok(content)
}
