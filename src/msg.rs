//! Msg: everything that can happen to the app. Intents come from the keymap (imperative
//! names); results come from effects the runtime ran, tagged with the id they belong to so
//! the reducer can drop stale ones.

use crossterm::event::KeyEvent;

use crate::api::Usage;
use crate::error::ApiError;
use crate::persist::{MessageRecord, SearchHit};

/// Wall-clock time in milliseconds since the UNIX epoch. The runtime reads the clock and hands
/// the time to the reducer, which never reads it itself.
pub type Millis = u64;

/// Tags one request's stream. A fresh id for every request, never reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StreamId(pub u64);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConversationId(pub u64);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Sidebar,
    Scrollback,
    Input,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScrollCmd {
    Up(usize),
    Down(usize),
    PageUp,
    PageDown,
    Top,
    Bottom,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Up,
    Down,
    First,
    Last,
}

/// What one SSE event means for a reply (mapped by `io::sse`).
#[derive(Debug, Clone, PartialEq)]
pub enum StreamEvent {
    /// The server accepted the request and the body started.
    Opened,
    Reasoning(String),
    Content(String),
    Usage(Usage),
    Finish(String),
    /// The server asked to wait this many seconds before trying again (`Retry-After`).
    RetryAfter(u64),
    /// `data: [DONE]`: the reply is complete.
    Done,
    /// The reply ended with an error; nothing follows.
    Failed(ApiError),
    /// An event that was not valid JSON. It is skipped and counted, never fatal.
    Malformed(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    // Input box
    Submit,
    InsertNewline,
    InputKey(KeyEvent),
    Paste(String),
    // Streams
    Stop,
    /// Ctrl+C: stop the active reply if one streams, else quit.
    Interrupt,
    Quit,
    // Navigation
    NewConversation,
    ToggleSidebar,
    FocusNext,
    FocusPrev,
    SetFocus(Focus),
    SelectConversation(Step),
    OpenSelectedConversation,
    Scroll(ScrollCmd),
    ToggleHelp,
    CloseOverlay,
    Resize {
        width: u16,
        height: u16,
    },
    /// Time passes while something animates (a reply is live).
    Tick,
    // Sidebar management
    StartRename,
    StartDelete,
    /// y or n to a delete question.
    ConfirmDelete(bool),
    StartSearch,
    /// Edits the field being typed in (rename, search, export path).
    EditField(FieldEdit),
    /// Enter in a field.
    SubmitField,
    /// Esc in a field or dialog.
    CancelField,
    StartExport,
    /// y or n to an overwrite question.
    ConfirmOverwrite(bool),
    // Messages in the scrollback
    /// Moves the outline between messages (and the view to it).
    FocusMessage(Step),
    /// Folds or unfolds the focused message's reasoning.
    ToggleReasoning,
    /// Copies the focused message (or the last reply).
    CopyMessage,
    /// Copies code block N (from 1) of the focused message, or of the last reply.
    CopyCodeBlock(usize),
    CopyLastReply,
    /// Continues the last reply where it was cut off.
    ContinueReply,
    /// Asks the last question again; the old reply is kept as a branch.
    Regenerate,
    /// The loop has started (asks for the model list).
    Started,
    /// Opens the model picker (and asks for a fresh list and the balance).
    OpenModelPicker,
    /// Moves the picker's highlight.
    MovePicker(Step),
    /// Enter in the picker: the conversation uses the highlighted model.
    PickModel,
    /// Thinking on/off, or the next reasoning effort, for this conversation's model.
    ToggleThinking,
    /// Opens this conversation's system prompt to view and edit.
    EditSystemPrompt,
    /// A key for the system prompt editor.
    PromptKey(KeyEvent),
    /// A new line in the system prompt editor.
    PromptNewline,
    ModelsListed(Result<Vec<crate::models::ModelInfo>, String>),
    /// The tokenizer endpoint's count of a request's prompt (`None`: it could not be asked).
    TokensCounted {
        id: ConversationId,
        local: u64,
        counted: Option<u64>,
    },
    BalanceFetched(Result<String, String>),
    /// The client for another profile could not be built; profile `kept` stays in use.
    ProfileFailed {
        error: String,
        kept: String,
    },
    /// A search could not run (the database is unavailable or failed).
    SearchFailed {
        request: u64,
        error: String,
    },
    // Results
    Stream {
        stream: StreamId,
        event: StreamEvent,
    },
    ConversationLoaded {
        id: ConversationId,
        messages: Vec<MessageRecord>,
        system_prompt: Option<String>,
    },
    ConversationLoadFailed {
        id: ConversationId,
        error: String,
    },
    SearchResults {
        request: u64,
        hits: Vec<SearchHit>,
    },
    /// Saving fails (`Some(why)`) or works again (`None`).
    StoreStatus(Option<String>),
    /// The store refused a message of conversation `id`: writing it would have put two
    /// messages at one position. Not retried.
    SaveRefused {
        id: ConversationId,
        error: String,
    },
    Exported {
        paths: Vec<String>,
    },
    ExportBlocked {
        id: ConversationId,
        stem: String,
        existing: Vec<String>,
    },
    ExportFailed(String),
    /// The clipboard got `what`; `native` says whether the system clipboard took it too (OSC
    /// 52 always goes to the terminal).
    Copied {
        what: String,
        native: bool,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldEdit {
    Insert(char),
    /// Pasted text; line breaks become spaces.
    Paste(String),
    Backspace,
    /// Ctrl+U: clear the field.
    Clear,
}
