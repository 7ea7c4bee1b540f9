#![no_main]
// See kimi_tui::fuzzing::import for what must hold.
libfuzzer_sys::fuzz_target!(|data: &[u8]| kimi_tui::fuzzing::import(data));
