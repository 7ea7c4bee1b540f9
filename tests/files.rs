//! Kimi's Files API through the real HTTP client against the loopback mock: uploading a
//! document for extraction (with progress, a slow extraction, each failure), listing and
//! deleting the account's files.
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "tests are an edge: they start servers, read clocks and write files"
)]

mod support;

use std::sync::{Arc, Mutex};

use kimi_tui::config::FileConfig;
use kimi_tui::io::llm::LlmClient;
use support::mock_kimi::MockKimi;

fn client(mock: &MockKimi) -> LlmClient {
    let file = FileConfig {
        idle_timeout_secs: Some(10),
        ..FileConfig::default()
    };
    support::client(&mock.base_url(), Some("sk-test"), file)
}

fn write(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).expect("write");
    path
}

#[tokio::test]
async fn a_document_is_uploaded_extracted_and_its_text_fetched_with_progress() {
    let mock = MockKimi::start();
    let dir = tempfile::tempdir().expect("dir");
    // 700 KB: several reads, so progress is told more than once.
    let mut body = b"%PDF-1.7\n".to_vec();
    for n in 0..20_000 {
        body.extend_from_slice(format!("line {n} of the report, 长城\n").as_bytes());
    }
    let path = write(&dir, "report.pdf", &body);
    let seen = Arc::new(Mutex::new(Vec::new()));
    let told = seen.clone();
    let doc = client(&mock)
        .upload_document(&path, "report.pdf", move |sent, total| {
            told.lock().expect("lock").push((sent, total));
        })
        .await
        .expect("uploaded");
    assert_eq!(doc.name, "report.pdf");
    assert_eq!(doc.bytes, body.len() as u64);
    assert!(doc.file_id.starts_with("file_"), "{}", doc.file_id);
    // The content endpoint's answer, as the API gives it (a JSON object with the text).
    let value: serde_json::Value = serde_json::from_str(&doc.text).expect("json");
    let text = value["content"].as_str().expect("content");
    assert!(
        text.starts_with("line 0 of the report, 长城\n"),
        "{text:.40}"
    );
    assert!(text.ends_with("line 19999 of the report, 长城\n"));
    let progress = seen.lock().expect("lock").clone();
    assert!(progress.len() >= 2, "{progress:?}");
    assert!(progress.windows(2).all(|w| w[0].0 < w[1].0));
    assert_eq!(
        progress.last(),
        Some(&(body.len() as u64, body.len() as u64))
    );
    let files = mock.files();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].purpose, "file-extract");
    assert_eq!(files[0].filename, "report.pdf");
    assert_eq!(files[0].bytes, body.len());
}

#[tokio::test]
async fn a_slow_extraction_is_waited_for() {
    let mock = MockKimi::start();
    mock.slow_extraction(2);
    let dir = tempfile::tempdir().expect("dir");
    let path = write(&dir, "notes.txt", "第一章\n".as_bytes());
    let doc = client(&mock)
        .upload_document(&path, "notes.txt", |_, _| {})
        .await
        .expect("uploaded");
    assert!(doc.text.contains("第一章"), "{}", doc.text);
}

#[tokio::test]
async fn each_failure_is_said_plainly() {
    let mock = MockKimi::start();
    let dir = tempfile::tempdir().expect("dir");
    let client = client(&mock);
    // The API could not extract it.
    let broken = write(&dir, "broken.pdf", b"%PDF-broken\n...");
    let err = client
        .upload_document(&broken, "broken.pdf", |_, _| {})
        .await
        .expect_err("broken");
    assert!(
        err.to_string()
            .contains("could not extract broken.pdf: the file is broken"),
        "{err}"
    );
    // The account is full (1,000 files).
    for n in 0..1000 {
        mock.add_file(&format!("old{n}.pdf"), 10, 1);
    }
    let fine = write(&dir, "fine.pdf", b"%PDF-1.7\nhello");
    let err = client
        .upload_document(&fine, "fine.pdf", |_, _| {})
        .await
        .expect_err("full");
    assert!(
        err.to_string().contains("exceeds the limit of 1000"),
        "{err}"
    );
    // A type the API refuses.
    mock.fail_next_upload(400, "invalid_request_error", "unsupported file type");
    let err = client
        .upload_document(&fine, "fine.pdf", |_, _| {})
        .await
        .expect_err("refused");
    assert!(err.to_string().contains("unsupported file type"), "{err}");
    // A file gone before it was read.
    let err = client
        .upload_document(&dir.path().join("gone.pdf"), "gone.pdf", |_, _| {})
        .await
        .expect_err("gone");
    assert!(err.to_string().contains("cannot read gone.pdf"), "{err}");
}

#[tokio::test]
async fn files_are_listed_and_deleted() {
    let mock = MockKimi::start();
    let a = mock.add_file("a.pdf", 1200, 1_790_000_000);
    let b = mock.add_file("b.docx", 3400, 1_790_000_100);
    let client = client(&mock);
    let files = client.list_files().await.expect("list");
    let names: Vec<(&str, u64, u64)> = files
        .iter()
        .map(|f| (f.filename.as_str(), f.bytes, f.created_at))
        .collect();
    assert_eq!(
        names,
        [
            ("a.pdf", 1200, 1_790_000_000),
            ("b.docx", 3400, 1_790_000_100)
        ]
    );
    client.delete_file(&a).await.expect("delete");
    // Gone already: what was asked for.
    client.delete_file(&a).await.expect("delete again");
    assert_eq!(mock.deleted_files(), [a]);
    let left = client.list_files().await.expect("list");
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].id, b);
}
