//! The key table as data: every binding (context, keys, action name, intent, help label),
//! parsed once, looked up by context stack and chord, and turned into help, status hints,
//! `--keys` and the README's table. Which contexts are in force is the keymap's business
//! (`keymap.rs`); this module knows nothing of the app state.

pub mod table;

use std::collections::HashMap;

use table::{Binding, Context, DEFAULT_BINDINGS};

use crate::chord::{KeyPress, display_chord, parse_chord};
use crate::msg::Intent;

/// A binding with its keys parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct Bound {
    pub binding: Binding,
    pub chords: Vec<Vec<KeyPress>>,
}

/// The key table as the keymap uses it.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyTable {
    rows: Vec<Bound>,
    /// `groups` of each context, in `Context::ALL`'s order: made when the rows are, since
    /// the hints in the status bar and the panes read them on every frame.
    grouped: Vec<Vec<Group>>,
}

/// What a key means, given the keys pressed before it.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolved {
    Intent(Intent),
    /// The keys so far start a chord; wait for the next.
    Prefix,
    /// Nothing is bound to these keys here.
    Unbound,
}

impl Default for KeyTable {
    fn default() -> Self {
        // The built-in table parses (a test says so); a row that did not would be left out
        // rather than stop the app.
        KeyTable::new(DEFAULT_BINDINGS).unwrap_or_else(|(table, _)| table)
    }
}

impl KeyTable {
    /// Parses `bindings`; on errors, the rows that parsed and what was wrong with the others.
    pub fn new(bindings: &[Binding]) -> Result<KeyTable, (KeyTable, Vec<String>)> {
        let mut rows = Vec::with_capacity(bindings.len());
        let mut errors = Vec::new();
        for binding in bindings {
            let mut chords = Vec::new();
            for keys in binding.keys {
                match parse_chord(keys) {
                    Ok(chord) => chords.push(chord),
                    Err(err) => errors.push(format!(
                        "{}.{}: {err}",
                        binding.context.name(),
                        binding.name
                    )),
                }
            }
            rows.push(Bound {
                binding: binding.clone(),
                chords,
            });
        }
        let table = KeyTable::from_rows(rows);
        if errors.is_empty() {
            Ok(table)
        } else {
            Err((table, errors))
        }
    }

    pub fn rows(&self) -> &[Bound] {
        &self.rows
    }

    /// The table with the user's keys (`[keys]` in the config file) in place of the built-in
    /// ones. All or nothing: an unknown action or context, a key that does not parse, or two
    /// actions on one key in one context is an error, and every error is listed.
    pub fn with_overrides(mut self, overrides: &[KeyOverride]) -> Result<KeyTable, Vec<String>> {
        let mut errors = Vec::new();
        for over in overrides {
            let mut chords = Vec::new();
            for keys in &over.keys {
                match parse_chord(keys) {
                    Ok(chord) => chords.push(chord),
                    Err(err) => {
                        errors.push(format!("{}: {} = {keys:?}: {err}", over.place, over.action));
                    }
                }
            }
            let mut found = false;
            for bound in &mut self.rows {
                let here = over.context.is_none_or(|c| c == bound.binding.context);
                if here && bound.binding.name == over.action {
                    bound.chords.clone_from(&chords);
                    found = true;
                }
            }
            if !found {
                errors.push(match over.context {
                    Some(context) => format!(
                        "{}: there is no action {:?} in [keys.{}] (kimi-tui --keys lists them)",
                        over.place,
                        over.action,
                        context.name()
                    ),
                    None => format!(
                        "{}: there is no action {:?} (kimi-tui --keys lists them)",
                        over.place, over.action
                    ),
                });
            }
        }
        errors.extend(self.conflicts());
        if errors.is_empty() {
            Ok(KeyTable::from_rows(self.rows))
        } else {
            Err(errors)
        }
    }

    /// Two actions on one key (or one key starting another's chord) in one context.
    pub fn conflicts(&self) -> Vec<String> {
        let mut errors = Vec::new();
        for context in Context::ALL {
            let rows: Vec<&Bound> = self
                .rows
                .iter()
                .filter(|b| b.binding.context == context)
                .collect();
            for (i, a) in rows.iter().enumerate() {
                for b in &rows[i + 1..] {
                    if a.binding.name == b.binding.name {
                        continue;
                    }
                    for x in &a.chords {
                        for y in &b.chords {
                            if x.starts_with(y) || y.starts_with(x) {
                                errors.push(format!(
                                    "[keys.{}]: {} is bound to both {} and {}",
                                    context.name(),
                                    display_chord(if x.len() <= y.len() { x } else { y }),
                                    a.binding.name,
                                    b.binding.name
                                ));
                            }
                        }
                    }
                }
            }
        }
        errors
    }

    /// What `pressed` (the keys of a chord so far, the last one just now) means in
    /// `contexts`, searched in order.
    pub fn resolve(&self, contexts: &[Context], pressed: &[KeyPress]) -> Resolved {
        let mut prefix = false;
        for &context in contexts {
            for bound in self.rows.iter().filter(|b| b.binding.context == context) {
                for chord in &bound.chords {
                    if chord.as_slice() == pressed {
                        return Resolved::Intent(bound.binding.intent.clone());
                    }
                    prefix |= chord.len() > pressed.len() && chord.starts_with(pressed);
                }
            }
        }
        if prefix {
            Resolved::Prefix
        } else {
            Resolved::Unbound
        }
    }

    fn from_rows(rows: Vec<Bound>) -> KeyTable {
        let grouped = Context::ALL
            .iter()
            .map(|&context| group_rows(&rows, context))
            .collect();
        KeyTable { rows, grouped }
    }

    /// The rows of one context grouped by action, in table order: (keys shown, label, hint).
    pub fn groups(&self, context: Context) -> &[Group] {
        Context::ALL
            .iter()
            .position(|&c| c == context)
            .and_then(|i| self.grouped.get(i))
            .map_or(&[], Vec::as_slice)
    }
}

fn group_rows(rows: &[Bound], context: Context) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    let mut by_label: HashMap<&str, usize> = HashMap::new();
    for bound in rows.iter().filter(|b| b.binding.context == context) {
        let keys: Vec<String> = bound.chords.iter().map(|c| display_chord(c)).collect();
        match by_label.get(bound.binding.label) {
            Some(&i) => groups[i].keys.extend(keys),
            None => {
                by_label.insert(bound.binding.label, groups.len());
                groups.push(Group {
                    name: bound.binding.name,
                    keys,
                    label: bound.binding.label,
                    hint: bound.binding.hint,
                });
            }
        }
    }
    groups
}

/// One line of `[keys]` in the config file: `action = "key"` or a list of keys, for one
/// context (`[keys.sidebar]`) or every context that has the action (`[keys]`).
#[derive(Debug, Clone, PartialEq)]
pub struct KeyOverride {
    pub context: Option<Context>,
    pub action: String,
    pub keys: Vec<String>,
    /// Where it was written, for errors: "[keys] line 12".
    pub place: String,
}

/// Reads the `[keys]` table of the config file (`text` is the file, to name lines): the
/// overrides that could be read, and what was wrong with the others.
pub fn overrides_from(keys: &toml::Table, text: &str) -> (Vec<KeyOverride>, Vec<String>) {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let line_of = |table: Option<&str>, action: &str| -> String {
        // The first line that assigns `action` after the table's header.
        let header = table.map_or_else(|| "[keys]".to_string(), |t| format!("[keys.{t}]"));
        let mut in_table = false;
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.starts_with('[') {
                in_table = line.replace(' ', "") == header;
            } else if in_table
                && line
                    .split('=')
                    .next()
                    .is_some_and(|k| k.trim().trim_matches('"') == action)
            {
                return format!("{header} line {}", n + 1);
            }
        }
        header
    };
    let read = |context: Option<Context>,
                table: Option<&str>,
                action: &str,
                value: &toml::Value|
     -> Result<KeyOverride, String> {
        let place = line_of(table, action);
        let keys = match value {
            toml::Value::String(key) => vec![key.clone()],
            toml::Value::Array(list) if list.iter().all(toml::Value::is_str) => list
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            _ => return Err(format!("{place}: {action} must be a key or a list of keys")),
        };
        Ok(KeyOverride {
            context,
            action: action.to_string(),
            keys,
            place,
        })
    };
    for (name, value) in keys {
        match value {
            toml::Value::Table(inner) => match Context::ALL.iter().find(|c| c.name() == name) {
                Some(&context) => {
                    for (action, value) in inner {
                        match read(Some(context), Some(name), action, value) {
                            Ok(over) => out.push(over),
                            Err(err) => errors.push(err),
                        }
                    }
                }
                None => errors.push(format!(
                    "[keys.{name}]: there is no context {name:?}; there are {}",
                    Context::ALL
                        .iter()
                        .map(|c| c.name())
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            },
            value => match read(None, None, name, value) {
                Ok(over) => out.push(over),
                Err(err) => errors.push(err),
            },
        }
    }
    (out, errors)
}

/// The built-in table with `[keys]` applied, or every error found in it.
pub fn with_config_keys(keys: &toml::Table, text: &str) -> Result<KeyTable, Vec<String>> {
    let (overrides, mut errors) = overrides_from(keys, text);
    match KeyTable::default().with_overrides(&overrides) {
        Ok(table) if errors.is_empty() => Ok(table),
        Ok(_) => Err(errors),
        Err(more) => {
            errors.extend(more);
            Err(errors)
        }
    }
}

/// The bindings of one action (or of actions sharing a label, like copy_code_1..9).
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub name: &'static str,
    pub keys: Vec<String>,
    pub label: &'static str,
    pub hint: &'static str,
}

impl Group {
    /// The keys as one text: "↑ k", or "1-9" for a run of digits.
    pub fn keys_text(&self) -> String {
        let digits: Vec<u32> = self
            .keys
            .iter()
            .filter_map(|k| {
                let mut chars = k.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => c.to_digit(10),
                    _ => None,
                }
            })
            .collect();
        let run = digits.len() == self.keys.len()
            && digits.len() > 2
            && digits.windows(2).all(|w| w[1] == w[0] + 1);
        if run {
            format!("{}-{}", digits[0], digits[digits.len() - 1])
        } else {
            self.keys.join(" ")
        }
    }
}

/// Hints for `contexts`, most specific first: "Enter send", ... (one per hint word).
pub fn hints_for(table: &KeyTable, contexts: &[Context]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for &context in contexts {
        for group in table.groups(context) {
            let Some(first) = group.keys.first() else {
                continue;
            };
            if group.hint.is_empty() || seen.contains(&group.hint) {
                continue;
            }
            seen.push(group.hint);
            out.push(format!("{first} {}", group.hint));
        }
    }
    out
}

/// The hints of `contexts` as one line for a pane's border: " Enter open · / search ".
pub fn hint_line(table: &KeyTable, contexts: &[Context]) -> String {
    format!(" {} ", hints_for(table, contexts).join(" · "))
}

/// "Ctrl+N new": the first key of action `name` in `context` and `word`, if it is bound.
pub fn hint_of(table: &KeyTable, context: Context, name: &str, word: &str) -> Option<String> {
    let group = table.groups(context).iter().find(|g| g.name == name)?;
    Some(format!("{} {word}", group.keys.first()?))
}

/// The commands typed in the input box, with what they do (completion, the unknown-command
/// note, the help, the README).
pub const COMMANDS: [(&str, &str); 8] = [
    (
        "/attach",
        "PATH…: text files (up to 1 MB) go into the message; documents (PDF, Office, EPUB, longer text) are uploaded and their text goes with it",
    ),
    (
        "/image",
        "PATH…: images (PNG, JPEG, WebP, GIF) go with the message; large ones are made smaller",
    ),
    (
        "/detach",
        "take the documents and images off the message being written (Backspace in an empty box: the last one)",
    ),
    (
        "/files",
        "the files stored on your Kimi account: d deletes one, D every one kimi-tui uploaded",
    ),
    ("/web", "on or off: Kimi's web search for this conversation"),
    ("/model", "pick the model"),
    ("/new", "a new conversation"),
    ("/help", "every key and command"),
];

/// The help overlay's rows: (keys, what they do); a heading has empty keys.
pub fn help_rows(table: &KeyTable) -> Vec<(String, &'static str)> {
    let mut rows = Vec::new();
    for context in Context::ALL {
        let groups = table.groups(context);
        if groups.is_empty() {
            continue;
        }
        rows.push((String::new(), context.title()));
        for group in groups {
            rows.push((group.keys_text(), group.label));
        }
    }
    rows.push((
        String::new(),
        "Commands (typed in the input box, Tab completes)",
    ));
    for (name, what) in COMMANDS {
        rows.push((name.to_string(), what));
    }
    rows
}

/// The README's key table, generated from the bindings (a test keeps the README in step).
pub fn markdown(table: &KeyTable) -> String {
    let mut out = String::from("| Where | Keys | Action | What it does |\n|---|---|---|---|\n");
    for context in Context::ALL {
        for group in table.groups(context) {
            let keys = group.keys_text().replace('|', "\\|");
            out.push_str(&format!(
                "| {} | {} | `{}` | {} |\n",
                context.title(),
                keys,
                group.name,
                group.label
            ));
        }
    }
    out
}

/// `kimi-tui --keys`: every context, action name, keys and label, one per line.
pub fn listing(table: &KeyTable) -> String {
    let mut out = String::new();
    for context in Context::ALL {
        for bound in table.rows().iter().filter(|b| b.binding.context == context) {
            let keys: Vec<String> = bound.chords.iter().map(|c| display_chord(c)).collect();
            out.push_str(&format!(
                "{:<18} {:<20} {:<28} {}\n",
                context.name(),
                bound.binding.name,
                keys.join(", "),
                bound.binding.label
            ));
        }
    }
    out
}
