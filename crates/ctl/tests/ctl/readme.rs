//! The README cannot rot: every `soctl` command in it is run here, as
//! written, against the sandbox; every other command must appear verbatim in
//! a script CI runs (`.ci/run` or `.ci/readme-tour`), so changing one
//! without the other fails this test.

use std::path::{Path, PathBuf};

use crate::harness::{open_store, wait_until, Env};
use crate::receiver::Receiver;

/// README commands that do not end 0 against a fresh sandbox and store, and
/// why: the answer they give there is the right one.
const EXPECTED_CODES: &[(&str, i32)] = &[
    // No job 42 on a fresh store: "not found".
    ("soctl queue show 42", 4),
    ("soctl queue retry 42", 4),
    // No delivery was ever stored for contact 4711: "not found".
    ("soctl replay --entity contact:4711", 4),
    // The backfill before it ran to its end: nothing to resume.
    ("soctl backfill --resume", 4),
    // No worker runs here, so the newest account is not enriched: the
    // check's "mismatch" code.
    ("soctl verify-latest", 5),
];

/// README commands this test leaves to another, and which one.
const RUN_ELSEWHERE: &[(&str, &str)] = &[(
    // The README's target is a public host; the sandbox would post the
    // registration test event to it. The same command with a loopback target
    // is reconcile::webhook_register_points_the_webhook_at_a_new_target.
    "soctl webhook register --url https://connector.example/connector/webhook",
    "reconcile::webhook_register_points_the_webhook_at_a_new_target",
)];

/// The scripts CI runs, in which every non-soctl README command must appear.
const CI_SCRIPTS: &[&str] = &[".ci/run", ".ci/readme-tour"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_soctl_command_in_the_readme_runs_against_the_sandbox() {
    let (env, _receiver) = readme_env().await;
    let commands: Vec<String> = readme_commands()
        .into_iter()
        .filter(|command| command.starts_with("soctl "))
        .filter(|command| !RUN_ELSEWHERE.iter().any(|(skipped, _)| skipped == command))
        .collect();
    assert!(
        commands.len() >= 20,
        "the README's soctl commands: {commands:?}"
    );

    let mut wrong = Vec::new();
    for command in &commands {
        let words = split_words(command);
        let run = env
            .soctl(&words[1..].iter().map(String::as_str).collect::<Vec<_>>())
            .await;
        let expected = EXPECTED_CODES
            .iter()
            .find(|(known, _)| known == command)
            .map_or(0, |(_, code)| *code);
        if run.code != expected {
            wrong.push(format!(
                "`{command}` exited {} (expected {expected}):\n{}{}",
                run.code, run.stdout, run.stderr
            ));
        }
    }

    assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
}

#[test]
fn every_other_readme_command_is_run_by_a_ci_script() {
    let scripts: Vec<String> = CI_SCRIPTS
        .iter()
        .map(|script| std::fs::read_to_string(repository().join(script)).unwrap())
        .flat_map(|text| commands_of(&text))
        .collect();
    let others: Vec<String> = readme_commands()
        .into_iter()
        .filter(|command| !command.starts_with("soctl "))
        .collect();
    assert!(
        others.len() >= 10,
        "the README's other commands: {others:?}"
    );

    let missing: Vec<&String> = others
        .iter()
        .filter(|command| !scripts.iter().any(|line| line.contains(command.as_str())))
        .collect();

    assert!(
        missing.is_empty(),
        "README commands no CI script runs verbatim: {missing:#?}"
    );
}

#[test]
fn the_commands_run_elsewhere_are_still_in_the_readme() {
    let commands = readme_commands();

    for (command, test) in RUN_ELSEWHERE {
        assert!(
            commands.contains(&command.to_string()),
            "{command} ({test})"
        );
    }
    for (command, _) in EXPECTED_CODES {
        assert!(commands.contains(&command.to_string()), "{command}");
    }
}

/// The sandbox with its webhook posting to a receiver, one webhook of a
/// renamed account already delivered, and soctl with the vertical list ids
/// of `deploy/sandbox.env`, as the README's walk sets up.
async fn readme_env() -> (Env, Receiver) {
    let dir = tempfile::tempdir().unwrap();
    let receiver = Receiver::start(open_store(&dir).await).await;
    let mut env = Env::start_with_webhook(dir, receiver.url.clone(), "readme-secret").await;
    env.sandbox
        .tenant()
        .change_contact(1002, 23, |contact| contact.name = "Renamed AG".to_owned())
        .unwrap();
    wait_until("the rename's webhook is recorded", || {
        receiver.recorded() == 1
    })
    .await;

    let sandbox_env = std::fs::read_to_string(repository().join("deploy/sandbox.env")).unwrap();
    for line in sandbox_env.lines() {
        if let Some((name, value)) = line.split_once('=') {
            if name.starts_with("SO__ANALYZER__") {
                env.set(name, value);
            }
        }
    }
    (env, receiver)
}

/// The project's root.
fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every command in the README's `sh` blocks.
fn readme_commands() -> Vec<String> {
    let readme = std::fs::read_to_string(repository().join("README.md")).unwrap();
    let mut code = String::new();
    let mut in_block = false;
    for line in readme.lines() {
        if line.trim_start().starts_with("```") {
            in_block = !in_block && line.trim() == "```sh";
        } else if in_block {
            code.push_str(line);
            code.push('\n');
        }
    }
    commands_of(&code)
}

/// The commands of a shell text: continuation lines joined, comments and
/// blank lines dropped, runs of spaces made one.
fn commands_of(code: &str) -> Vec<String> {
    let mut commands = Vec::new();
    let mut pending = String::new();
    for line in code.lines() {
        let code = strip_comment(line).trim_end();
        if let Some(continued) = code.strip_suffix('\\') {
            pending.push_str(continued);
            pending.push(' ');
            continue;
        }
        pending.push_str(code);
        let command = std::mem::take(&mut pending);
        let command = command.split_whitespace().collect::<Vec<_>>().join(" ");
        if !command.is_empty() {
            commands.push(command);
        }
    }
    commands
}

/// `line` without a trailing `# comment` (a `#` outside quotes that starts
/// a word).
fn strip_comment(line: &str) -> &str {
    let mut quote = None;
    let mut previous = ' ';
    for (index, character) in line.char_indices() {
        match (quote, character) {
            (None, '\'' | '"') => quote = Some(character),
            (Some(open), _) if open == character => quote = None,
            (None, '#') if previous.is_whitespace() => return &line[..index],
            _ => {}
        }
        previous = character;
    }
    line
}

/// A command's words, as the shell splits a simple command: on spaces,
/// with double-quoted words kept whole.
fn split_words(command: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    for character in command.chars() {
        match character {
            '"' => quoted = !quoted,
            ' ' if !quoted => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            _ => word.push(character),
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}
