//! What the loader keeps about where values came from: the inherited
//! variables the `.env` file overrode, and the origin of each key.

use std::io::Write;

use serde::Deserialize;
use so_runtime::{Loaded, Overridden, SettingsLoader};

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
struct Settings {
    demo: Demo,
}

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
struct Demo {
    listen: String,
    workers: u16,
    secret: String,
}

/// Loads with `env` as the inherited environment and `dotenv` as the
/// contents of the `.env` file.
fn load(env: &[(&str, &str)], dotenv: &str) -> (Loaded<Settings>, String) {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(dotenv.as_bytes()).unwrap();
    let path = file.path().display().to_string();

    let loaded = SettingsLoader::new()
        .environment(env.to_vec())
        .env_file(Some(file.path().to_owned()))
        .load_with_sources()
        .unwrap();
    (loaded, path)
}

#[test]
fn an_exported_variable_the_env_file_changes_is_named_without_its_values() {
    let env = [
        ("SO__DEMO__LISTEN", "127.0.0.1:8711"),
        ("SO__DEMO__SECRET", "from-the-shell"),
    ];
    let dotenv = "SO__DEMO__LISTEN=127.0.0.1:8700\nSO__DEMO__SECRET=from-the-file\n";

    let (loaded, path) = load(&env, dotenv);

    assert_eq!(
        loaded.settings.demo.listen, "127.0.0.1:8700",
        "the file wins"
    );
    let overridden = loaded.sources.overridden();
    let names = overridden
        .iter()
        .map(|o| o.name.as_str())
        .collect::<Vec<_>>();
    assert_eq!(names, ["SO__DEMO__LISTEN", "SO__DEMO__SECRET"]);
    let listen = &overridden[0];
    assert_eq!(listen.source, "the environment");
    assert_eq!(listen.by, path);
    assert!(!listen.emptied);
    for note in overridden.iter().map(Overridden::to_string) {
        assert!(
            note.contains("from the environment is overridden by"),
            "{note}"
        );
        assert!(note.contains(&path), "{note}");
        for value in ["8711", "8700", "from-the-shell", "from-the-file"] {
            assert!(!note.contains(value), "{note} shows {value}");
        }
    }
}

#[test]
fn nothing_is_noted_when_the_environment_value_is_not_lost() {
    let env = [
        ("SO__DEMO__LISTEN", "127.0.0.1:8711"),
        ("SO__DEMO__WORKERS", "3"),
        ("SO__DEMO__SECRET", ""),
    ];
    // The same value, a variable only the file sets, and a blank exported
    // variable the file fills in.
    let dotenv = "SO__DEMO__LISTEN=127.0.0.1:8711\nSO__OTHER__KEY=x\nSO__DEMO__SECRET=s\n";

    let (loaded, _) = load(&env, dotenv);

    assert_eq!(loaded.sources.overridden(), []);
    assert_eq!(loaded.settings.demo.workers, 3);
}

#[test]
fn an_empty_line_in_the_env_file_unsetting_an_exported_variable_is_noted() {
    let env = [("SO__DEMO__WORKERS", "3")];

    let (loaded, path) = load(&env, "SO__DEMO__WORKERS=\n");

    assert_eq!(loaded.settings.demo.workers, 0, "the default, not 3");
    let overridden = loaded.sources.overridden();
    assert_eq!(overridden.len(), 1);
    assert!(overridden[0].emptied);
    let note = overridden[0].to_string();
    assert!(
        note.contains("SO__DEMO__WORKERS from the environment"),
        "{note}"
    );
    assert!(
        note.contains(&format!("unset by an empty line in {path}")),
        "{note}"
    );
}

#[test]
fn a_line_repeated_in_the_env_file_is_noted_once_and_only_if_it_changes_the_value() {
    let env = [("SO__DEMO__LISTEN", "a:1"), ("SO__DEMO__WORKERS", "3")];
    // LISTEN changes twice; WORKERS changes and is set back.
    let dotenv = "SO__DEMO__LISTEN=b:2\nSO__DEMO__LISTEN=c:3\n\
                  SO__DEMO__WORKERS=4\nSO__DEMO__WORKERS=3\n";

    let (loaded, _) = load(&env, dotenv);

    let names = loaded.sources.overridden().iter().map(|o| o.name.clone());
    assert_eq!(names.collect::<Vec<_>>(), ["SO__DEMO__LISTEN"]);
}

#[test]
fn origin_names_the_variable_and_its_source_of_each_key_set() {
    let env = [("SO__DEMO__WORKERS", "3")];

    let (loaded, path) = load(&env, "SO__DEMO__LISTEN=127.0.0.1:9\n");

    let sources = &loaded.sources;
    let listen = format!("SO__DEMO__LISTEN from {path}");
    assert_eq!(sources.origin("demo.listen"), Some(listen.as_str()));
    assert_eq!(
        sources.origin("demo.workers"),
        Some("SO__DEMO__WORKERS from the environment")
    );
    assert_eq!(sources.origin("demo.secret"), None, "a default");
    assert_eq!(sources.origin("demo"), None, "a section");
}
