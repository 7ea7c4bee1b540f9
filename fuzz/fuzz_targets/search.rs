#![no_main]
// See kimi_tui::fuzzing::search for what must hold.
libfuzzer_sys::fuzz_target!(|data: &[u8]| kimi_tui::fuzzing::search(data));
