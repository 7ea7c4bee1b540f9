//! Providers as named profiles: Kimi international (the default), Kimi China, and any
//! OpenAI-compatible endpoint the config file describes. Pure: resolving reads the
//! environment only through the function it is given.

use std::collections::BTreeMap;

use serde::Deserialize;

/// A profile as written in the config file, under `[profiles.NAME]`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ProfileFile {
    pub base_url: Option<String>,
    /// The environment variable that holds this provider's key.
    pub key_env: Option<String>,
    pub model: Option<String>,
    /// Send Kimi-only fields (thinking, reasoning_effort, a default completion budget).
    pub kimi_fields: Option<bool>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    pub name: String,
    pub base_url: String,
    /// Variables tried in order for the key.
    pub key_env: Vec<String>,
    pub model: String,
    pub kimi_fields: bool,
    /// Whether one of `key_env` is set (the key itself is never kept here).
    pub has_key: bool,
}

pub const DEFAULT_PROFILE: &str = "kimi";

fn kimi(name: &str, base_url: &str) -> Profile {
    Profile {
        name: name.into(),
        base_url: base_url.into(),
        key_env: vec!["MOONSHOT_API_KEY".into(), "KIMI_API_KEY".into()],
        model: crate::config::DEFAULT_MODEL.into(),
        kimi_fields: true,
        has_key: false,
    }
}

/// The built-in profiles, then the file's (a file entry with a built-in's name changes it).
pub fn resolve_all(
    file: &BTreeMap<String, ProfileFile>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Vec<Profile> {
    let mut all = vec![
        kimi(DEFAULT_PROFILE, "https://api.moonshot.ai/v1"),
        kimi("kimi-cn", "https://api.moonshot.cn/v1"),
    ];
    for (name, entry) in file {
        let base = all
            .iter()
            .find(|p| &p.name == name)
            .cloned()
            .unwrap_or_else(|| Profile {
                kimi_fields: false,
                ..kimi(name, crate::config::DEFAULT_BASE_URL)
            });
        let profile = Profile {
            name: name.clone(),
            base_url: entry.base_url.clone().unwrap_or(base.base_url),
            key_env: entry.key_env.clone().map_or(base.key_env, |v| vec![v]),
            model: entry.model.clone().unwrap_or(base.model),
            kimi_fields: entry.kimi_fields.unwrap_or(base.kimi_fields),
            has_key: false,
        };
        match all.iter_mut().find(|p| &p.name == name) {
            Some(slot) => *slot = profile,
            None => all.push(profile),
        }
    }
    for profile in &mut all {
        profile.base_url = profile.base_url.trim_end_matches('/').to_string();
        profile.has_key = profile
            .key_env
            .iter()
            .any(|v| env(v).is_some_and(|k| !k.trim().is_empty()));
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_and_file_profiles_resolve_with_their_keys() {
        let mut file = BTreeMap::new();
        file.insert(
            "local".to_string(),
            ProfileFile {
                base_url: Some("http://localhost:8080/v1/".into()),
                key_env: Some("LOCAL_KEY".into()),
                model: Some("qwen".into()),
                kimi_fields: None,
            },
        );
        file.insert(
            "kimi-cn".to_string(),
            ProfileFile {
                model: Some("kimi-k3".into()),
                ..ProfileFile::default()
            },
        );
        let env = |name: &str| (name == "LOCAL_KEY").then(|| "k".to_string());
        let all = resolve_all(&file, &env);
        let names: Vec<&str> = all.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["kimi", "kimi-cn", "local"]);
        assert_eq!(all[1].base_url, "https://api.moonshot.cn/v1");
        assert_eq!(all[1].model, "kimi-k3");
        assert!(all[1].kimi_fields);
        assert_eq!(all[2].base_url, "http://localhost:8080/v1");
        assert!(
            !all[2].kimi_fields,
            "other endpoints get no Kimi-only fields by default"
        );
        assert!(all[2].has_key);
        assert!(!all[0].has_key);
    }
}
