//! Writing exports to disk. Never overwrites a file unless asked to.

use std::io::Write;

use crate::ids::ConversationId;

/// Writes `{stem}.md` and `{stem}.json`. Without `overwrite`, existing files are reported
/// instead of written (and nothing is written), so the user can be asked.
pub fn export(
    id: ConversationId,
    stem: &str,
    markdown: &str,
    json: &str,
    overwrite: bool,
) -> ExportReport {
    let paths = [format!("{stem}.md"), format!("{stem}.json")];
    if !overwrite {
        let existing: Vec<String> = paths
            .iter()
            .filter(|p| std::path::Path::new(p).exists())
            .cloned()
            .collect();
        if !existing.is_empty() {
            return ExportReport::Blocked {
                id,
                stem: stem.to_string(),
                existing,
            };
        }
    }
    for (path, text) in paths.iter().zip([markdown, json]) {
        let mut options = std::fs::OpenOptions::new();
        options.write(true);
        if overwrite {
            options.create(true).truncate(true);
        } else {
            // Fails if the file appeared since the check: never clobber it.
            options.create_new(true);
        }
        let result = options
            .open(path)
            .and_then(|mut file| file.write_all(text.as_bytes()).and_then(|()| file.flush()));
        if let Err(err) = result {
            return ExportReport::Failed(format!("{path}: {err}"));
        }
    }
    ExportReport::Done {
        paths: paths.to_vec(),
    }
}

/// How an export went.
#[derive(Debug, Clone, PartialEq)]
pub enum ExportReport {
    Done {
        paths: Vec<String>,
    },
    Blocked {
        id: ConversationId,
        stem: String,
        existing: Vec<String>,
    },
    Failed(String),
}
