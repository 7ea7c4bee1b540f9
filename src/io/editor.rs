//! Editing the input in the user's editor: `$VISUAL`, else `$EDITOR`, else `vi`, on a
//! temporary file (mode 0600, removed afterwards). The command is run through `sh -c`, so
//! values with arguments (`code --wait`, `emacs -nw`) work as they do in a shell.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::Command;

/// The editor command from the environment, as a shell would pick it.
pub fn command_from(env: impl Fn(&str) -> Option<String>) -> String {
    ["VISUAL", "EDITOR"]
        .into_iter()
        .find_map(|name| env(name).filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| "vi".to_string())
}

/// Runs `command` on a file holding `text` and returns what it saved (one trailing newline,
/// which editors add, taken off). The caller has handed the terminal over. On failure, a
/// sentence for the user; the file is removed either way.
pub fn edit(command: &str, text: &str) -> Result<String, String> {
    let path = temp_path();
    write_private(&path, text).map_err(|e| format!("could not write {}: {e}", path.display()))?;
    let status = run(command, &path);
    let read = std::fs::read_to_string(&path);
    let _ = std::fs::remove_file(&path);
    match status {
        Err(err) => Err(format!("could not start the editor `{command}`: {err}")),
        Ok(status) if !status.success() => Err(format!(
            "the editor `{command}` exited with {}; the input is unchanged",
            status
                .code()
                .map_or_else(|| "a signal".to_string(), |c| format!("status {c}"))
        )),
        Ok(_) => {
            let mut text =
                read.map_err(|e| format!("could not read what the editor saved: {e}"))?;
            if text.ends_with('\n') {
                text.pop();
                if text.ends_with('\r') {
                    text.pop();
                }
            }
            Ok(text)
        }
    }
}

#[cfg(unix)]
fn run(command: &str, path: &std::path::Path) -> std::io::Result<std::process::ExitStatus> {
    // "$1" keeps a path with spaces one argument; the command itself is split by the shell.
    Command::new("sh")
        .arg("-c")
        .arg(format!("{command} \"$1\""))
        .arg("kimi-tui-editor")
        .arg(path)
        .status()
}

#[cfg(not(unix))]
fn run(command: &str, path: &std::path::Path) -> std::io::Result<std::process::ExitStatus> {
    let mut words = command.split_whitespace();
    let program = words.next().unwrap_or("notepad");
    Command::new(program).args(words).arg(path).status()
}

fn temp_path() -> PathBuf {
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    std::env::temp_dir().join(format!("kimi-tui-{}-{stamp}.md", std::process::id()))
}

fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visual_wins_then_editor_then_vi() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| (*v).to_string())
            }
        };
        assert_eq!(
            command_from(env(&[("EDITOR", "nano"), ("VISUAL", "code --wait")])),
            "code --wait"
        );
        assert_eq!(
            command_from(env(&[("EDITOR", "nano"), ("VISUAL", " ")])),
            "nano"
        );
        assert_eq!(command_from(env(&[])), "vi");
    }

    #[test]
    fn an_editor_with_arguments_edits_and_a_failing_one_changes_nothing() {
        // `sed -i` stands in for an editor given with an argument of its own.
        let edited = edit("sed -i s/draft/final/", "a draft\n").expect("edited");
        assert_eq!(edited, "a final");
        let failed = edit("false", "kept").expect_err("fails");
        assert!(failed.contains("exited with status 1"), "{failed}");
        let missing = edit("/no/such/editor", "kept").expect_err("fails");
        assert!(missing.contains("exited with status 127"), "{missing}");
    }
}
