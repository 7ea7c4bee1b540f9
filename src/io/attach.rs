//! Reading files for `/attach`. Which path each file takes (decided by its first bytes, and
//! for zip-based Office files by its name):
//! - UTF-8 text up to `MAX_TEXT` goes into the message itself, fenced with its name (no
//!   upload, no storage of its own: the message carries it, so it resends, reloads and
//!   exports with it).
//! - Documents (PDF, Word, Excel, PowerPoint, OpenDocument, EPUB), longer text, and text in
//!   another encoding (GBK, Latin-1: the API reads those) are uploaded for Kimi's file
//!   extraction, up to `MAX_UPLOAD` (the API's limit): `Read::Document`.
//! - Images, archives, and other binary files are refused, saying why.
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

/// The largest file uploaded for extraction (the API's limit per file).
pub const MAX_UPLOAD: u64 = 100 * 1024 * 1024;

/// What `/attach` does with one file.
#[derive(Debug, Clone, PartialEq)]
pub enum Read {
    /// Text that goes into the message.
    Text(Attachment),
    /// A document to upload for extraction; `text`: it is text (long, or in another
    /// encoding), so its size says about how many tokens it is before it goes up.
    Document {
        path: PathBuf,
        name: String,
        bytes: u64,
        text: bool,
    },
}

/// Reads each of `paths` (`~/` is the home directory; relative paths are from `cwd`).
pub fn read(paths: &[String], cwd: &Path, home: Option<&Path>) -> Vec<Result<Read, String>> {
    paths
        .iter()
        .map(|path| read_one(&resolve(path, cwd, home), path))
        .collect()
}

/// `path` as typed: `~/` is the home directory, a relative path is from `cwd`.
pub fn resolve(path: &str, cwd: &Path, home: Option<&Path>) -> PathBuf {
    match (path.strip_prefix("~/"), home) {
        (Some(rest), Some(home)) => home.join(rest),
        _ => cwd.join(path),
    }
}

fn read_one(path: &Path, shown: &str) -> Result<Read, String> {
    let name = path
        .file_name()
        .map_or_else(|| shown.to_string(), |n| n.to_string_lossy().into_owned());
    let meta = std::fs::metadata(path).map_err(|e| format!("{shown}: {}", reason(&e)))?;
    if meta.is_dir() {
        return Err(format!("{shown} is a directory."));
    }
    if meta.len() == 0 {
        return Err(format!("{shown} is empty."));
    }
    // The first bytes say what it is, before a large file is read whole.
    let mut head = Vec::with_capacity(8192);
    std::fs::File::open(path)
        .and_then(|file| {
            std::io::Read::read_to_end(&mut std::io::Read::take(file, 8192), &mut head)
        })
        .map_err(|e| format!("{shown}: {}", reason(&e)))?;
    let upload = |text: bool| {
        if meta.len() > MAX_UPLOAD {
            return Err(format!(
                "{shown} is {}: the API takes files up to 100 MB.",
                crate::text::plain::size_label(usize::try_from(meta.len()).unwrap_or(usize::MAX))
            ));
        }
        Ok(Read::Document {
            path: path.to_path_buf(),
            name: name.clone(),
            bytes: meta.len(),
            text,
        })
    };
    match sniff(&head, &name) {
        Some(Kind::Document) => return upload(false),
        Some(Kind::Refused(why)) => return Err(format!("{shown} is {why}")),
        None => {}
    }
    if head.contains(&0) {
        return Err(format!(
            "{shown} is not a text file or a document kimi-tui knows (PDF, Office, EPUB)."
        ));
    }
    if meta.len() > MAX_TEXT {
        // Long text: extracted by the API, not pasted into the message.
        return upload(true);
    }
    let bytes = std::fs::read(path).map_err(|e| format!("{shown}: {}", reason(&e)))?;
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Read::Text(Attachment { name, text })),
        // GBK, Latin-1 and the like: the API's extraction reads them.
        Err(_) => upload(true),
    }
}

enum Kind {
    Document,
    Refused(&'static str),
}

/// What kind of file the bytes are, by their first bytes (not the name, except to tell an
/// Office file from another zip archive).
fn sniff(bytes: &[u8], name: &str) -> Option<Kind> {
    let office = [".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp", ".epub"];
    let lower = name.to_lowercase();
    let kinds: [(&[u8], Kind); 7] = [
        (b"%PDF", Kind::Document),
        (b"\xD0\xCF\x11\xE0", Kind::Document),
        (
            b"\x89PNG",
            Kind::Refused("a PNG image: images are not supported yet."),
        ),
        (
            b"\xFF\xD8\xFF",
            Kind::Refused("a JPEG image: images are not supported yet."),
        ),
        (
            b"GIF8",
            Kind::Refused("a GIF image: images are not supported yet."),
        ),
        (
            b"RIFF",
            Kind::Refused("a RIFF file (WebP, WAV…), which the API does not read."),
        ),
        (
            b"PK\x03\x04",
            if office.iter().any(|ext| lower.ends_with(ext)) {
                Kind::Document
            } else {
                Kind::Refused("a zip archive, which the API does not read: attach the files in it.")
            },
        ),
    ];
    kinds
        .into_iter()
        .find(|(magic, _)| bytes.starts_with(magic))
        .map(|(_, kind)| kind)
}

/// Why a file could not be read, in a few words.
pub fn reason(e: &std::io::Error) -> String {
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
        let fence = crate::text::plain::fence_for(&self.text);
        let name = crate::text::plain::sanitize(&self.name).replace('`', "'");
        let body = self.text.strip_suffix('\n').unwrap_or(&self.text);
        format!("{fence}{name}\n{body}\n{fence}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attach(dir: &Path, name: &str, bytes: &[u8]) -> Result<Read, String> {
        std::fs::write(dir.join(name), bytes).expect("write");
        read(&[name.to_string()], dir, None).remove(0)
    }

    fn uploaded(read: Result<Read, String>) -> (String, u64) {
        match read {
            Ok(Read::Document { name, bytes, .. }) => (name, bytes),
            other => panic!("not an upload: {other:?}"),
        }
    }

    #[test]
    fn each_kind_of_file_takes_its_path_or_says_why_not() {
        let dir = tempfile::tempdir().expect("dir");
        let d = dir.path();
        let ok = attach(d, "notes.md", "# Notes\n中文\n".as_bytes());
        assert_eq!(
            ok,
            Ok(Read::Text(Attachment {
                name: "notes.md".into(),
                text: "# Notes\n中文\n".into()
            }))
        );
        // Documents go up for extraction, whatever their name says.
        assert_eq!(
            uploaded(attach(d, "report.txt", b"%PDF-1.7 ...")),
            ("report.txt".into(), 12)
        );
        assert_eq!(uploaded(attach(d, "old.doc", b"\xD0\xCF\x11\xE0rest")).1, 8);
        assert_eq!(
            uploaded(attach(d, "Plan.DOCX", b"PK\x03\x04word")).0,
            "Plan.DOCX"
        );
        // Text in another encoding, and text over 1 MB, are extracted by the API too.
        assert_eq!(uploaded(attach(d, "gbk.txt", b"\xd6\xd0\xce\xc4")).1, 4);
        let big = vec![b'a'; usize::try_from(MAX_TEXT).unwrap_or(0) + 1];
        assert_eq!(uploaded(attach(d, "big.log", &big)).1, MAX_TEXT + 1);
        // Refused, each with its reason.
        let zip = attach(d, "src.zip", b"PK\x03\x04code").expect_err("zip");
        assert!(zip.contains("zip archive"), "{zip}");
        let png = attach(d, "shot", b"\x89PNG\r\n\x1a\n").expect_err("png");
        assert!(png.contains("PNG image"), "{png}");
        let binary = attach(d, "a.bin", b"abc\0def").expect_err("binary");
        assert!(binary.contains("not a text file"), "{binary}");
        let empty = attach(d, "empty.pdf", b"").expect_err("empty");
        assert_eq!(empty, "empty.pdf is empty.");
        let missing = read(&["nope.txt".into()], d, None).remove(0);
        assert_eq!(missing, Err("nope.txt: no such file.".into()));
        let home = read(&["~/notes.md".into()], Path::new("/"), Some(d)).remove(0);
        assert!(matches!(home, Ok(Read::Text(_))), "{home:?}");
    }

    #[test]
    fn a_file_over_the_apis_limit_is_refused_before_upload() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("huge.pdf");
        let file = std::fs::File::create(&path).expect("create");
        std::io::Write::write_all(&mut &file, b"%PDF-1.7").expect("write");
        // Sparse: no disk is used for the 100 MB.
        file.set_len(MAX_UPLOAD + 1).expect("grow");
        let err = read(&["huge.pdf".into()], dir.path(), None)
            .remove(0)
            .expect_err("huge");
        assert!(err.contains("up to 100 MB"), "{err}");
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
