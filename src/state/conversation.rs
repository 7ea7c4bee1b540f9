//! A conversation: its messages, where its reply stream stands, where its view is, and what
//! it was set up with (model, system prompt, thinking).

use super::{Effort, Message};
use crate::ids::{ConversationId, Millis, StreamId};

/// Where a conversation's reply stands. One live stream per conversation at most.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamPhase {
    Idle,
    /// Request sent, nothing received yet.
    Waiting {
        stream: StreamId,
        since: Millis,
    },
    /// The body is arriving.
    Streaming {
        stream: StreamId,
        since: Millis,
    },
    /// The request failed in a way worth trying again; it is sent again at `at`.
    Retrying {
        stream: StreamId,
        since: Millis,
        at: Millis,
    },
}

impl StreamPhase {
    pub fn stream(&self) -> Option<StreamId> {
        match *self {
            StreamPhase::Idle => None,
            StreamPhase::Waiting { stream, .. }
            | StreamPhase::Streaming { stream, .. }
            | StreamPhase::Retrying { stream, .. } => Some(stream),
        }
    }

    pub fn is_live(&self) -> bool {
        self.stream().is_some()
    }
}

/// Where the scrollback's view is. Following shows the end and keeps up with new output;
/// anchored pins the top row of the view to a row of one item, so text streaming in below
/// never moves what the user is reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scroll {
    #[default]
    Follow,
    Anchored {
        item: usize,
        row: usize,
    },
}

/// Editing one of your messages in the input box (Enter sends the text as a new version of
/// it): which one, and what the input box held before (Esc, or leaving the conversation,
/// puts it back).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Editing {
    pub conversation: ConversationId,
    pub id: u64,
    pub before: String,
    /// The documents that were attached to the message being written before: Esc puts them
    /// back (the message edited brings its own).
    pub before_documents: Vec<PendingDocument>,
}

/// A document attached to the message being written: uploading (`document` is `None`,
/// `sent` of `bytes` went up so far) or extracted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingDocument {
    /// Names the upload in the reports about it.
    pub upload: u64,
    pub name: String,
    pub bytes: u64,
    pub sent: u64,
    pub document: Option<crate::api::Document>,
}

#[derive(Debug, Clone)]
pub struct Conversation {
    pub id: ConversationId,
    pub title: String,
    /// The branch of the tree shown, from the top (see `tree.rs`); what a request sends.
    pub messages: Vec<Message>,
    /// The rest of the tree: the versions not shown and what follows them.
    pub tree: super::Tree,
    /// The reply the live stream writes into (it stays its target when the branch shown
    /// changes).
    pub live_reply: Option<u64>,
    /// The message to show (its branch chosen) once the messages being read arrive: a
    /// search hit.
    pub reveal: Option<u64>,
    pub phase: StreamPhase,
    pub scroll: Scroll,
    /// The message outlined in the scrollback (moved with j/k), if any.
    pub focus: Option<usize>,
    /// A note from the app shown after the messages (e.g. how to set a key); not history.
    pub notice: Option<String>,
    /// The notice to show once the messages being read arrive (why they were read again).
    pub notice_after_load: Option<String>,
    /// What was in the input box when this conversation was left; it comes back when it is
    /// opened again (and after a restart). Empty while the conversation is open: the input
    /// box holds it then.
    pub draft: String,
    /// Documents attached to the message being written (`/attach`), uploading or ready; they
    /// go with the next message sent. Not saved: their files stay on the account.
    pub documents: Vec<PendingDocument>,
    /// Images attached to the message being written (`/image`); they go with it.
    pub images: Vec<crate::api::Image>,
    /// The system prompt this conversation was started with; saved with it.
    pub system_prompt: String,
    /// The model this conversation talks to (picked per conversation; saved with it).
    pub model: String,
    /// Thinking switched on or off by the user (models with a switch); `None`: the default.
    pub thinking: Option<bool>,
    /// Reasoning effort chosen by the user (models that take one); `None`: the default.
    pub effort: Option<Effort>,
    /// Kimi's `$web_search` tool is offered (`/web on`; saved with the conversation).
    pub web_search: bool,
    /// Oldest messages left out of the last request to fit the model's window.
    pub left_out: usize,
    /// Messages the user asked to leave out on top of that, after the API said the
    /// conversation is too long (the local estimate was too low).
    pub trim_extra: usize,
    /// Real tokens per locally estimated token, learnt from the tokenizer endpoint (or the
    /// last reply's usage); scales the local estimate used for trimming.
    pub token_scale: f64,
    /// The last request's prompt size as the tokenizer endpoint counted it.
    pub counted_tokens: Option<u64>,
    /// Every reply's prompt and completion tokens added up (kept, not summed per frame).
    pub total_tokens: u64,
    /// False while a saved conversation's messages are still being read.
    pub loaded: bool,
    /// Whether the store holds this conversation: it was read from the store, or the store
    /// was asked to save it. One that is not saved yet is written with its first message, and
    /// only such a conversation may be reused as a blank new chat.
    pub saved: bool,
    pub created_at: Millis,
    pub updated_at: Millis,
}

impl Conversation {
    pub fn new(id: ConversationId, system_prompt: String, model: String, at: Millis) -> Self {
        Conversation {
            id,
            title: String::new(),
            messages: Vec::new(),
            tree: super::Tree::default(),
            live_reply: None,
            reveal: None,
            system_prompt,
            model,
            thinking: None,
            effort: None,
            web_search: false,
            left_out: 0,
            trim_extra: 0,
            token_scale: 1.0,
            counted_tokens: None,
            total_tokens: 0,
            loaded: true,
            saved: false,
            phase: StreamPhase::Idle,
            scroll: Scroll::Follow,
            focus: None,
            notice: None,
            notice_after_load: None,
            draft: String::new(),
            documents: Vec::new(),
            images: Vec::new(),
            created_at: at,
            updated_at: at,
        }
    }

    /// A new chat of this run that nothing was typed into or saved yet: Ctrl+N reuses it
    /// instead of piling up empty ones. A saved conversation whose messages are not read yet
    /// also has no messages in memory, which is why `saved` and `loaded` are asked too.
    pub fn is_blank(&self) -> bool {
        !self.saved
            && self.loaded
            && self.messages.is_empty()
            && self.tree.hidden_count() == 0
            && !self.phase.is_live()
            && self.draft.is_empty()
            && self.documents.is_empty()
            && self.images.is_empty()
    }

    pub fn display_title(&self) -> &str {
        if self.title.is_empty() {
            "New chat"
        } else {
            &self.title
        }
    }
}
