//! Tab completion of file paths after `/attach` and `/image`: the last path typed is
//! completed from its directory (as far as every match agrees; a directory gets its `/`, a
//! file a space), spaces and quotes escaped the way `/attach` reads them back.

use std::path::{Path, PathBuf};

/// Entries of one directory looked at, at most: a huge directory must not stall Tab.
const MAX_ENTRIES: usize = 20_000;

/// What Tab does to `line`: the line completed (unchanged if nothing matched) and, when
/// several names match, the names (at most 50).
pub fn complete(line: &str, cwd: &Path, home: Option<&Path>) -> (String, Vec<String>) {
    let start = last_word_start(line);
    let word = unescape(&line[start..]);
    let (dir_part, prefix) = match word.rfind('/') {
        Some(at) => (&word[..=at], &word[at + 1..]),
        None => ("", word.as_str()),
    };
    let dir: PathBuf = match (dir_part.strip_prefix("~/"), home) {
        (Some(rest), Some(home)) => home.join(rest),
        _ if dir_part.is_empty() => cwd.to_path_buf(),
        _ => cwd.join(dir_part),
    };
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return (line.to_string(), Vec::new());
    };
    let mut matches: Vec<(String, bool)> = entries
        .take(MAX_ENTRIES)
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            // Hidden files only when asked for by their dot.
            if !name.starts_with(prefix) || (name.starts_with('.') && !prefix.starts_with('.')) {
                return None;
            }
            let is_dir = e.path().is_dir();
            Some((name, is_dir))
        })
        .collect();
    matches.sort();
    let completed = match matches.as_slice() {
        [] => return (line.to_string(), Vec::new()),
        [(name, is_dir)] => {
            let end = if *is_dir { "/" } else { " " };
            format!("{}{end}", escape(&format!("{dir_part}{name}")))
        }
        many => {
            let first = &many[0].0;
            let mut common = first.len();
            for (name, _) in &many[1..] {
                common = common.min(
                    first
                        .char_indices()
                        .zip(name.chars())
                        .find(|((_, a), b)| a != b)
                        .map_or(first.len().min(name.len()), |((at, _), _)| at),
                );
            }
            escape(&format!("{dir_part}{}", &first[..common]))
        }
    };
    let choices = if matches.len() > 1 {
        matches
            .iter()
            .take(50)
            .map(|(name, is_dir)| format!("{name}{}", if *is_dir { "/" } else { "" }))
            .collect()
    } else {
        Vec::new()
    };
    (format!("{}{completed}", &line[..start]), choices)
}

/// Where the last path of the line starts: after the last space not escaped by a backslash.
fn last_word_start(line: &str) -> usize {
    let mut start = 0;
    let mut escaped = false;
    for (at, c) in line.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == ' ' {
            start = at + 1;
        }
    }
    start
}

fn unescape(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    let mut chars = word.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            out.extend(chars.next());
        } else {
            out.push(c);
        }
    }
    out
}

/// A path as `/attach` reads it back: spaces, quotes and backslashes escaped.
fn escape(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        if matches!(c, ' ' | '\\' | '\'' | '"') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_path_is_completed_as_far_as_the_names_agree() {
        let dir = tempfile::tempdir().expect("dir");
        let d = dir.path();
        for name in ["report 2026.pdf", "report-old.pdf", "notes.md", ".hidden"] {
            std::fs::write(d.join(name), "x").expect("write");
        }
        std::fs::create_dir(d.join("shots")).expect("dir");
        std::fs::write(d.join("shots").join("a b.png"), "x").expect("write");
        let (line, choices) = complete("/attach rep", d, None);
        assert_eq!(line, "/attach report");
        assert_eq!(choices, ["report 2026.pdf", "report-old.pdf"]);
        let (line, choices) = complete("/attach report\\ ", d, None);
        assert_eq!(line, "/attach report\\ 2026.pdf ");
        assert!(choices.is_empty());
        // What it completed reads back as the file.
        assert_eq!(
            shell_words::split(&line).expect("split"),
            ["/attach", "report 2026.pdf"]
        );
        assert_eq!(
            complete("/image notes.md sh", d, None).0,
            "/image notes.md shots/"
        );
        assert_eq!(
            complete("/image shots/", d, None).0,
            "/image shots/a\\ b.png "
        );
        assert_eq!(
            complete("/attach ~/no", Path::new("/"), Some(d)).0,
            "/attach ~/notes.md "
        );
        // Hidden files only by their dot; nothing matching leaves the line.
        assert_eq!(complete("/attach .h", d, None).0, "/attach .hidden ");
        assert_eq!(
            complete("/attach zzz", d, None),
            ("/attach zzz".into(), Vec::new())
        );
        assert_eq!(
            complete("/attach nowhere/x", d, None).0,
            "/attach nowhere/x"
        );
    }
}

/// A paste that is exactly one or more existing files (what a terminal pastes when files are
/// dropped on it: absolute paths or `file://` URLs, quoted or escaped): each path, and
/// whether it is an image. `None` for anything else.
pub fn dropped(text: &str, home: Option<&Path>) -> Option<Vec<(String, bool)>> {
    let text = text.trim();
    if text.is_empty() || text.len() > 16 * 1024 {
        return None;
    }
    let words = shell_words::split(&text.replace(['\n', '\r'], " ")).ok()?;
    if words.is_empty() || words.len() > 20 {
        return None;
    }
    let mut out = Vec::with_capacity(words.len());
    for word in words {
        let path = if let Some(rest) = word.strip_prefix("file://") {
            // A URL: its path, with %20 and the like decoded.
            percent_decode(rest.strip_prefix("localhost").unwrap_or(rest))?
        } else {
            word
        };
        let full = match (path.strip_prefix("~/"), home) {
            (Some(rest), Some(home)) => home.join(rest),
            _ if path.starts_with('/') => PathBuf::from(&path),
            // Relative words are typed text, not a drop.
            _ => return None,
        };
        if !full.is_file() {
            return None;
        }
        let mut head = [0u8; 16];
        let read = std::fs::File::open(&full)
            .and_then(|mut f| std::io::Read::read(&mut f, &mut head))
            .unwrap_or(0);
        out.push((path, super::image::sniff(&head[..read]).is_some()));
    }
    Some(out)
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod drop_tests {
    use super::*;

    #[test]
    fn dropped_files_are_told_from_typed_text() {
        let dir = tempfile::tempdir().expect("dir");
        let d = dir.path();
        std::fs::write(d.join("my report.pdf"), "%PDF").expect("write");
        std::fs::write(d.join("shot.png"), b"\x89PNG\r\n\x1a\nrest").expect("write");
        let pdf = d.join("my report.pdf").display().to_string();
        let png = d.join("shot.png").display().to_string();
        // Escaped, quoted, as a URL; one or several.
        let escaped = pdf.replace(' ', "\\ ");
        assert_eq!(dropped(&escaped, None), Some(vec![(pdf.clone(), false)]));
        assert_eq!(
            dropped(&format!("'{pdf}' {png} "), None),
            Some(vec![(pdf.clone(), false), (png.clone(), true)])
        );
        let url = format!("file://{}", pdf.replace(' ', "%20"));
        assert_eq!(dropped(&url, None), Some(vec![(pdf.clone(), false)]));
        // Not a drop: a missing file, a directory, relative words, prose.
        assert_eq!(dropped(&format!("{pdf} /nope.txt"), None), None);
        assert_eq!(dropped(&d.display().to_string(), None), None);
        assert_eq!(dropped("shot.png", None), None);
        assert_eq!(dropped("what is /etc/hosts for?", None), None);
    }
}
