//! Undoing what kimi-tui 0.1 wrote after Ctrl+N. Its Ctrl+N could reuse a saved
//! conversation whose messages were not read yet as the "new" chat, so the new chat's messages
//! were saved into that conversation, numbered again from position 0. Such a conversation
//! has two first messages (no parent, position 0, shown). Every message points at its parent,
//! so the chat that was meant to be new is exactly the later first message and what descends
//! from it: it is moved to a conversation of its own, and the older one reads as before.
//!
//! Runs once, inside the migration to schema 5, before the guard that refuses such writes.

use rusqlite::{OptionalExtension, Transaction, params};

/// Cells of the sidebar a repaired conversation's title may take (as a new chat's title).
const TITLE_CELLS: usize = 40;

/// Moves every later chat found inside another conversation to a conversation of its own.
/// Returns how many were moved.
pub fn split_merged_chats(tx: &Transaction<'_>) -> rusqlite::Result<usize> {
    // The first messages of every conversation with more than one, oldest first.
    let roots: Vec<(i64, i64)> = {
        let mut stmt = tx.prepare(
            "SELECT conversation_id, id FROM messages
             WHERE parent_id IS NULL AND superseded = 0 AND conversation_id IN (
                SELECT conversation_id FROM messages
                WHERE parent_id IS NULL AND superseded = 0
                GROUP BY conversation_id HAVING COUNT(*) > 1)
             ORDER BY conversation_id, created_at, id",
        )?;
        stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
            .collect::<Result<_, _>>()?
    };
    let mut moved = 0;
    let mut previous = None;
    for (conversation, root) in roots {
        // The oldest first message stays where it is.
        if previous.replace(conversation) != Some(conversation) {
            continue;
        }
        move_chat(tx, conversation, root)?;
        moved += 1;
    }
    Ok(moved)
}

/// Moves message `root` and everything under it from `conversation` to a new conversation.
fn move_chat(tx: &Transaction<'_>, conversation: i64, root: i64) -> rusqlite::Result<()> {
    // The root's id is free as a conversation id: one counter gave out both kinds of id.
    let taken = tx
        .query_row("SELECT 1 FROM conversations WHERE id = ?1", [root], |_| {
            Ok(())
        })
        .optional()?
        .is_some();
    let new_id = if taken {
        tx.query_row("SELECT MAX(id) + 1 FROM conversations", [], |row| {
            row.get(0)
        })?
    } else {
        root
    };
    let (content, created_at): (String, i64) = tx.query_row(
        "SELECT content, created_at FROM messages WHERE id = ?1",
        [root],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )?;
    let first = content.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let title = crate::text::plain::truncate(first.trim(), TITLE_CELLS);
    tx.execute(
        "CREATE TEMP TABLE IF NOT EXISTS moving (id INTEGER PRIMARY KEY)",
        [],
    )?;
    tx.execute("DELETE FROM moving", [])?;
    tx.execute(
        "INSERT INTO moving (id)
         WITH RECURSIVE chat(id) AS (
            SELECT ?1
            UNION SELECT m.id FROM messages m JOIN chat ON m.parent_id = chat.id
                WHERE m.conversation_id = ?2)
         SELECT id FROM chat",
        params![root, conversation],
    )?;
    let updated_at: i64 = tx.query_row(
        "SELECT MAX(updated_at) FROM messages WHERE id IN (SELECT id FROM moving)",
        [],
        |row| row.get(0),
    )?;
    // The system prompt the chat was sent with was none (the bug sent it without one).
    tx.execute(
        "INSERT INTO conversations (id, title, model, system_prompt, created_at, updated_at,
            thinking, effort)
         SELECT ?1, ?2, model, '', ?3, ?4, thinking, effort FROM conversations WHERE id = ?5",
        params![new_id, title, created_at, updated_at, conversation],
    )?;
    tx.execute(
        "UPDATE messages SET conversation_id = ?1 WHERE id IN (SELECT id FROM moving)",
        [new_id],
    )?;
    tx.execute("DROP TABLE moving", [])?;
    Ok(())
}
