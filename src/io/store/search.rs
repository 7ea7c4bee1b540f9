//! Full-text search: titles by LIKE, message text through the FTS5 trigram index, or for two
//! CJK characters the bigram index (other queries shorter than three characters are a scan),
//! newest first, stopping at the limit.

use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError};
use crate::ids::ConversationId;
use crate::io::store::records::SearchHit;

impl Store {
    /// Conversations whose title or any message contains `query` (case-insensitive for ASCII),
    /// most recently active first, at most `limit`.
    ///
    /// Matching messages are read newest first (message ids grow with time) and reading stops
    /// once `limit` conversations are found, so a common word costs no more than a rare one.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>, StoreError> {
        let query = query.trim();
        if query.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let like = format!(
            "%{}%",
            query
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        let mut found: Vec<ConversationId> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        {
            let mut titles = self.conn.prepare_cached(
                "SELECT id FROM conversations WHERE title LIKE ?1 ESCAPE '\\'
                 ORDER BY updated_at DESC, id DESC LIMIT ?2",
            )?;
            for id in titles.query_map(params![like, limit], |r| r.get::<_, ConversationId>(0))? {
                let id = id?;
                if seen.insert(id) {
                    found.push(id);
                }
            }
        }
        {
            // The trigram index answers queries of three or more characters; shorter ones
            // are a scan (still newest first, still stopping early).
            let indexed = query.chars().count() >= 3;
            // Two CJK characters: the bigram index.
            let pair = query.chars().count() == 2 && query.chars().all(is_cjk);
            // Long messages are in pieces (pieces.rs), searched after the whole ones.
            let sqls: &[&str] = if pair {
                &["SELECT (SELECT conversation_id FROM messages
                          WHERE id = messages_bigrams.rowid)
                   FROM messages_bigrams WHERE messages_bigrams MATCH ?1 ORDER BY rowid DESC"]
            } else if indexed {
                // Walks the index newest first; each hit's conversation is one lookup by key.
                &[
                    "SELECT (SELECT conversation_id FROM messages
                             WHERE id = messages_fts.rowid)
                     FROM messages_fts WHERE messages_fts MATCH ?1 ORDER BY rowid DESC",
                    "SELECT (SELECT conversation_id FROM messages WHERE id =
                             (SELECT message_id FROM message_pieces
                              WHERE id = message_pieces_fts.rowid))
                     FROM message_pieces_fts WHERE message_pieces_fts MATCH ?1
                     ORDER BY rowid DESC",
                ]
            } else {
                &[
                    "SELECT conversation_id FROM messages WHERE content LIKE ?2 ESCAPE '\\'
                     ORDER BY id DESC",
                    "SELECT m.conversation_id FROM message_pieces p
                     JOIN messages m ON m.id = p.message_id
                     WHERE p.reasoning = 0 AND p.text LIKE ?2 ESCAPE '\\' ORDER BY p.id DESC",
                ]
            };
            let phrase = format!("\"{}\"", query.replace('"', "\"\""));
            let mut new_from_messages = 0;
            'sqls: for sql in sqls {
                let mut stmt = self.conn.prepare_cached(sql)?;
                let mut rows = if indexed || pair {
                    stmt.query(params![phrase])?
                } else {
                    stmt.query(params![phrase, like])?
                };
                while let Some(row) = rows.next()? {
                    let Some(id) = row.get::<_, Option<ConversationId>>(0)? else {
                        continue;
                    };
                    if seen.insert(id) {
                        found.push(id);
                        new_from_messages += 1;
                        if new_from_messages >= limit {
                            break 'sqls;
                        }
                    }
                }
            }
        }
        let mut hits = Vec::with_capacity(found.len());
        let mut conv = self
            .conn
            .prepare_cached("SELECT title, updated_at FROM conversations WHERE id = ?1")?;
        let mut first = self.conn.prepare_cached(
            "SELECT seq, id, content FROM messages WHERE conversation_id = ?1
             AND content LIKE ?2 ESCAPE '\\' ORDER BY seq, id LIMIT 1",
        )?;
        let mut first_piece = self.conn.prepare_cached(
            "SELECT m.seq, m.id, p.text FROM message_pieces p
             JOIN messages m ON m.id = p.message_id
             WHERE m.conversation_id = ?1 AND p.reasoning = 0 AND p.text LIKE ?2 ESCAPE '\\'
             ORDER BY m.seq, m.id, p.id LIMIT 1",
        )?;
        for id in found {
            let Some((title, updated)) = conv
                .query_row([id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
                .optional()?
            else {
                continue;
            };
            let read = |r: &rusqlite::Row<'_>| {
                Ok((
                    (r.get::<_, u32>(0)?, r.get::<_, u64>(1)?),
                    r.get::<_, String>(2)?,
                ))
            };
            let whole = first.query_row(params![id, like], read).optional()?;
            let piece = first_piece.query_row(params![id, like], read).optional()?;
            // The earlier of the two in the conversation.
            let first_match = match (whole, piece) {
                (Some(w), Some(p)) => Some(if p.0 < w.0 { p } else { w }),
                (w, p) => w.or(p),
            }
            .map(|((_, id), text)| (id, text));
            hits.push((
                updated,
                SearchHit {
                    conversation_id: id,
                    title,
                    message: first_match.as_ref().map(|(id, _)| *id),
                    snippet: first_match
                        .map(|(_, text)| snippet(&text, query))
                        .unwrap_or_default(),
                },
            ));
        }
        hits.sort_by(|a, b| {
            b.0.cmp(&a.0)
                .then(b.1.conversation_id.cmp(&a.1.conversation_id))
        });
        hits.truncate(limit);
        Ok(hits.into_iter().map(|(_, hit)| hit).collect())
    }
}

/// A single line around the first (case-insensitive) occurrence of `query` in `text`.
pub fn snippet(text: &str, query: &str) -> String {
    let lower = text.to_lowercase();
    let at = if lower.len() == text.len() {
        lower.find(&query.to_lowercase()).unwrap_or(0)
    } else {
        text.find(query).unwrap_or(0)
    };
    let mut start = at.saturating_sub(24);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (at + query.len() + 80).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    let piece: String = text[start..end]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if start > 0 {
        format!("…{piece}")
    } else {
        piece
    }
}

/// Whether `c` is a CJK character the bigram index holds: ideographs, kana and Hangul
/// syllables (each a letter to FTS5's unicode61 tokenizer, so a pair of them is one word).
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{4E00}'..='\u{9FFF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2FA1F}'
        | '\u{3041}'..='\u{3096}'
        | '\u{30A1}'..='\u{30FA}'
        | '\u{AC00}'..='\u{D7A3}')
}

/// Every pair of neighbouring CJK characters in `text`, each once, separated by spaces:
/// what the bigram index holds for a message.
pub fn cjk_bigrams(text: &str) -> String {
    let mut pairs = Bigrams::default();
    pairs.feed(text);
    pairs.finish()
}

/// The pairs of a text read in pieces (a pair may span two pieces).
#[derive(Default)]
pub struct Bigrams {
    seen: std::collections::HashSet<(char, char)>,
    out: String,
    previous: Option<char>,
}

impl Bigrams {
    pub fn feed(&mut self, text: &str) {
        for c in text.chars() {
            let cjk = is_cjk(c);
            if let Some(p) = self.previous
                && cjk
                && self.seen.insert((p, c))
            {
                self.out.push(p);
                self.out.push(c);
                self.out.push(' ');
            }
            self.previous = cjk.then_some(c);
        }
    }

    pub fn finish(mut self) -> String {
        self.out.pop();
        self.out
    }
}
