//! The API key in the operating system's credential store (Secret Service on Linux, the
//! Keychain on macOS, the Credential Manager on Windows) through the `keyring` crate: one
//! entry per profile (service "kimi-tui"), since a key works only in its own region. Never in
//! a plain file. Where there is no store (headless Linux without a Secret Service) every call
//! says so, and the app shows the `export MOONSHOT_API_KEY=...` line instead.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

const SERVICE: &str = "kimi-tui";

/// Entries by profile, made once: keyring's test store keeps a credential per entry, and the
/// real stores do not mind.
fn entries() -> &'static Mutex<HashMap<String, keyring::Entry>> {
    static ENTRIES: OnceLock<Mutex<HashMap<String, keyring::Entry>>> = OnceLock::new();
    ENTRIES.get_or_init(|| Mutex::new(HashMap::new()))
}

fn with_entry<T>(
    profile: &str,
    f: impl FnOnce(&keyring::Entry) -> keyring::Result<T>,
) -> Result<T, String> {
    let mut entries = entries()
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let entry = match entries.entry(profile.to_string()) {
        std::collections::hash_map::Entry::Occupied(slot) => slot.into_mut(),
        std::collections::hash_map::Entry::Vacant(slot) => {
            slot.insert(keyring::Entry::new(SERVICE, profile).map_err(describe)?)
        }
    };
    f(entry).map_err(describe)
}

fn describe(err: keyring::Error) -> String {
    match err {
        keyring::Error::PlatformFailure(_) | keyring::Error::NoStorageAccess(_) => {
            format!("no credential store is available here ({err})")
        }
        other => other.to_string(),
    }
}

/// The key stored for `profile`, if any.
pub fn load(profile: &str) -> Result<Option<String>, String> {
    with_entry(profile, |e| match e.get_password() {
        Ok(key) => Ok(Some(key)),
        Err(keyring::Error::NoEntry) => Ok(None),
        Err(other) => Err(other),
    })
}

/// Stores `key` for `profile`, replacing what was there.
pub fn save(profile: &str, key: &str) -> Result<(), String> {
    with_entry(profile, |e| e.set_password(key))
}

/// Removes the key stored for `profile`: whether there was one.
pub fn delete(profile: &str) -> Result<bool, String> {
    with_entry(profile, |e| match e.delete_credential() {
        Ok(()) => Ok(true),
        Err(keyring::Error::NoEntry) => Ok(false),
        Err(other) => Err(other),
    })
}

/// From now on, keys live in memory only, in this process (tests).
pub fn use_test_store() {
    keyring::set_default_credential_builder(keyring::mock::default_credential_builder());
}
