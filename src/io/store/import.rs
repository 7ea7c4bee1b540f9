//! Adding imported conversations, all in one transaction: a file that fails halfway leaves
//! nothing behind. A message is known by its uid: one that is there already (the same) is
//! skipped, so importing a file twice adds nothing; one whose uid is taken by a different
//! message is a conflict, said and never written over, and what follows it is left out.

use std::collections::{BTreeSet, HashMap};

use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError};
use crate::ids::Millis;
use crate::io::store::records::{ImportReport, ImportedConversation, role_name, status_name};

impl Store {
    /// Adds `conversations`; `next_id` gives fresh ids (unique across windows, as the app's).
    pub fn import(
        &mut self,
        conversations: &[ImportedConversation],
        mut next_id: impl FnMut() -> u64,
        now: Millis,
    ) -> Result<ImportReport, StoreError> {
        let tx = self.conn.transaction()?;
        let mut report = ImportReport::default();
        for conv in conversations {
            let title = if conv.title.is_empty() {
                "Imported chat"
            } else {
                conv.title.as_str()
            };
            // Where its messages are already, if anywhere.
            let mut homes = BTreeSet::new();
            {
                let mut find =
                    tx.prepare_cached("SELECT conversation_id FROM messages WHERE uid = ?1")?;
                for m in &conv.messages {
                    if let Some(home) = find
                        .query_row([m.uid.to_string()], |r| r.get::<_, i64>(0))
                        .optional()?
                    {
                        homes.insert(home);
                    }
                }
            }
            if homes.len() > 1 {
                report.conflicts.push(format!(
                    "{title:?}: its messages are in {} conversations here; left out",
                    homes.len()
                ));
                continue;
            }
            let conversation = if let Some(&home) = homes.first() {
                report.conversations_merged += 1;
                home
            } else {
                let id = i64::try_from(next_id()).unwrap_or(i64::MAX);
                tx.prepare_cached(
                    "INSERT INTO conversations (id, title, model, system_prompt, created_at,
                        updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )?
                .execute(params![
                    id,
                    title,
                    conv.model,
                    conv.system_prompt,
                    conv.created_at.min(now),
                    conv.updated_at.min(now).max(conv.created_at.min(now)),
                ])?;
                report.conversations_added += 1;
                id
            };
            // Each message's local id and depth, by uid.
            let mut placed: HashMap<uuid::Uuid, (i64, u32)> = HashMap::new();
            for m in &conv.messages {
                let there: Option<(i64, u32, String)> = tx
                    .prepare_cached("SELECT id, seq, role FROM messages WHERE uid = ?1")?
                    .query_row([m.uid.to_string()], |r| {
                        Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                    })
                    .optional()?;
                if let Some((id, seq, role)) = there {
                    let same = role == role_name(m.role)
                        && super::pieces::full_content(&tx, u64::try_from(id).unwrap_or_default())?
                            == m.content;
                    if same {
                        report.messages_present += 1;
                        placed.insert(m.uid, (id, seq));
                    } else {
                        report.conflicts.push(format!(
                            "{title:?}: message {} differs from the one here with its id; the one here is kept, and what follows it in the file is left out",
                            m.uid
                        ));
                    }
                    continue;
                }
                let parent = match m.parent {
                    None => None,
                    Some(p) => match placed.get(&p) {
                        Some(&found) => Some(found),
                        // Its parent was a conflict: left out with it.
                        None => continue,
                    },
                };
                let id = i64::try_from(next_id()).unwrap_or(i64::MAX);
                let seq = parent.map_or(0, |(_, s)| s + 1);
                tx.prepare_cached(
                    "INSERT INTO messages (id, conversation_id, parent_id, seq, role, content,
                        reasoning, status, error, finish_reason, model, prompt_tokens,
                        completion_tokens, created_at, updated_at, chosen_at, uid, documents,
                        images)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14, ?15,
                        ?16, ?17, ?18)",
                )?
                .execute(params![
                    id,
                    conversation,
                    parent.map(|(p, _)| p),
                    seq,
                    role_name(m.role),
                    m.content,
                    m.reasoning,
                    status_name(m.status),
                    m.error,
                    m.finish_reason,
                    m.model,
                    m.usage.map(|u| u.prompt_tokens),
                    m.usage.map(|u| u.completion_tokens),
                    m.created_at,
                    m.chosen_at,
                    m.uid.to_string(),
                    m.documents,
                    super::images::to_column(&m.images),
                ])?;
                super::images::save(&tx, &m.images)?;
                if m.status != crate::io::store::records::MessageStatus::Streaming {
                    super::index_bigrams(&tx, u64::try_from(id).unwrap_or_default(), &m.content)?;
                }
                placed.insert(m.uid, (id, seq));
                report.messages_added += 1;
            }
        }
        tx.commit()?;
        Ok(report)
    }
}
