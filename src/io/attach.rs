//! Reading files for `/attach`: text files up to `MAX_TEXT` go into the message itself,
//! fenced with their name (no upload, no storage of their own: the message carries them, so
//! they resend, reload and export with it). Other files get a plain reason: documents
//! through Kimi's file extraction (PDF, Office) and images are not built yet.
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "io is the edge: it reads files"
)]

use std::path::{Path, PathBuf};

/// The largest text file attached inline (about 250k tokens of English).
pub const MAX_TEXT: u64 = 1024 * 1024;

/// A text file read for a message.
#[derive(Debug, Clone, PartialEq)]
pub struct Attachment {
    /// The file's name (no directories), shown on its chip and the fence.
    pub name: String,
    pub text: String,
}

/// Reads each of `paths` (`~/` is the home directory; relative paths are from `cwd`).
pub fn read(paths: &[String], cwd: &Path, home: Option<&Path>) -> Vec<Result<Attachment, String>> {
    paths
        .iter()
        .map(|path| read_one(&resolve(path, cwd, home), path))
        .collect()
}

fn resolve(path: &str, cwd: &Path, home: Option<&Path>) -> PathBuf {
    match (path.strip_prefix("~/"), home) {
        (Some(rest), Some(home)) => home.join(rest),
        _ => cwd.join(path),
    }
}

fn read_one(path: &Path, shown: &str) -> Result<Attachment, String> {
    let name = path
        .file_name()
        .map_or_else(|| shown.to_string(), |n| n.to_string_lossy().into_owned());
    let meta = std::fs::metadata(path).map_err(|e| format!("{shown}: {}", reason(&e)))?;
    if meta.is_dir() {
        return Err(format!("{shown} is a directory."));
    }
    // The first bytes say what it is, before a large file is read whole.
    let mut head = Vec::with_capacity(8192);
    std::fs::File::open(path)
        .and_then(|file| {
            std::io::Read::read_to_end(&mut std::io::Read::take(file, 8192), &mut head)
        })
        .map_err(|e| format!("{shown}: {}", reason(&e)))?;
    if let Some(kind) = sniff(&head) {
        return Err(format!(
            "{shown} is {kind}: documents and images are not supported yet; text files attach."
        ));
    }
    if meta.len() > MAX_TEXT {
        return Err(format!(
            "{shown} is over 1 MB ({}): text files up to 1 MB attach.",
            crate::text::plain::size_label(usize::try_from(meta.len()).unwrap_or(usize::MAX))
        ));
    }
    if head.contains(&0) {
        return Err(format!("{shown} is not a text file."));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("{shown}: {}", reason(&e)))?;
    let text = String::from_utf8(bytes).map_err(|_| format!("{shown} is not UTF-8 text."))?;
    Ok(Attachment { name, text })
}

/// What kind of document or image the bytes are, by their first bytes (not the name).
fn sniff(bytes: &[u8]) -> Option<&'static str> {
    let kinds: [(&[u8], &str); 7] = [
        (b"%PDF", "a PDF"),
        (b"\x89PNG", "a PNG image"),
        (b"\xFF\xD8\xFF", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"PK\x03\x04", "a zip file (or an Office document)"),
        (b"\xD0\xCF\x11\xE0", "an Office document"),
        (b"RIFF", "a RIFF file (WebP, WAV…)"),
    ];
    kinds
        .iter()
        .find(|(magic, _)| bytes.starts_with(magic))
        .map(|(_, kind)| *kind)
}

fn reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file.".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied.".into(),
        _ => format!("{e}."),
    }
}

impl Attachment {
    /// The text as it goes into the message: fenced with the file's name, the fence longer
    /// than any run of backticks in the file so nothing in it can close it early.
    pub fn fenced(&self) -> String {
        let longest = self
            .text
            .split(|c| c != '`')
            .map(str::len)
            .max()
            .unwrap_or(0);
        let fence = "`".repeat(longest.max(2) + 1);
        let name = crate::text::plain::sanitize(&self.name).replace('`', "'");
        let body = self.text.strip_suffix('\n').unwrap_or(&self.text);
        format!("{fence}{name}\n{body}\n{fence}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attach(dir: &Path, name: &str, bytes: &[u8]) -> Result<Attachment, String> {
        std::fs::write(dir.join(name), bytes).expect("write");
        read(&[name.to_string()], dir, None).remove(0)
    }

    #[test]
    fn text_files_attach_and_others_say_why_not() {
        let dir = tempfile::tempdir().expect("dir");
        let ok = attach(dir.path(), "notes.md", "# Notes\n中文\n".as_bytes()).expect("text");
        assert_eq!(ok.name, "notes.md");
        assert_eq!(ok.text, "# Notes\n中文\n");
        let pdf = attach(dir.path(), "report.txt", b"%PDF-1.7 ...").expect_err("pdf");
        assert!(pdf.contains("is a PDF"), "{pdf}");
        let png = attach(dir.path(), "shot", b"\x89PNG\r\n\x1a\n").expect_err("png");
        assert!(png.contains("PNG image"), "{png}");
        let binary = attach(dir.path(), "a.bin", b"abc\0def").expect_err("binary");
        assert!(binary.contains("not a text file"), "{binary}");
        let latin1 = attach(dir.path(), "a.txt", b"caf\xe9").expect_err("latin-1");
        assert!(latin1.contains("not UTF-8"), "{latin1}");
        let big = vec![b'a'; usize::try_from(MAX_TEXT).unwrap_or(0) + 1];
        let big = attach(dir.path(), "big.log", &big).expect_err("big");
        assert!(big.contains("is over 1 MB"), "{big}");
        let missing = read(&["nope.txt".into()], dir.path(), None).remove(0);
        assert_eq!(missing, Err("nope.txt: no such file.".into()));
        let home = read(&["~/notes.md".into()], Path::new("/"), Some(dir.path())).remove(0);
        assert!(home.is_ok(), "{home:?}");
    }

    #[test]
    fn the_fence_is_longer_than_any_backticks_inside() {
        let a = Attachment {
            name: "x.md".into(),
            text: "```rust\nfn x() {}\n```\n".into(),
        };
        assert_eq!(a.fenced(), "````x.md\n```rust\nfn x() {}\n```\n````");
        let plain = Attachment {
            name: "a.txt".into(),
            text: "hello".into(),
        };
        assert_eq!(plain.fenced(), "```a.txt\nhello\n```");
    }
}
