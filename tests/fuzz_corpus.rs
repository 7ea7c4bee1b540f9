//! Replays every committed fuzz input (fuzz/corpus/<target>/ and the crashes kept in
//! fuzz/regressions/<target>/) through the same functions the fuzz targets run, on stable
//! Rust: what fuzzing found stays fixed. See FUZZING.md.
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "tests are an edge: they start servers, read clocks and write files"
)]

use std::path::Path;

#[test]
fn every_corpus_file_runs_clean_through_its_target() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    for (name, target) in kimi_tui::fuzzing::TARGETS {
        let mut count = 0;
        for dir in ["corpus", "regressions"] {
            let Ok(entries) = std::fs::read_dir(root.join(dir).join(name)) else {
                continue;
            };
            for entry in entries.flatten() {
                // A running fuzzer may replace files under our feet; a vanished one is skipped.
                let data = match std::fs::read(entry.path()) {
                    Ok(data) => data,
                    Err(err) if err.kind() == std::io::ErrorKind::NotFound => continue,
                    Err(err) => panic!("{}: {err}", entry.path().display()),
                };
                let run = std::panic::catch_unwind(|| target(&data));
                assert!(
                    run.is_ok(),
                    "{name}: {} fails on {:?}",
                    entry.path().display(),
                    String::from_utf8_lossy(&data[..data.len().min(400)])
                );
                count += 1;
            }
        }
        assert!(count > 0, "no corpus for fuzz target {name}");
    }
}
