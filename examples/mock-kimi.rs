//! Runs the tests' mock Kimi server on its own, for trying kimi-tui by hand:
//!
//!     cargo run --example mock-kimi -- [PORT]        (default 8765)
//!     MOONSHOT_API_KEY=test cargo run -- --base-url http://127.0.0.1:8765/v1
//!
//! Every prompt is echoed back after a little reasoning, a word every 15 ms.
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "examples are an edge: they start servers, read clocks and write files"
)]

#[path = "../tests/support/mock_kimi.rs"]
mod mock_kimi;

fn main() {
    let port = std::env::args().nth(1).unwrap_or_else(|| "8765".into());
    let mock = mock_kimi::MockKimi::start_on(&format!("127.0.0.1:{port}"));
    println!("mock Kimi API on {}", mock.base_url());
    println!(
        "try: MOONSHOT_API_KEY=test cargo run -- --base-url {}",
        mock.base_url()
    );
    loop {
        std::thread::park();
    }
}
