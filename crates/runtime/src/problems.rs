//! Every problem a settings check found, reported together.
//!
//! A check that returns at its first problem makes the operator fix the
//! settings one start at a time: the context id, then the client id, then
//! the secret. A binary's `validate` instead notes each problem in a
//! [`Checklist`] and fails once, with [`Problems`] naming all of them.

use std::error::Error;
use std::fmt;

use crate::errors::error_chain;

/// Collects the problems of one settings check, in the order checked.
#[derive(Debug)]
pub struct Checklist<E> {
    /// What was found wrong so far.
    found: Vec<E>,
}

impl<E> Default for Checklist<E> {
    fn default() -> Self {
        Self { found: Vec::new() }
    }
}

impl<E> Checklist<E> {
    /// An empty checklist.
    pub fn new() -> Self {
        Self::default()
    }

    /// Notes `problem()` unless `ok`.
    pub fn require(&mut self, ok: bool, problem: impl FnOnce() -> E) {
        if !ok {
            self.found.push(problem());
        }
    }

    /// Notes the error of `result`, if any, and hands back its value.
    pub fn check<T, F: Into<E>>(&mut self, result: Result<T, F>) -> Option<T> {
        result
            .map_err(|problem| self.found.push(problem.into()))
            .ok()
    }

    /// Nothing found, or every problem found.
    pub fn finish(self) -> Result<(), Problems<E>> {
        if self.found.is_empty() {
            Ok(())
        } else {
            Err(Problems { found: self.found })
        }
    }
}

impl<E> Extend<E> for Checklist<E> {
    fn extend<I: IntoIterator<Item = E>>(&mut self, problems: I) {
        self.found.extend(problems);
    }
}

/// What a settings check found wrong; never empty.
///
/// One problem reads as that problem alone. Several read as a count and
/// then one indented line each, so a terminal or the journal shows every
/// key to fix at once; the caller says what was checked ("invalid
/// settings: 3 problems: ..."). Each line holds its problem's causes, so
/// the list has no source of its own.
#[derive(Debug)]
pub struct Problems<E> {
    /// In the order they were checked.
    found: Vec<E>,
}

impl<E> Problems<E> {
    /// The problems, in the order they were checked.
    pub fn list(&self) -> &[E] {
        &self.found
    }
}

impl<E: Error + 'static> fmt::Display for Problems<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.found.as_slice() {
            [only] => f.write_str(&error_chain(only)),
            all => {
                write!(f, "{} problems:", all.len())?;
                for problem in all {
                    write!(f, "\n  - {}", error_chain(problem))?;
                }
                Ok(())
            }
        }
    }
}

impl<E: Error + 'static> Error for Problems<E> {}

/// One problem, for a check that can only ever find one.
impl<E> From<E> for Problems<E> {
    fn from(problem: E) -> Self {
        Problems {
            found: vec![problem],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("{0}: not set")]
    struct Missing(&'static str);

    #[test]
    fn a_clean_checklist_finishes_ok() {
        let mut checklist = Checklist::<Missing>::new();

        checklist.require(true, || Missing("a"));

        assert!(checklist.finish().is_ok());
    }

    #[test]
    fn one_problem_reads_as_itself() {
        let mut checklist = Checklist::new();

        checklist.require(false, || Missing("store.path"));

        let problems = checklist.finish().unwrap_err();
        assert_eq!(problems.to_string(), "store.path: not set");
    }

    #[test]
    fn several_problems_are_listed_in_the_order_checked() {
        let mut checklist = Checklist::new();

        checklist.require(false, || Missing("a"));
        let value: Option<u8> = checklist.check(Err(Missing("b")));
        checklist.extend([Missing("c")]);

        assert_eq!(value, None);
        let problems = checklist.finish().unwrap_err();
        assert_eq!(problems.list().len(), 3);
        assert_eq!(
            problems.to_string(),
            "3 problems:\n  - a: not set\n  - b: not set\n  - c: not set"
        );
    }
}
