//! The conversations of a session: each by id, their sidebar order, the open one, the
//! highlighted sidebar row, and which live stream writes into which conversation. The fields
//! are private so these stay consistent: the open conversation always exists, the order
//! lists each conversation once, and a stream is live exactly while its conversation's phase
//! names it (`start_stream` and `end_stream` change both).

use std::collections::{BTreeMap, HashMap};

use super::conversation::{Conversation, StreamPhase};
use crate::ids::{ConversationId, Millis, StreamId};

#[derive(Debug, Clone)]
pub struct Conversations {
    map: HashMap<ConversationId, Conversation>,
    /// Sidebar order: most recently active first.
    order: Vec<ConversationId>,
    active: ConversationId,
    /// The highlighted sidebar row.
    selected: usize,
    /// Which live stream feeds which conversation. Ordered, so effects made by walking it come
    /// out the same from run to run.
    live: BTreeMap<StreamId, ConversationId>,
}

impl Conversations {
    /// A session holding `first`, open.
    pub fn new(first: Conversation) -> Self {
        let id = first.id;
        Conversations {
            map: HashMap::from([(id, first)]),
            order: vec![id],
            active: id,
            selected: 0,
            live: BTreeMap::new(),
        }
    }

    pub fn get(&self, id: ConversationId) -> Option<&Conversation> {
        self.map.get(&id)
    }

    pub fn get_mut(&mut self, id: ConversationId) -> Option<&mut Conversation> {
        self.map.get_mut(&id)
    }

    pub fn contains(&self, id: ConversationId) -> bool {
        self.map.contains_key(&id)
    }

    pub fn active_id(&self) -> ConversationId {
        self.active
    }

    pub fn active(&self) -> &Conversation {
        // `active` always names a conversation: every way to remove one picks another.
        &self.map[&self.active]
    }

    pub fn active_mut(&mut self) -> &mut Conversation {
        self.map
            .get_mut(&self.active)
            .expect("the active conversation exists")
    }

    /// The ids in sidebar order.
    pub fn order(&self) -> &[ConversationId] {
        &self.order
    }

    /// The conversations in sidebar order.
    pub fn iter(&self) -> impl Iterator<Item = &Conversation> {
        self.order.iter().filter_map(|id| self.map.get(id))
    }

    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut Conversation> {
        self.map.values_mut()
    }

    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// The sidebar row of `id`.
    pub fn row_of(&self, id: ConversationId) -> Option<usize> {
        self.order.iter().position(|&c| c == id)
    }

    /// The sidebar row of the open conversation.
    pub fn active_row(&self) -> usize {
        self.row_of(self.active).unwrap_or(0)
    }

    /// The highlighted sidebar row.
    pub fn selected(&self) -> usize {
        self.selected
    }

    /// The conversation on the highlighted row.
    pub fn selected_id(&self) -> Option<ConversationId> {
        self.order.get(self.selected).copied()
    }

    /// Highlights `row` (clamped to the list).
    pub fn select(&mut self, row: usize) {
        self.selected = row.min(self.order.len().saturating_sub(1));
    }

    /// Highlights the open conversation's row.
    pub fn select_active(&mut self) {
        self.selected = self.active_row();
    }

    /// Adds `conv` at the end of the order (a saved conversation read at start); an id that
    /// is already here is left alone.
    pub fn push(&mut self, conv: Conversation) {
        if self.map.contains_key(&conv.id) {
            return;
        }
        self.order.push(conv.id);
        self.map.insert(conv.id, conv);
    }

    /// Adds `conv` on top of the order (or moves it there if it is here), without opening it.
    pub fn push_top(&mut self, conv: Conversation) {
        let id = conv.id;
        self.map.insert(id, conv);
        self.order.retain(|&c| c != id);
        self.order.insert(0, id);
    }

    /// Opens `id` if it exists; says whether it did.
    pub fn open(&mut self, id: ConversationId) -> bool {
        if !self.map.contains_key(&id) {
            return false;
        }
        self.active = id;
        true
    }

    /// Moves `id` to the top of the order; the open conversation keeps its row highlighted.
    pub fn move_to_top(&mut self, id: ConversationId) {
        if let Some(pos) = self.row_of(id) {
            self.order.remove(pos);
            self.order.insert(0, id);
            if self.active == id {
                self.selected = 0;
            }
        }
    }

    /// Removes `id`, with its live stream (returned, to be cancelled) and its sidebar row
    /// (returned, to put the selection near it). If it was open, the conversation now on its
    /// row opens, or `fresh()` when none is left.
    pub fn remove(
        &mut self,
        id: ConversationId,
        fresh: impl FnOnce() -> Conversation,
    ) -> Option<Removed> {
        let conv = self.map.remove(&id)?;
        let stream = conv.phase.stream();
        if let Some(stream) = stream {
            self.live.remove(&stream);
        }
        let row = self.row_of(id).unwrap_or(0);
        self.order.retain(|&c| c != id);
        let mut opened = None;
        if self.active == id {
            match self.order.get(row.min(self.order.len().saturating_sub(1))) {
                Some(&next) => {
                    self.active = next;
                    opened = Some(next);
                }
                None => {
                    let conv = fresh();
                    let fresh_id = conv.id;
                    self.map.insert(fresh_id, conv);
                    self.order.push(fresh_id);
                    self.active = fresh_id;
                }
            }
        }
        self.select(row);
        Some(Removed {
            conversation: conv,
            stream,
            opened,
        })
    }

    /// Stream `stream` now writes into `id` (a request was sent, or sent again): its phase is
    /// waiting since `since`, and a stream it had before is no longer live.
    pub fn start_stream(&mut self, id: ConversationId, stream: StreamId, since: Millis) {
        let Some(conv) = self.map.get_mut(&id) else {
            return;
        };
        if let Some(old) = conv.phase.stream() {
            self.live.remove(&old);
        }
        conv.phase = StreamPhase::Waiting { stream, since };
        self.live.insert(stream, id);
    }

    /// Stream `stream` is over: no longer live, and its conversation, if the stream was still
    /// its own, is idle. Returns the conversation it wrote into.
    pub fn end_stream(&mut self, stream: StreamId) -> Option<ConversationId> {
        let id = self.live.remove(&stream)?;
        if let Some(conv) = self.map.get_mut(&id)
            && conv.phase.stream() == Some(stream)
        {
            conv.phase = StreamPhase::Idle;
        }
        Some(id)
    }

    /// The conversation `stream` writes into, if it is live and still that conversation's
    /// own (a stale stream's events are dropped).
    pub fn owner(&self, stream: StreamId) -> Option<ConversationId> {
        let id = *self.live.get(&stream)?;
        let conv = self.map.get(&id)?;
        (conv.phase.stream() == Some(stream)).then_some(id)
    }

    /// The live streams and their conversations, by stream id.
    pub fn streams(&self) -> impl Iterator<Item = (StreamId, ConversationId)> + '_ {
        self.live.iter().map(|(&s, &c)| (s, c))
    }

    /// How many replies are live.
    pub fn live_count(&self) -> usize {
        self.live.len()
    }
}

/// What `Conversations::remove` took out.
#[derive(Debug)]
pub struct Removed {
    pub conversation: Conversation,
    /// Its live stream, to cancel.
    pub stream: Option<StreamId>,
    /// The conversation opened in its place, if it was open (to read its messages).
    pub opened: Option<ConversationId>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conv(id: u64) -> Conversation {
        Conversation::new(ConversationId(id), String::new(), "m".into(), 0)
    }

    #[test]
    fn a_stream_is_live_exactly_while_its_conversation_names_it() {
        let mut all = Conversations::new(conv(1));
        all.push(conv(2));
        all.start_stream(ConversationId(2), StreamId(7), 5);
        assert_eq!(all.owner(StreamId(7)), Some(ConversationId(2)));
        // Sending again replaces the stream: the old one is stale at once.
        all.start_stream(ConversationId(2), StreamId(8), 6);
        assert_eq!(all.owner(StreamId(7)), None);
        assert_eq!(all.live_count(), 1);
        assert_eq!(all.end_stream(StreamId(8)), Some(ConversationId(2)));
        assert_eq!(
            all.get(ConversationId(2)).map(|c| c.phase),
            Some(StreamPhase::Idle)
        );
        assert_eq!(all.live_count(), 0);
    }

    #[test]
    fn removing_the_open_conversation_opens_the_one_on_its_row_or_a_fresh_one() {
        let mut all = Conversations::new(conv(1));
        all.push(conv(2));
        all.push(conv(3));
        all.open(ConversationId(2));
        all.start_stream(ConversationId(2), StreamId(9), 0);
        let removed = all
            .remove(ConversationId(2), || conv(99))
            .expect("it was there");
        assert_eq!(removed.stream, Some(StreamId(9)));
        assert_eq!(removed.opened, Some(ConversationId(3)));
        assert_eq!(all.order(), &[ConversationId(1), ConversationId(3)]);
        assert_eq!(all.live_count(), 0);
        all.remove(ConversationId(1), || conv(98));
        all.remove(ConversationId(3), || conv(99));
        assert_eq!(all.order(), &[ConversationId(99)]);
        assert_eq!(all.active_id(), ConversationId(99));
    }

    #[test]
    fn move_to_top_keeps_the_open_conversation_highlighted() {
        let mut all = Conversations::new(conv(1));
        all.push(conv(2));
        all.open(ConversationId(2));
        all.select_active();
        all.move_to_top(ConversationId(2));
        assert_eq!(all.order(), &[ConversationId(2), ConversationId(1)]);
        assert_eq!(all.selected(), 0);
    }
}
