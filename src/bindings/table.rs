//! The one table of key bindings: (context, keys, action name, intent, help label, status
//! hint). Key handling, the help overlay, the status-bar hints, `kimi-tui --keys` and the
//! README's key table all read it; a new action is one row here (plus its intent and reducer
//! arm). Action names are stable snake_case: config overrides and the command palette use them.

use crate::msg::{
    ChatIntent as Chat, ComposerIntent as Composer, EditOp as Edit, FieldEdit,
    FieldIntent as Field, Focus, Intent, NavIntent as Nav, PaletteIntent as Palette,
    PickerIntent as Picker, ScrollCmd, SidebarIntent as Sidebar, Step,
    TranscriptIntent as Transcript,
};

/// Where a binding applies. The keymap stacks the contexts in force (see `keymap::contexts`)
/// and the first binding that matches wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Context {
    /// Everywhere, dialogs included.
    Anywhere,
    /// While the open conversation's reply streams (outside dialogs these come first).
    Streaming,
    /// Outside dialogs, whatever has focus.
    Global,
    Input,
    Sidebar,
    Scrollback,
    Help,
    Picker,
    /// A one-line field: rename, search, export path.
    Field,
    /// The sidebar's search field (over `Field`).
    Search,
    ConfirmDelete,
    ConfirmOverwrite,
    ConfirmQuit,
    /// "Delete this message and what follows it?"
    ConfirmPrune,
    /// The input box while one of your messages is edited there (over `Input`).
    Editing,
    Palette,
    PromptEditor,
}

impl Context {
    pub const ALL: [Context; 17] = [
        Context::Anywhere,
        Context::Streaming,
        Context::Global,
        Context::Input,
        Context::Sidebar,
        Context::Scrollback,
        Context::Help,
        Context::Picker,
        Context::Field,
        Context::Search,
        Context::ConfirmDelete,
        Context::ConfirmOverwrite,
        Context::ConfirmQuit,
        Context::ConfirmPrune,
        Context::Editing,
        Context::Palette,
        Context::PromptEditor,
    ];

    /// The stable name (`kimi-tui --keys`, config overrides).
    pub fn name(self) -> &'static str {
        match self {
            Context::Anywhere => "anywhere",
            Context::Streaming => "streaming",
            Context::Global => "global",
            Context::Input => "input",
            Context::Sidebar => "sidebar",
            Context::Scrollback => "scrollback",
            Context::Help => "help",
            Context::Picker => "picker",
            Context::Field => "field",
            Context::Search => "search",
            Context::ConfirmDelete => "confirm_delete",
            Context::ConfirmOverwrite => "confirm_overwrite",
            Context::ConfirmQuit => "confirm_quit",
            Context::ConfirmPrune => "confirm_delete_message",
            Context::Editing => "editing",
            Context::Palette => "palette",
            Context::PromptEditor => "prompt_editor",
        }
    }

    /// The heading in help and the README.
    pub fn title(self) -> &'static str {
        match self {
            Context::Anywhere => "Anywhere",
            Context::Streaming => "While a reply streams",
            Context::Global => "Outside dialogs",
            Context::Input => "Input box",
            Context::Sidebar => "Sidebar",
            Context::Scrollback => "Scrollback",
            Context::Help => "Help",
            Context::Picker => "Model picker",
            Context::Field => "Rename, search and export fields",
            Context::Search => "Search",
            Context::ConfirmDelete => "Delete question",
            Context::ConfirmOverwrite => "Overwrite question",
            Context::ConfirmQuit => "Quit question (while saving fails)",
            Context::ConfirmPrune => "Delete-message question",
            Context::Editing => "Input box, editing a sent message",
            Context::Palette => "Command palette",
            Context::PromptEditor => "System prompt editor",
        }
    }
}

/// One row of the table.
#[derive(Debug, Clone, PartialEq)]
pub struct Binding {
    pub context: Context,
    /// Alternatives; each is a chord of one or more keys separated by spaces.
    pub keys: &'static [&'static str],
    /// The action's stable name.
    pub name: &'static str,
    pub intent: Intent,
    /// What it does, for help and the README.
    pub label: &'static str,
    /// A word or two for the status bar, or "" to leave it out there.
    pub hint: &'static str,
}

const fn row(
    context: Context,
    keys: &'static [&'static str],
    name: &'static str,
    intent: Intent,
    label: &'static str,
    hint: &'static str,
) -> Binding {
    Binding {
        context,
        keys,
        name,
        intent,
        label,
        hint,
    }
}

use Context as C;

#[rustfmt::skip]
pub static DEFAULT_BINDINGS: &[Binding] = &[
    // Anywhere
    row(C::Anywhere, &["Ctrl+Q", "Ctrl+C"], "quit", Intent::Chat(Chat::Quit),
        "quit (Ctrl+C stops a streaming reply first)", "quit"),
    // While a reply streams
    row(C::Streaming, &["Esc", "Ctrl+C"], "stop", Intent::Chat(Chat::Stop),
        "stop the reply; what arrived stays, marked stopped", ""),
    // Outside dialogs
    row(C::Global, &["F1"], "help", Intent::Nav(Nav::ToggleHelp), "this help", "help"),
    row(C::Global, &["Tab"], "focus_next", Intent::Nav(Nav::FocusNext),
        "focus the next pane: sidebar, scrollback, input", "focus"),
    row(C::Global, &["Ctrl+N"], "new_conversation", Intent::Nav(Nav::NewConversation),
        "new conversation", "new"),
    row(C::Global, &["Ctrl+P"], "command_palette", Intent::Palette(Palette::Open),
        "the command palette: every action, conversation and model, by name", "commands"),
    row(C::Global, &["Shift+Tab"], "focus_prev", Intent::Nav(Nav::FocusPrev),
        "focus the previous pane", ""),
    row(C::Global, &["F4", "Ctrl+B"], "toggle_sidebar", Intent::Nav(Nav::ToggleSidebar),
        "hide or show the sidebar (Ctrl+B outside the input box)", ""),
    row(C::Global, &["PgUp"], "page_up", Intent::Nav(Nav::Scroll(ScrollCmd::PageUp)),
        "scroll the conversation up a page (or the mouse wheel)", ""),
    row(C::Global, &["PgDn"], "page_down", Intent::Nav(Nav::Scroll(ScrollCmd::PageDown)),
        "scroll the conversation down a page", ""),
    row(C::Global, &["Ctrl+S", "Ctrl+F"], "search", Intent::Sidebar(Sidebar::StartSearch),
        "search every conversation, titles and text (Ctrl+F outside the input box)", ""),
    row(C::Global, &["Alt+e", "Ctrl+E"], "export", Intent::Field(Field::StartExport),
        "export the open conversation as Markdown and JSON (Ctrl+E outside the input box)", ""),
    row(C::Global, &["F2"], "rename", Intent::Sidebar(Sidebar::StartRename),
        "rename the open conversation", ""),
    row(C::Global, &["F3"], "edit_system_prompt", Intent::Field(Field::EditSystemPrompt),
        "view and edit the open conversation's system prompt", ""),
    row(C::Global, &["Alt+y", "Ctrl+Y"], "copy_last_reply",
        Intent::Transcript(Transcript::CopyLastReply),
        "copy the last reply (Ctrl+Y outside the input box)", ""),
    row(C::Global, &["Ctrl+G"], "continue_reply", Intent::Chat(Chat::ContinueReply),
        "continue a reply that was cut off (token limit, interrupted, stopped)", ""),
    row(C::Global, &["Ctrl+R"], "regenerate", Intent::Chat(Chat::Regenerate),
        "ask the last question again (the old reply is kept in the database)", ""),
    row(C::Global, &["Ctrl+O"], "pick_model", Intent::Picker(Picker::Open),
        "pick the model or profile for this conversation; shows the balance", ""),
    row(C::Global, &["Ctrl+T"], "toggle_thinking", Intent::Picker(Picker::ToggleThinking),
        "thinking on/off (kimi-k2.6), or the next reasoning effort (kimi-k3)", ""),
    // Input box
    row(C::Input, &["Enter"], "send", Intent::Chat(Chat::Submit), "send the message", "send"),
    row(C::Input, &["Shift+Enter", "Alt+Enter", "Ctrl+J"], "new_line",
        Intent::Composer(Composer::NewLine),
        "new line (terminals differ in which they send)", "newline"),
    row(C::Input, &["Up"], "history_older", Intent::Composer(Composer::HistoryOlder),
        "the line above; on the first line, the prompt sent before", ""),
    row(C::Input, &["Down"], "history_newer", Intent::Composer(Composer::HistoryNewer),
        "the line below; on the last line, a newer prompt, then what you were typing", ""),
    row(C::Input, &["Alt+r"], "search_history", Intent::Palette(Palette::OpenHistory),
        "search the prompts you sent before (Enter puts one in the input box)", ""),
    row(C::Input, &["Alt+u"], "unfold_paste", Intent::Composer(Composer::UnfoldPaste),
        "show a folded paste (before the cursor) in full", ""),
    row(C::Input, &["Ctrl+X Ctrl+E"], "edit_in_editor", Intent::Composer(Composer::OpenEditor),
        "edit the message in $VISUAL or $EDITOR (saved text replaces it; Enter sends)", ""),
    // The shell's editing keys (readline, emacs mode)
    row(C::Input, &["Ctrl+A", "Home"], "line_start", Intent::Composer(Composer::Edit(Edit::LineStart)),
        "to the start of the line", ""),
    row(C::Input, &["Ctrl+E", "End"], "line_end", Intent::Composer(Composer::Edit(Edit::LineEnd)),
        "to the end of the line", ""),
    row(C::Input, &["Ctrl+B"], "char_back", Intent::Composer(Composer::Edit(Edit::CharBack)),
        "back a character", ""),
    row(C::Input, &["Ctrl+F"], "char_forward", Intent::Composer(Composer::Edit(Edit::CharForward)),
        "forward a character", ""),
    row(C::Input, &["Alt+b", "Ctrl+Left"], "word_back",
        Intent::Composer(Composer::Edit(Edit::WordBack)), "back a word", ""),
    row(C::Input, &["Alt+f", "Ctrl+Right"], "word_forward",
        Intent::Composer(Composer::Edit(Edit::WordForward)), "forward a word", ""),
    row(C::Input, &["Ctrl+W", "Alt+Backspace"], "delete_word_back",
        Intent::Composer(Composer::Edit(Edit::DeleteWordBack)), "delete the word before the cursor", ""),
    row(C::Input, &["Ctrl+U"], "delete_to_line_start",
        Intent::Composer(Composer::Edit(Edit::DeleteToLineStart)), "delete to the start of the line", ""),
    row(C::Input, &["Ctrl+K"], "delete_to_line_end",
        Intent::Composer(Composer::Edit(Edit::DeleteToLineEnd)), "delete to the end of the line", ""),
    row(C::Input, &["Ctrl+Y"], "yank", Intent::Composer(Composer::Edit(Edit::Yank)),
        "put back what was deleted last", ""),
    // Sidebar
    row(C::Sidebar, &["Enter"], "open", Intent::Sidebar(Sidebar::Open),
        "open the selected conversation", "open"),
    row(C::Sidebar, &["Up", "k"], "select_up", Intent::Sidebar(Sidebar::Select(Step::Up)),
        "select the conversation above", ""),
    row(C::Sidebar, &["Down", "j"], "select_down", Intent::Sidebar(Sidebar::Select(Step::Down)),
        "select the conversation below", ""),
    row(C::Sidebar, &["Home", "g"], "select_first",
        Intent::Sidebar(Sidebar::Select(Step::First)), "select the first", ""),
    row(C::Sidebar, &["End", "G"], "select_last", Intent::Sidebar(Sidebar::Select(Step::Last)),
        "select the last", ""),
    row(C::Sidebar, &["?"], "help", Intent::Nav(Nav::ToggleHelp), "this help", ""),
    row(C::Sidebar, &["/"], "search", Intent::Sidebar(Sidebar::StartSearch),
        "search; Enter opens at the match", "search"),
    row(C::Sidebar, &["r"], "rename", Intent::Sidebar(Sidebar::StartRename),
        "rename the selected conversation", ""),
    row(C::Sidebar, &["d", "Delete"], "delete", Intent::Sidebar(Sidebar::StartDelete),
        "delete the selected conversation (asks y/n)", ""),
    row(C::Sidebar, &["e"], "export", Intent::Field(Field::StartExport),
        "export the open conversation", ""),
    row(C::Sidebar, &["Esc"], "focus_input", Intent::Nav(Nav::SetFocus(Focus::Input)),
        "back to the input box", ""),
    // Scrollback
    row(C::Scrollback, &["Up", "k"], "message_up",
        Intent::Transcript(Transcript::FocusMessage(Step::Up)),
        "outline the message above", ""),
    row(C::Scrollback, &["Down", "j"], "message_down",
        Intent::Transcript(Transcript::FocusMessage(Step::Down)),
        "outline the message below", ""),
    row(C::Scrollback, &["Home", "g"], "scroll_top", Intent::Nav(Nav::Scroll(ScrollCmd::Top)),
        "the top of the conversation", ""),
    row(C::Scrollback, &["End", "G"], "follow_end", Intent::Nav(Nav::Scroll(ScrollCmd::Bottom)),
        "back to following the end", "follow"),
    row(C::Scrollback, &["Enter"], "toggle_reasoning",
        Intent::Transcript(Transcript::ToggleReasoning),
        "fold or unfold the outlined reply's reasoning, or a long message of yours", "fold"),
    row(C::Scrollback, &["y"], "copy_message", Intent::Transcript(Transcript::CopyMessage),
        "copy the outlined message", "copy"),
    row(C::Scrollback, &["1"], "copy_code_1", Intent::Transcript(Transcript::CopyCodeBlock(1)),
        "copy code block N (numbered [N] on screen)", ""),
    row(C::Scrollback, &["2"], "copy_code_2", Intent::Transcript(Transcript::CopyCodeBlock(2)),
        "copy code block N (numbered [N] on screen)", ""),
    row(C::Scrollback, &["3"], "copy_code_3", Intent::Transcript(Transcript::CopyCodeBlock(3)),
        "copy code block N (numbered [N] on screen)", ""),
    row(C::Scrollback, &["4"], "copy_code_4", Intent::Transcript(Transcript::CopyCodeBlock(4)),
        "copy code block N (numbered [N] on screen)", ""),
    row(C::Scrollback, &["5"], "copy_code_5", Intent::Transcript(Transcript::CopyCodeBlock(5)),
        "copy code block N (numbered [N] on screen)", ""),
    row(C::Scrollback, &["6"], "copy_code_6", Intent::Transcript(Transcript::CopyCodeBlock(6)),
        "copy code block N (numbered [N] on screen)", ""),
    row(C::Scrollback, &["7"], "copy_code_7", Intent::Transcript(Transcript::CopyCodeBlock(7)),
        "copy code block N (numbered [N] on screen)", ""),
    row(C::Scrollback, &["8"], "copy_code_8", Intent::Transcript(Transcript::CopyCodeBlock(8)),
        "copy code block N (numbered [N] on screen)", ""),
    row(C::Scrollback, &["9"], "copy_code_9", Intent::Transcript(Transcript::CopyCodeBlock(9)),
        "copy code block N (numbered [N] on screen)", ""),
    row(C::Scrollback, &["e"], "edit_message", Intent::Transcript(Transcript::Edit),
        "edit the outlined message of yours; Enter sends it as a new version", "edit"),
    row(C::Scrollback, &["Left", "h"], "previous_version",
        Intent::Transcript(Transcript::PrevVersion),
        "show the previous version of the outlined message (‹ N/M ›)", ""),
    row(C::Scrollback, &["Right", "l"], "next_version",
        Intent::Transcript(Transcript::NextVersion),
        "show the next version of the outlined message", ""),
    row(C::Scrollback, &["f"], "fork", Intent::Transcript(Transcript::Fork),
        "fork: a new conversation down to the outlined message", ""),
    row(C::Scrollback, &["x", "Delete"], "delete_message", Intent::Transcript(Transcript::Delete),
        "delete the outlined message and what follows it (asks y/n)", ""),
    row(C::Scrollback, &["?"], "help", Intent::Nav(Nav::ToggleHelp), "this help", ""),
    row(C::Scrollback, &["Esc"], "focus_input", Intent::Nav(Nav::SetFocus(Focus::Input)),
        "back to the input box", ""),
    // Help
    row(C::Help, &["Esc", "F1", "?", "q"], "close", Intent::Nav(Nav::CloseOverlay),
        "close the help", "close"),
    row(C::Help, &["Up", "k"], "scroll_up", Intent::Nav(Nav::ScrollHelp(ScrollCmd::Up(1))),
        "scroll up", ""),
    row(C::Help, &["Down", "j"], "scroll_down",
        Intent::Nav(Nav::ScrollHelp(ScrollCmd::Down(1))), "scroll down", ""),
    // Model picker
    row(C::Picker, &["Enter"], "choose", Intent::Picker(Picker::Pick),
        "use the highlighted model or profile", "choose"),
    row(C::Picker, &["Esc", "q"], "close", Intent::Nav(Nav::CloseOverlay), "close", "close"),
    row(C::Picker, &["Up", "k"], "move_up", Intent::Picker(Picker::Move(Step::Up)), "move up", ""),
    row(C::Picker, &["Down", "j"], "move_down", Intent::Picker(Picker::Move(Step::Down)),
        "move down", ""),
    row(C::Picker, &["Home", "g"], "move_first", Intent::Picker(Picker::Move(Step::First)),
        "the first", ""),
    row(C::Picker, &["End", "G"], "move_last", Intent::Picker(Picker::Move(Step::Last)),
        "the last", ""),
    // Search (over the field's keys)
    row(C::Search, &["Up"], "hit_up", Intent::Sidebar(Sidebar::MoveHit(Step::Up)),
        "the result above", ""),
    row(C::Search, &["Down"], "hit_down", Intent::Sidebar(Sidebar::MoveHit(Step::Down)),
        "the result below", ""),
    // Fields
    row(C::Field, &["Enter"], "submit", Intent::Field(Field::Submit),
        "done (rename, open the search hit, export)", "done"),
    row(C::Field, &["Esc"], "cancel", Intent::Field(Field::Cancel), "cancel", "cancel"),
    row(C::Field, &["Backspace"], "delete_back", Intent::Field(Field::Edit(FieldEdit::Backspace)),
        "delete the last character", ""),
    row(C::Field, &["Ctrl+U"], "clear", Intent::Field(Field::Edit(FieldEdit::Clear)),
        "clear the field", "clear"),
    // Questions
    row(C::ConfirmDelete, &["y", "Y"], "yes", Intent::Sidebar(Sidebar::ConfirmDelete(true)),
        "delete it", "delete"),
    row(C::ConfirmDelete, &["n", "N", "Esc"], "no", Intent::Sidebar(Sidebar::ConfirmDelete(false)),
        "keep it", "keep"),
    row(C::ConfirmOverwrite, &["y", "Y"], "yes", Intent::Field(Field::ConfirmOverwrite(true)),
        "overwrite the files", "overwrite"),
    row(C::ConfirmOverwrite, &["n", "N", "Esc"], "no",
        Intent::Field(Field::ConfirmOverwrite(false)), "write nothing", "cancel"),
    row(C::ConfirmPrune, &["y", "Y"], "yes",
        Intent::Transcript(Transcript::ConfirmDelete(true)), "delete", "delete"),
    row(C::ConfirmPrune, &["n", "N", "Esc"], "no",
        Intent::Transcript(Transcript::ConfirmDelete(false)), "keep it", "cancel"),
    row(C::Editing, &["Esc"], "cancel_edit", Intent::Composer(Composer::CancelEdit),
        "stop editing; the input box gets back what it held", "cancel edit"),
    row(C::ConfirmQuit, &["y", "Y"], "yes", Intent::Chat(Chat::ConfirmQuit(true)),
        "quit; what is not saved goes to a rescue file", "quit"),
    row(C::ConfirmQuit, &["n", "N", "Esc"], "no", Intent::Chat(Chat::ConfirmQuit(false)),
        "stay (saving is retried)", "stay"),
    // Command palette
    row(C::Palette, &["Enter"], "run", Intent::Palette(Palette::Run), "run the highlighted entry", "run"),
    row(C::Palette, &["Esc"], "close", Intent::Palette(Palette::Close), "close the palette", "close"),
    row(C::Palette, &["Up", "Ctrl+P"], "palette_up", Intent::Palette(Palette::Move(Step::Up)),
        "the entry above", ""),
    row(C::Palette, &["Down", "Ctrl+N"], "palette_down", Intent::Palette(Palette::Move(Step::Down)),
        "the entry below", ""),
    row(C::Palette, &["Backspace"], "delete_back",
        Intent::Palette(Palette::Edit(FieldEdit::Backspace)), "delete the last character", ""),
    row(C::Palette, &["Ctrl+U"], "clear", Intent::Palette(Palette::Edit(FieldEdit::Clear)),
        "clear the query", ""),
    // System prompt editor
    row(C::PromptEditor, &["Enter"], "save", Intent::Field(Field::Submit),
        "save the system prompt", "save"),
    row(C::PromptEditor, &["Shift+Enter", "Alt+Enter", "Ctrl+J"], "new_line",
        Intent::Field(Field::PromptNewline), "new line", "new line"),
    row(C::PromptEditor, &["Esc"], "cancel", Intent::Field(Field::Cancel),
        "close without saving", "cancel"),
];
