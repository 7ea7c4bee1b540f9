//! TLS trusts the operating system's certificates as well as the bundled ones, and
//! `SSL_CERT_FILE`: a loopback HTTPS front to the mock, its certificate signed by a test CA
//! (`tests/fixtures/tls`), is trusted exactly when that CA is named.
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "tests are an edge: they start servers, read clocks and write files"
)]

mod support;

use std::sync::Arc;

use support::mock_kimi::MockKimi;
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tls");

/// An HTTPS front on 127.0.0.1 (port 0) passing every connection to the mock. Returns its
/// base URL; it runs until the test ends.
fn https_front(mock: &MockKimi) -> String {
    let certs: Vec<CertificateDer<'static>> =
        CertificateDer::pem_file_iter(format!("{FIXTURES}/server.pem"))
            .expect("server.pem")
            .collect::<Result<_, _>>()
            .expect("certificates");
    let key = PrivateKeyDer::from_pem_file(format!("{FIXTURES}/server.key")).expect("server.key");
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("protocols")
    .with_no_client_auth()
    .with_single_cert(certs, key)
    .expect("server config");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let backend = mock.addr;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            tx.send(listener.local_addr().expect("addr")).expect("send");
            loop {
                let Ok((socket, _)) = listener.accept().await else {
                    return;
                };
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    let Ok(mut tls) = acceptor.accept(socket).await else {
                        return;
                    };
                    let Ok(mut plain) = tokio::net::TcpStream::connect(backend).await else {
                        return;
                    };
                    let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
                });
            }
        });
    });
    let addr = rx.recv().expect("front started");
    format!("https://localhost:{}/v1", addr.port())
}

fn check(base_url: &str, ca: Option<&str>) -> (Option<i32>, String) {
    let home = tempfile::tempdir().expect("home");
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_kimi-tui"));
    cmd.env_clear()
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("MOONSHOT_API_KEY", "sk-tls")
        // An empty directory: only SSL_CERT_FILE (or nothing) is the system's store here.
        .env("SSL_CERT_DIR", home.path())
        .args(["--check", "--base-url", base_url]);
    if let Some(ca) = ca {
        cmd.env("SSL_CERT_FILE", ca);
    } else {
        cmd.env("SSL_CERT_FILE", home.path().join("none.pem"));
    }
    let out = cmd.output().expect("run");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn a_company_ca_named_in_ssl_cert_file_is_trusted_and_nothing_else_is() {
    let mock = MockKimi::start();
    let url = https_front(&mock);
    let (code, text) = check(&url, Some(&format!("{FIXTURES}/ca.pem")));
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("✓ GET /models"), "{text}");
    // Without it the certificate is unknown: refused, and said.
    let (code, text) = check(&url, None);
    assert_eq!(code, Some(1), "{text}");
    let line = text
        .lines()
        .find(|l| l.starts_with("✗ GET /models"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(line.to_lowercase().contains("certificate"), "{line}");
}
