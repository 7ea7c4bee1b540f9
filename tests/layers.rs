//! The module layers, checked on the source: a top-level module may use only modules of a
//! lower layer, so there are no import cycles and the pure core never reaches up into the
//! runtime. What may not call IO is enforced by clippy (`clippy.toml`); this test keeps the
//! shape. ARCHITECTURE.md explains the layers.
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "tests are an edge: they start servers, read clocks and write files"
)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Lowest first. Modules in one layer do not use each other.
const LAYERS: &[&[&str]] = &[
    &[
        "ids", "num", "error", "theme", "chord", "catalog", "terminal",
    ],
    &["api", "text"],
    &["config"],
    &["io"],
    &["msg", "effect"],
    &["bindings"],
    &["state"],
    &["export", "import", "layout"],
    &["keymap"],
    &["update", "ui", "fuzzing"],
    &["runtime"],
    &["oneshot", "check"],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

/// Every `.rs` file under `dir`, with the top-level module it belongs to.
fn sources(dir: &Path, top: Option<&str>, out: &mut Vec<(String, String)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        panic!("cannot read {}", dir.display());
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let module = top.map_or_else(|| name.trim_end_matches(".rs").to_string(), str::to_string);
        if path.is_dir() {
            sources(&path, Some(&module), out);
        } else if name.ends_with(".rs") {
            let text = std::fs::read_to_string(&path).expect("source is readable");
            out.push((module, text));
        }
    }
}

/// The crate modules `text` names as `crate::module`, ignoring its unit tests.
fn uses(text: &str) -> BTreeSet<String> {
    let code = text.split("#[cfg(test)]\nmod tests").next().unwrap_or(text);
    let mut found = BTreeSet::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let after = &rest[at + "crate::".len()..];
        let name: String = after
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() {
            found.insert(name);
        }
        rest = after;
    }
    found
}

#[test]
fn every_module_uses_only_lower_layers() {
    let mut files = Vec::new();
    sources(
        Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src")),
        None,
        &mut files,
    );
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, text) in &files {
        if module == "main" || module == "lib" {
            continue;
        }
        let entry = graph.entry(module.clone()).or_default();
        entry.extend(uses(text).into_iter().filter(|used| used != module));
    }
    let mut wrong = Vec::new();
    for (module, used) in &graph {
        let Some(own) = layer_of(module) else {
            wrong.push(format!("{module} is in no layer: add it to LAYERS"));
            continue;
        };
        for other in used {
            match layer_of(other) {
                Some(layer) if layer < own => {}
                Some(_) => wrong.push(format!("{module} uses {other}, which is not below it")),
                // `crate::` followed by something that is not a module (a macro path, say).
                None if !graph.contains_key(other) => {}
                None => wrong.push(format!("{other} is in no layer: add it to LAYERS")),
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "layer rules broken:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_checker_sees_a_use() {
    let found = uses(
        "use crate::state::AppState;\nfn f() { crate::ui::render() }\n#[cfg(test)]\nmod tests { use crate::runtime; }",
    );
    assert_eq!(
        found,
        BTreeSet::from(["state".to_string(), "ui".to_string()])
    );
}
