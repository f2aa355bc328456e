//! The layering of settings: defaults, TOML file, environment, `.env` file.

use std::io::Write;

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use so_runtime::{LogFormat, LogSettings, SettingsError, SettingsLoader};

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
struct Settings {
    demo: Demo,
    log: LogSettings,
}

#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct Demo {
    listen: String,
    workers: u16,
    ids: Vec<i64>,
    webhook: Webhook,
}

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
struct Webhook {
    secret: Option<SecretString>,
}

impl Default for Demo {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:1".into(),
            workers: 1,
            ids: vec![],
            webhook: Webhook::default(),
        }
    }
}

fn loader(env: &[(&str, &str)]) -> SettingsLoader {
    SettingsLoader::new()
        .without_env_file()
        .list_key("demo.ids")
        .environment(env.to_vec())
}

fn file_with(contents: &str) -> tempfile::NamedTempFile {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(contents.as_bytes()).unwrap();
    file
}

#[test]
fn defaults_apply_when_nothing_is_set() {
    let settings: Settings = loader(&[]).load().unwrap();

    assert_eq!(settings.demo.listen, "127.0.0.1:1");
    assert_eq!(settings.log.format, LogFormat::Human);
    assert!(settings.demo.webhook.secret.is_none());
}

#[test]
fn nested_variables_use_double_underscores() {
    let env = [
        ("SO__DEMO__WORKERS", "4"),
        ("SO__DEMO__WEBHOOK__SECRET", "s3cret"),
    ];

    let settings: Settings = loader(&env).load().unwrap();

    assert_eq!(settings.demo.workers, 4);
    assert_eq!(
        settings.demo.webhook.secret.unwrap().expose_secret(),
        "s3cret"
    );
}

#[test]
fn toml_file_overrides_defaults_and_environment_overrides_the_file() {
    let file = file_with("[demo]\nlisten = \"0.0.0.0:9\"\nworkers = 3\n");
    let env = [("SO__DEMO__WORKERS", "5")];

    let settings: Settings = loader(&env)
        .config_file(Some(file.path().to_owned()))
        .load()
        .unwrap();

    assert_eq!(settings.demo.listen, "0.0.0.0:9");
    assert_eq!(settings.demo.workers, 5);
}

#[test]
fn env_file_overrides_the_inherited_environment() {
    let env_file = file_with("SO__DEMO__LISTEN=127.0.0.1:2\n");
    let env = [("SO__DEMO__LISTEN", "stale:1"), ("SO__DEMO__WORKERS", "7")];

    let settings: Settings = SettingsLoader::new()
        .environment(env)
        .env_file(Some(env_file.path().to_owned()))
        .load()
        .unwrap();

    assert_eq!(settings.demo.listen, "127.0.0.1:2");
    assert_eq!(settings.demo.workers, 7);
}

#[test]
fn list_keys_split_on_commas_even_with_one_item() {
    let many: Settings = loader(&[("SO__DEMO__IDS", "17, 23,,42")]).load().unwrap();
    let one: Settings = loader(&[("SO__DEMO__IDS", "17")]).load().unwrap();

    assert_eq!(many.demo.ids, vec![17, 23, 42]);
    assert_eq!(one.demo.ids, vec![17]);
}

#[test]
fn empty_variable_counts_as_unset() {
    let env = [
        ("SO__DEMO__LISTEN", ""),
        ("SO__DEMO__WEBHOOK__SECRET", "  "),
    ];

    let settings: Settings = loader(&env).load().unwrap();

    assert_eq!(settings.demo.listen, "127.0.0.1:1");
    assert!(settings.demo.webhook.secret.is_none());
}

#[test]
fn secret_of_digits_keeps_its_leading_zeros() {
    let settings: Settings = loader(&[("SO__DEMO__WEBHOOK__SECRET", "00123")])
        .load()
        .unwrap();

    assert_eq!(
        settings.demo.webhook.secret.unwrap().expose_secret(),
        "00123"
    );
}

#[test]
fn variables_without_the_prefix_are_ignored() {
    let env = [
        ("DEMO__WORKERS", "9"),
        ("SOX__DEMO__WORKERS", "9"),
        ("SO_DEMO__WORKERS", "9"),
    ];

    let settings: Settings = loader(&env).load().unwrap();

    assert_eq!(settings.demo.workers, 1);
}

#[test]
fn wrong_type_names_the_key_and_the_variable() {
    let error = loader(&[("SO__DEMO__WORKERS", "many")])
        .load::<Settings>()
        .unwrap_err();

    let message = error_chain(&error);
    assert!(message.contains("demo.workers"), "{message}");
    assert!(
        message.contains("SO__DEMO__WORKERS from the environment"),
        "{message}"
    );
}

/// A field that converts its own string, as `superoffice.environment`.
#[derive(Debug, Deserialize)]
#[serde(try_from = "String")]
struct Colour;

impl TryFrom<String> for Colour {
    type Error = String;

    fn try_from(name: String) -> Result<Self, Self::Error> {
        Err(format!("colour {name:?}: expected red"))
    }
}

#[derive(Debug, Deserialize)]
struct Painted {
    #[allow(dead_code)]
    paint: Paint,
}

#[derive(Debug, Deserialize)]
struct Paint {
    #[allow(dead_code)]
    colour: Colour,
}

#[test]
fn a_value_its_field_refuses_names_the_key_and_the_variable() {
    let error = loader(&[("SO__PAINT__COLOUR", "mauve")])
        .load::<Painted>()
        .unwrap_err();

    let message = error_chain(&error);
    assert!(message.contains("expected red"), "{message}");
    assert!(message.contains("paint.colour"), "{message}");
    assert!(
        message.contains("SO__PAINT__COLOUR from the environment"),
        "{message}"
    );
}

#[test]
fn unknown_key_in_a_strict_section_names_its_variable() {
    let error = loader(&[("SO__DEMO__LISTN", "x")])
        .load::<Settings>()
        .unwrap_err();

    let message = error_chain(&error);
    assert!(message.contains("unknown field `listn`"), "{message}");
    assert!(
        message.contains("in SO__DEMO__LISTN from the environment"),
        "{message}"
    );
}

#[test]
fn unknown_section_names_every_variable_below_it_with_its_source() {
    let env_file = file_with("SO__DEMO__WEBHOK__TOKEN=t\n");
    let env = [
        ("SO__DEMO__WEBHOK__SECRET", "s"),
        ("SO__DEMO__WORKERS", "2"),
    ];

    let error = loader(&env)
        .env_file(Some(env_file.path().to_owned()))
        .load::<Settings>()
        .unwrap_err();

    let message = error_chain(&error);
    let token = format!("SO__DEMO__WEBHOK__TOKEN from {}", env_file.path().display());
    assert!(message.contains("unknown field `webhok`"), "{message}");
    assert!(
        message.contains("SO__DEMO__WEBHOK__SECRET from the environment"),
        "{message}"
    );
    assert!(message.contains(&token), "{message}");
    assert!(!message.contains("SO__DEMO__WORKERS"), "{message}");
}

#[test]
fn unknown_key_in_the_toml_file_names_the_file() {
    let file = file_with("[demo]\nlistn = \"0.0.0.0:9\"\n");

    let error = loader(&[])
        .config_file(Some(file.path().to_owned()))
        .load::<Settings>()
        .unwrap_err();

    let message = error_chain(&error);
    // The config crate names the file relative to the working directory
    // when it can, so only its name is certain to appear.
    let name = file.path().file_name().unwrap().to_string_lossy();
    assert!(message.contains("unknown field `listn`"), "{message}");
    assert!(message.contains(name.as_ref()), "{message}");
}

#[test]
fn named_env_file_that_is_missing_is_an_error() {
    let error = SettingsLoader::new()
        .environment(Vec::<(String, String)>::new())
        .env_file(Some("/nonexistent/.env".into()))
        .load::<Settings>()
        .unwrap_err();

    assert!(matches!(error, SettingsError::EnvFile { .. }));
}

#[test]
fn missing_config_file_is_an_error() {
    let error = loader(&[])
        .config_file(Some("/nonexistent/so.toml".into()))
        .load::<Settings>();

    assert!(matches!(error, Err(SettingsError::Invalid(_))));
}

#[test]
fn secrets_do_not_print() {
    let settings: Settings = loader(&[("SO__DEMO__WEBHOOK__SECRET", "hunter2")])
        .load()
        .unwrap();

    assert!(!format!("{settings:?}").contains("hunter2"));
}

#[test]
fn log_format_json_is_read() {
    let settings: Settings = loader(&[("SO__LOG__FORMAT", "json")]).load().unwrap();

    assert_eq!(settings.log.format, LogFormat::Json);
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}
