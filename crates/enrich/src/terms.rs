//! Terms compiled for matching against folded text.
//!
//! A term is folded like the text it is looked for in (see
//! [`fold`](crate::text::fold)). A *keyword* is found anywhere, also inside a
//! compound ("klinik" in "Universitätsklinikum"); a *word* only as a whole
//! word ("it" in "Leiter IT", not in "Facility"), for terms too short or too
//! common to be found inside other words.

use crate::text::fold;

/// What to look for in folded text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pattern {
    /// The folded term, with a space at both ends when it is a whole word.
    needle: String,
    /// Whether `needle` carries the two spaces.
    whole_word: bool,
}

impl Pattern {
    pub(crate) fn keyword(term: &str) -> Pattern {
        Pattern {
            needle: fold(term).trim().to_owned(),
            whole_word: false,
        }
    }

    pub(crate) fn word(term: &str) -> Pattern {
        Pattern {
            needle: fold(term),
            whole_word: true,
        }
    }

    pub(crate) fn found_in(&self, folded: &str) -> bool {
        folded.contains(&self.needle)
    }

    /// Byte spans of every occurrence, without the spaces around a word.
    pub(crate) fn spans<'a>(
        &'a self,
        folded: &'a str,
    ) -> impl Iterator<Item = (usize, usize)> + 'a {
        let trim = usize::from(self.whole_word);
        folded
            .match_indices(self.needle.as_str())
            .map(move |(at, found)| (at + trim, at + found.len() - trim))
    }
}

/// A set of terms where any one found is a match.
#[derive(Debug, Clone, Default)]
pub(crate) struct TermSet {
    patterns: Vec<Pattern>,
}

impl TermSet {
    pub(crate) fn new(keywords: &[String], words: &[String]) -> TermSet {
        let keywords = keywords.iter().map(|term| Pattern::keyword(term));
        let words = words.iter().map(|term| Pattern::word(term));
        TermSet {
            patterns: keywords.chain(words).collect(),
        }
    }

    pub(crate) fn found_in(&self, folded: &str) -> bool {
        self.patterns.iter().any(|pattern| pattern.found_in(folded))
    }
}
