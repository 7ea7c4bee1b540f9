//! A conversation is a tree of messages: each message follows its parent, and the children of
//! one message are its versions (an edited question, a regenerated reply). The branch on
//! screen, `Conversation::messages`, is one path from the top; it follows, below any message,
//! the child chosen last (`Message::chosen_at`). The rest of the tree waits in `Tree`.
//!
//! Every walk here costs the depth of the tree or the size of what moves, never the number of
//! messages in the conversation.

use std::collections::HashMap;

use super::{Conversation, Message};
use crate::ids::Millis;

#[derive(Debug, Clone, Default)]
pub struct Tree {
    /// The messages not on the branch shown, by id.
    hidden: HashMap<u64, Message>,
    /// Each message's children, oldest first; under `None`, the first messages.
    children: HashMap<Option<u64>, Vec<u64>>,
}

/// Where a message stands among its versions: the `n`th of `of` (1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Versions {
    pub n: usize,
    pub of: usize,
}

impl Tree {
    /// Every message not on the branch shown.
    pub fn hidden(&self) -> impl Iterator<Item = &Message> {
        self.hidden.values()
    }

    pub fn hidden_count(&self) -> usize {
        self.hidden.len()
    }

    /// Message `id` among `shown` (the branch shown) and the hidden ones. Takes the branch
    /// apart from the conversation so the caller may change the conversation's other fields
    /// while holding the message.
    pub fn find_mut<'a>(
        &'a mut self,
        shown: &'a mut [Message],
        id: u64,
    ) -> Option<&'a mut Message> {
        if shown.last().is_some_and(|m| m.id == id) {
            return shown.last_mut();
        }
        if self.hidden.contains_key(&id) {
            return self.hidden.get_mut(&id);
        }
        shown.iter_mut().rev().find(|m| m.id == id)
    }

    /// The children of `parent` (`None`: the first messages), oldest first.
    pub fn children(&self, parent: Option<u64>) -> &[u64] {
        self.children.get(&parent).map_or(&[], Vec::as_slice)
    }
}

impl Conversation {
    /// Adds `message` at the end of the branch shown, as the child of its last message.
    pub fn push(&mut self, mut message: Message) {
        message.parent = self.messages.last().map(|m| m.id);
        message.depth = crate::num::u32_of(self.messages.len());
        let versions = self.tree.children.entry(message.parent).or_default();
        message.siblings = crate::num::u32_of(versions.len());
        versions.push(message.id);
        self.messages.push(message);
    }

    /// Fills the tree with `messages` (any order) and shows the branch chosen last.
    pub fn set_messages(&mut self, messages: Vec<Message>) {
        self.messages.clear();
        self.tree = Tree::default();
        let ids: std::collections::HashSet<u64> = messages.iter().map(|m| m.id).collect();
        for mut message in messages {
            // A message whose parent is missing (a damaged database) is shown from the top
            // rather than lost.
            if message.parent.is_some_and(|p| !ids.contains(&p)) {
                message.parent = None;
            }
            self.tree
                .children
                .entry(message.parent)
                .or_default()
                .push(message.id);
            self.tree.hidden.insert(message.id, message);
        }
        for list in self.tree.children.values_mut() {
            list.sort_unstable();
        }
        self.follow();
    }

    /// Adds up every reply's prompt and completion tokens, on every branch (they were all
    /// paid for).
    pub fn recount_tokens(&mut self) {
        self.total_tokens = self
            .all_messages()
            .filter_map(|m| m.usage)
            .map(|u| u.prompt_tokens + u.completion_tokens)
            .sum();
    }

    /// Every message of the tree: the branch shown, then the others.
    pub fn all_messages(&self) -> impl Iterator<Item = &Message> {
        self.messages.iter().chain(self.tree.hidden())
    }

    /// How many messages the whole tree holds.
    pub fn message_count(&self) -> usize {
        self.messages.len() + self.tree.hidden_count()
    }

    /// Message `id`, wherever it is in the tree.
    pub fn message(&self, id: u64) -> Option<&Message> {
        match self.messages.last() {
            Some(last) if last.id == id => Some(last),
            _ => self
                .tree
                .hidden
                .get(&id)
                .or_else(|| self.messages.iter().rev().find(|m| m.id == id)),
        }
    }

    /// Message `id`, wherever it is in the tree. The last message of the branch shown (where
    /// a reply usually streams) and the hidden ones are found at once.
    pub fn message_mut(&mut self, id: u64) -> Option<&mut Message> {
        self.tree.find_mut(&mut self.messages, id)
    }

    /// The branch from the top down to message `id` (included), whether it is shown or not.
    pub fn branch_to(&self, id: u64) -> Vec<&Message> {
        let mut up = Vec::new();
        let mut at = Some(id);
        while let Some(current) = at {
            if let Some(index) = self.messages.iter().rposition(|m| m.id == current) {
                // The rest of the way up is the branch shown.
                let mut branch: Vec<&Message> = self.messages[..=index].iter().collect();
                branch.extend(up.into_iter().rev());
                return branch;
            }
            let Some(message) = self.tree.hidden.get(&current) else {
                break;
            };
            up.push(message);
            at = message.parent;
        }
        up.reverse();
        up
    }

    /// Where message `index` of the branch shown stands among its versions, if it has others.
    pub fn versions(&self, index: usize) -> Option<Versions> {
        let message = self.messages.get(index)?;
        let list = self.tree.children(message.parent);
        let n = list.iter().position(|&id| id == message.id)? + 1;
        (list.len() > 1).then_some(Versions { n, of: list.len() })
    }

    /// The id of the version `step` away from message `index` of the branch shown (`-1`: the
    /// one before), if there is one.
    pub fn sibling(&self, index: usize, step: isize) -> Option<u64> {
        let message = self.messages.get(index)?;
        let list = self.tree.children(message.parent);
        let at = list.iter().position(|&id| id == message.id)?;
        let to = at.checked_add_signed(step)?;
        list.get(to).copied()
    }

    /// Puts message `index` of the branch shown and everything after it back in the tree.
    pub fn cut(&mut self, index: usize) {
        if index >= self.messages.len() {
            return;
        }
        for message in self.messages.drain(index..) {
            self.tree.hidden.insert(message.id, message);
        }
        if self.focus.is_some_and(|f| f >= index) {
            self.focus = None;
        }
    }

    /// Extends the branch shown downwards, below each message taking the child chosen last.
    fn follow(&mut self) {
        loop {
            let parent = self.messages.last().map(|m| m.id);
            let next = self
                .tree
                .children(parent)
                .iter()
                .filter_map(|id| self.tree.hidden.get(id))
                .max_by_key(|m| (m.chosen_at, m.id))
                .map(|m| m.id);
            let Some(next) = next.and_then(|id| self.tree.hidden.remove(&id)) else {
                return;
            };
            self.messages.push(next);
        }
    }

    /// Shows the branch through message `id`: every message above it that was not shown is
    /// chosen now, and below it the branch chosen last follows. Returns the ids of the
    /// messages chosen (to be saved), empty if `id` was shown already or is not here.
    pub fn show(&mut self, id: u64, now: Millis) -> Vec<u64> {
        // From `id` up to the first message that is on the branch shown (or the top).
        let mut chain = Vec::new();
        let mut at = Some(id);
        let mut joins = None;
        while let Some(current) = at {
            if let Some(index) = self.messages.iter().position(|m| m.id == current) {
                joins = Some(index);
                break;
            }
            let Some(message) = self.tree.hidden.get(&current) else {
                return Vec::new();
            };
            chain.push(current);
            at = message.parent;
        }
        if chain.is_empty() {
            return Vec::new();
        }
        self.cut(joins.map_or(0, |index| index + 1));
        let mut chosen = Vec::with_capacity(chain.len());
        for current in chain.into_iter().rev() {
            if let Some(mut message) = self.tree.hidden.remove(&current) {
                message.chosen_at = now;
                message.depth = crate::num::u32_of(self.messages.len());
                chosen.push(message.id);
                self.messages.push(message);
            }
        }
        self.follow();
        chosen
    }

    /// Removes message `id` and everything under it from the tree; the version beside it
    /// chosen last (if any) takes its place on screen. Returns how many messages went.
    pub fn remove_subtree(&mut self, id: u64) -> usize {
        let Some(parent) = self.message(id).map(|m| m.parent) else {
            return 0;
        };
        if let Some(index) = self.messages.iter().position(|m| m.id == id) {
            self.cut(index);
        }
        let mut removed = 0;
        let mut stack = vec![id];
        while let Some(current) = stack.pop() {
            if self.tree.hidden.remove(&current).is_some() {
                removed += 1;
            }
            if let Some(list) = self.tree.children.remove(&Some(current)) {
                stack.extend(list);
            }
        }
        if let Some(list) = self.tree.children.get_mut(&parent) {
            list.retain(|&child| child != id);
        }
        self.follow();
        removed
    }
}
