//! AppState: everything the UI shows and the reducer changes. The conversations are one
//! `Conversations` value (a map by id, the sidebar order, the open one, the live streams), so
//! a stream result finds its conversation in O(1) however many there are. No IO here.

use tui_textarea::TextArea;

use crate::api::SamplingOptions;
use crate::ids::{ConversationId, Millis};
use crate::msg::Focus;

pub mod composer;
mod conversation;
mod conversations;
pub mod cursor;
mod message;
pub mod saved;
mod tree;

pub use conversation::{Conversation, Editing, PendingDocument, Scroll, StreamPhase};
pub use conversations::{Conversations, Removed};
pub use message::{Message, MessageId, ToolRound};
pub use tree::{Tree, Versions};

/// What the session was started with (resolved from flags, env and the config file).
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub model: String,
    /// Shown in the status bar: the host of the base URL.
    pub endpoint: String,
    pub system_prompt: String,
    pub has_key: bool,
    pub sampling: SamplingOptions,
    /// How many times a failed request is sent again (overload, rate limit, 5xx, network).
    pub max_retries: u32,
    /// Whether to send Kimi-only fields (thinking, reasoning_effort, a default
    /// max_completion_tokens); off for other OpenAI-compatible endpoints.
    pub kimi_fields: bool,
    /// The provider profile in use, and the ones there are to switch to.
    pub profile: String,
    pub profiles: Vec<ProfileChoice>,
}

/// A profile as the UI offers it (never with its key).
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileChoice {
    pub name: String,
    /// The host of its base URL.
    pub endpoint: String,
    pub model: String,
    pub has_key: bool,
    pub kimi_fields: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlay {
    Help,
    /// The command palette (its query and selection are in `AppState::palette`).
    Palette,
    /// A message's attachments as text (`AppState::pager`), scrolled by lines.
    Pager,
    /// The files on the account (`/files`; the list is in `AppState::files`), with the
    /// highlighted row.
    Files {
        selected: usize,
    },
    /// The model picker, with the highlighted row.
    Models {
        selected: usize,
        /// The reply to ask for again with the model picked (opened from the scrollback).
        regenerate: Option<u64>,
    },
}

/// A message's attachments shown whole over the screen, a page each: its documents'
/// extracted text (one page, when it has documents), then each of its images.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pager {
    pub title: String,
    pub text: String,
    /// The first line shown.
    pub scroll: usize,
    /// How many lines the text has (counted once).
    pub lines: usize,
    /// The message's images, a page each after the text.
    pub images: Vec<crate::api::Image>,
    /// The page shown.
    pub page: usize,
    /// The picture asked for the image shown, for the box it was asked for.
    pub picture: Option<PagerPicture>,
}

impl Pager {
    /// Pages before the first image: one when there is text.
    pub fn text_pages(&self) -> usize {
        usize::from(!self.text.is_empty())
    }

    pub fn pages(&self) -> usize {
        self.text_pages() + self.images.len()
    }

    /// The image on the page shown, if it is an image's page.
    pub fn image(&self) -> Option<&crate::api::Image> {
        self.page
            .checked_sub(self.text_pages())
            .and_then(|i| self.images.get(i))
    }
}

/// An image drawn for the terminal (`io::graphics::draw`, off the loop's thread), for one
/// box of cells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PagerPicture {
    /// The image's hash.
    pub hash: String,
    /// The box it is drawn for (columns, rows).
    pub cells: (u16, u16),
    /// `None` while it is drawn; then the picture, or why it cannot be shown.
    pub drawn: Option<Result<crate::io::graphics::Picture, String>>,
}

/// kimi-k3's reasoning effort.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effort {
    Low,
    High,
    Max,
}

impl Effort {
    pub fn as_str(self) -> &'static str {
        match self {
            Effort::Low => "low",
            Effort::High => "high",
            Effort::Max => "max",
        }
    }

    pub fn parse(text: &str) -> Option<Effort> {
        match text {
            "low" => Some(Effort::Low),
            "high" => Some(Effort::High),
            "max" => Some(Effort::Max),
            _ => None,
        }
    }
}

/// What the sidebar is doing besides listing.
#[derive(Debug, Clone, PartialEq)]
pub enum SidebarMode {
    List,
    Rename {
        id: ConversationId,
        text: String,
    },
    ConfirmDelete {
        id: ConversationId,
    },
    Search {
        query: String,
        /// Tags the newest search so older results are dropped.
        request: u64,
        hits: Vec<crate::io::store::records::SearchHit>,
        selected: usize,
    },
}

/// The command palette's query, highlighted row, and the actions run from it lately.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Palette {
    /// Listing the prompts sent before instead of commands.
    pub history: bool,
    pub query: String,
    pub selected: usize,
    /// Action names, most recently run first: they come first in the list.
    pub recent: Vec<&'static str>,
}

/// A walk through the input history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryWalk {
    /// The entry of `AppState::history` shown.
    pub index: usize,
    /// What the input box held before the walk began; it comes back past the newest entry.
    pub draft: String,
}

/// How many earlier prompts the input history keeps.
pub const HISTORY_KEPT: usize = 1000;

/// Entering the API key (at the first start, or F5): the key typed (shown masked), the
/// profile it is for, and where the check stands.
#[derive(Clone, PartialEq)]
pub struct Welcome {
    pub field: String,
    pub profile: String,
    pub phase: WelcomePhase,
}

impl std::fmt::Debug for Welcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Welcome")
            .field(
                "field",
                &format_args!("<{} chars>", self.field.chars().count()),
            )
            .field("profile", &self.profile)
            .field("phase", &self.phase)
            .finish()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum WelcomePhase {
    Typing,
    /// `GET /models` with the key is on its way.
    Checking,
    /// The API refused the key; it may be one of the other region's (`other` is that
    /// profile, `endpoint` its host). Enter tries there.
    WrongRegion {
        other: String,
        endpoint: String,
    },
    /// The check failed for another reason; Enter tries again.
    Failed(String),
    /// The key works but could not be stored: why (it works for this session).
    NotStored(String),
}

/// A question in a dialog box over everything.
#[derive(Debug, Clone, PartialEq)]
pub enum Dialog {
    /// The API key: where to get one, and a masked field to paste it.
    Welcome(Welcome),
    /// Where to export the open conversation (a path without extension; .md and .json are
    /// written).
    ExportPath { id: ConversationId, text: String },
    /// Viewing and editing a conversation's system prompt (the text is in
    /// `AppState::prompt_editor`).
    SystemPrompt { id: ConversationId },
    /// Saving fails: quit anyway?
    ConfirmQuit,
    /// Delete message `id` and the `below` messages under it (on every branch)?
    DeleteMessage {
        conversation: ConversationId,
        id: u64,
        below: usize,
    },
    /// The paste `pasted` is files dropped on the terminal: attach them (Enter), or keep the
    /// text (Esc).
    AttachDropped {
        pasted: String,
        files: Vec<(String, bool)>,
    },
    /// The conversation's model does not read images: switch to `instead` (if one is known
    /// to), send without them, or go back.
    ImagesNeedModel {
        model: String,
        instead: Option<String>,
    },
    /// Delete these files from the account? `what` names them for the question.
    DeleteFiles { ids: Vec<String>, what: String },
    /// Files exist at the export path: overwrite them?
    ConfirmOverwrite {
        id: ConversationId,
        stem: String,
        existing: Vec<String>,
    },
}

#[derive(Debug, Clone)]
pub struct AppState {
    pub settings: Settings,
    /// The conversations, their order, the open one, the highlighted row and the live streams.
    pub conversations: Conversations,
    pub sidebar_visible: bool,
    /// Every style the views use.
    pub theme: crate::theme::Theme,
    /// The transcript pane's and the sidebar list's cells from the last frame (see
    /// `text::cells`).
    pub transcript_cells: crate::text::cells::CellCache,
    pub sidebar_cells: crate::text::cells::CellCache,
    pub focus: Focus,
    pub input: TextArea<'static>,
    pub overlay: Option<Overlay>,
    /// How far the help overlay is scrolled.
    pub help_scroll: u16,
    pub sidebar_mode: SidebarMode,
    pub dialog: Option<Dialog>,
    /// Why saving fails right now, if it does (the data stays in memory and is retried).
    pub store_error: Option<String>,
    /// A one-line message for the status bar (export done, copy failed, ...).
    pub flash: Option<String>,
    /// Models as GET /v1/models listed them (empty until it answers, or if it cannot).
    pub models: Vec<crate::catalog::ModelInfo>,
    /// The account's balance, once asked for.
    pub balance: Option<String>,
    /// The editor of the system prompt dialog.
    pub prompt_editor: TextArea<'static>,
    /// Where the database lives, for the help overlay.
    pub data_path: String,
    pub width: u16,
    pub height: u16,
    pub now: Millis,
    pub quitting: bool,
    /// The key bindings in force.
    pub keys: std::sync::Arc<crate::bindings::KeyTable>,
    /// Long pastes shown folded in the input box: each chip's text there, and what it stands
    /// for (sent in its place).
    pub pastes: Vec<(String, String)>,
    /// The command palette (shown while `overlay` is `Palette`).
    pub palette: Palette,
    /// What the pager shows (while `overlay` is `Pager`).
    pub pager: Pager,
    /// What `/files` listed: `None` while it is asked for.
    pub files: Option<Result<Vec<crate::api::FileInfo>, String>>,
    /// The ids of the files kimi-tui uploaded (from the messages they went with).
    pub our_files: std::collections::HashSet<String>,
    /// Prompts sent before, newest first, across every conversation (Up in the input box).
    pub history: Vec<String>,
    /// Where Up and Down have walked to in `history`, and what was being typed before.
    pub history_walk: Option<HistoryWalk>,
    /// The keys of a multi-key chord pressed so far.
    pub pending_keys: Vec<crate::chord::KeyPress>,
    /// Counts profile switches. Side-endpoint answers (models, balance, token counts) carry
    /// the epoch they were asked in; older ones are dropped.
    pub epoch: u64,
    /// One of your messages being edited in the input box, if so.
    pub editing: Option<Editing>,
    /// The themes the palette offers (fitted to the terminal's colours).
    pub themes: Vec<crate::theme::Theme>,
    /// How this terminal shows pictures (asked as the app started); `None`: they are named,
    /// not drawn.
    pub pictures: Option<crate::io::graphics::Graphics>,
    ids: crate::ids::IdSource,
}

impl AppState {
    /// A state whose ids come from seed 0 (tests; the runtime uses `with_seed`).
    pub fn new(settings: Settings, now: Millis) -> Self {
        AppState::with_seed(settings, now, 0)
    }

    /// `seed` makes this window's ids differ from every other window's (see `IdSource`).
    pub fn with_seed(settings: Settings, now: Millis, seed: u64) -> Self {
        let mut ids = crate::ids::IdSource::new(seed);
        let first = ConversationId(ids.next(now));
        let conversations = Conversations::new(Conversation::new(
            first,
            settings.system_prompt.clone(),
            settings.model.clone(),
            now,
        ));
        let theme = crate::theme::Theme::dark();
        AppState {
            settings,
            conversations,
            sidebar_visible: true,
            focus: Focus::Input,
            input: crate::state::composer::new_textarea(&theme),
            theme,
            transcript_cells: crate::text::cells::CellCache::default(),
            sidebar_cells: crate::text::cells::CellCache::default(),
            overlay: None,
            help_scroll: 0,
            sidebar_mode: SidebarMode::List,
            dialog: None,
            store_error: None,
            flash: None,
            models: Vec::new(),
            balance: None,
            prompt_editor: TextArea::default(),
            data_path: String::new(),
            width: 80,
            height: 24,
            now,
            quitting: false,
            keys: std::sync::Arc::new(crate::bindings::KeyTable::default()),
            pending_keys: Vec::new(),
            palette: Palette::default(),
            pager: Pager::default(),
            files: None,
            our_files: std::collections::HashSet::new(),
            pastes: Vec::new(),
            history: Vec::new(),
            history_walk: None,
            epoch: 0,
            editing: None,
            themes: Vec::new(),
            pictures: None,
            ids,
        }
    }

    /// Replaces the fresh conversation with the saved ones. `open` is the conversation to
    /// show (already loaded, with its messages); `None` keeps a fresh empty one on top.
    pub fn restore(&mut self, saved: Vec<Conversation>, open: Option<ConversationId>) {
        match open.filter(|id| saved.iter().any(|c| c.id == *id)) {
            Some(open) => {
                let mut saved = saved.into_iter();
                if let Some(first) = saved.next() {
                    let mut all = Conversations::new(first);
                    saved.for_each(|conv| all.push(conv));
                    all.open(open);
                    self.conversations = all;
                }
            }
            None => saved
                .into_iter()
                .for_each(|conv| self.conversations.push(conv)),
        }
        self.conversations.select_active();
        self.take_draft();
    }

    /// An empty conversation with the session's model and system prompt and a fresh id (not
    /// yet among the conversations).
    pub fn fresh_conversation(&mut self, now: Millis) -> Conversation {
        let id = ConversationId(self.next_id());
        Conversation::new(
            id,
            self.settings.system_prompt.clone(),
            self.settings.model.clone(),
            now,
        )
    }

    /// A fresh id for a conversation, a message, a stream or a request: never reused, and
    /// unique across windows (see `IdSource`).
    pub fn next_id(&mut self) -> u64 {
        self.ids.next(self.now)
    }

    /// Draws everything with `theme` from the next frame on (cached rows notice by its id).
    pub fn set_theme(&mut self, theme: crate::theme::Theme) {
        self.input.set_placeholder_style(theme.placeholder);
        self.theme = theme;
    }

    /// A fresh id for a message, with its name across databases.
    pub fn next_message_id(&mut self) -> MessageId {
        let id = self.ids.next(self.now);
        MessageId {
            id,
            uid: self.ids.uid(id, self.now),
        }
    }

    /// Opens conversation `id`, keeping what is in the input box as the draft of the one left
    /// and putting `id`'s draft in the input box. Returns the one left if it now holds a draft
    /// that must be saved (so a restart brings it back).
    pub fn switch_to(&mut self, id: ConversationId) -> Option<ConversationId> {
        let left = self.conversations.active_id();
        if left == id || !self.conversations.contains(id) {
            return None;
        }
        // Leaving a conversation ends an edit in it: what was there before comes back.
        let (typed, documents) = match self.editing.take() {
            Some(editing) => (editing.before, Some(editing.before_documents)),
            None => (self.message_text(), None),
        };
        self.pastes.clear();
        let mut to_save = None;
        if let Some(conv) = self.conversations.get_mut(left) {
            if let Some(documents) = documents {
                conv.documents = documents;
            }
            if conv.draft != typed {
                conv.draft = typed;
                to_save = Some(left);
            }
        }
        self.conversations.open(id);
        self.take_draft();
        to_save
    }

    /// Moves the open conversation's draft into the input box.
    pub fn take_draft(&mut self) {
        let draft = std::mem::take(&mut self.conversations.active_mut().draft);
        self.input = crate::state::composer::new_textarea(&self.theme);
        self.put_text(&draft);
        self.history_walk = None;
    }

    pub fn active_conversation(&self) -> &Conversation {
        self.conversations.active()
    }

    pub fn active_conversation_mut(&mut self) -> &mut Conversation {
        self.conversations.active_mut()
    }

    /// Whether anything moves on screen by itself (a spinner, a thinking timer).
    pub fn is_animating(&self) -> bool {
        self.conversations.live_count() > 0
    }

    /// While replies on screen are being laid out over several frames: how far they got (a
    /// sum of bytes). The loop draws again while this changes, and stops when it does not (a
    /// reply scrolled out of view waits until it is seen again).
    pub fn layout_progress(&self) -> Option<usize> {
        self.active_conversation()
            .messages
            .iter()
            .filter_map(|m| m.layout.advanced())
            .reduce(usize::saturating_add)
    }

    pub fn input_text(&self) -> String {
        self.input.lines().join("\n")
    }

    /// The input box's text as it will be sent: each folded paste's chip replaced by the text
    /// it stands for.
    pub fn message_text(&self) -> String {
        let mut text = self.input_text();
        for (chip, pasted) in &self.pastes {
            text = text.replacen(chip.as_str(), pasted, 1);
        }
        text
    }
}
