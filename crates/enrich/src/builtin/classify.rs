//! Keyword classification into a vertical, with a confidence.
//!
//! Each fact is folded and searched for every vertical's keywords. A keyword
//! found in a fact adds its weight times the fact's weight to its vertical,
//! once per fact however often it occurs. Where one match lies inside a
//! longer one, only the longer counts: "Reinigungsmaschinen" is evidence for
//! the machine vendors and not also for "Reinigung" (building cleaning), which
//! is how a company that *sells* cleaning machines is told apart from one
//! that *uses* cleaning services. Blockers are matches that count for nobody
//! and exist only to swallow what they contain.
//!
//! Known limits of a keyword classifier, accepted for an offline default:
//! it cannot read negation or context ("kein Hotel", "Lieferant für
//! Kliniken"), so suppliers *to* a vertical are caught only where a blocker
//! or a longer keyword names them ("Hotelbedarf"); and a name that names two
//! verticals equally ("Klinik & Spedition") stays unknown rather than guessed.
//! The `llm` backend is the answer where this matters; until then the
//! taxonomy's blockers and phrase keywords ("hotel restaurant") are.

use std::collections::BTreeSet;

use crate::facts::CompanyFacts;
use crate::taxonomy::{ClassifierSettings, Taxonomy};
use crate::terms::Pattern;
use crate::text::fold;

/// One fact, folded, with the weight its keywords carry.
#[derive(Debug)]
pub(crate) struct Field {
    pub(crate) folded: String,
    pub(crate) weight: f32,
}

/// Folds every fact the classifier reads.
pub(crate) fn fields(facts: &CompanyFacts, settings: &ClassifierSettings) -> Vec<Field> {
    let weights = settings.weights;
    let optional = |text: &Option<String>| text.as_deref().unwrap_or_default().to_owned();
    let web = facts
        .web_address
        .iter()
        .chain(&facts.domains)
        .map(|url| host_words(url));
    let website: String = optional(&facts.website_text)
        .chars()
        .take(settings.max_website_chars)
        .collect();

    let texts = [
        (facts.name.clone(), weights.name),
        (optional(&facts.department), weights.department),
        (optional(&facts.business), weights.business),
        (optional(&facts.category), weights.category),
        (web.collect::<Vec<_>>().join(" | "), weights.web),
        (optional(&facts.notes), weights.notes),
        (website, weights.website),
        (facts.person_titles.join(" | "), weights.titles),
    ];
    texts
        .into_iter()
        .filter(|(text, weight)| !text.trim().is_empty() && *weight > 0.0)
        .map(|(text, weight)| Field {
            folded: fold(&text),
            weight,
        })
        .collect()
}

/// The words of a web address that can say something: the host without
/// scheme, path, `www` and top-level domain ("https://www.hotel-alpenblick.at/
/// kontakt" gives "hotel-alpenblick").
fn host_words(url: &str) -> String {
    let url = url.trim().to_lowercase();
    let host = url.split_once("://").map_or(url.as_str(), |(_, rest)| rest);
    let host = host.split(['/', '?', '#', ':']).next().unwrap_or_default();
    let host = host.strip_prefix("www.").unwrap_or(host);
    let host = host.rsplit_once('.').map_or(host, |(name, _tld)| name);
    host.to_owned()
}

/// One searchable term of the taxonomy.
#[derive(Debug)]
struct Entry {
    pattern: Pattern,
    /// Index into the taxonomy's verticals; `None` for a blocker.
    vertical: Option<usize>,
    weight: f32,
}

/// Every vertical keyword and blocker, compiled once per analyzer.
#[derive(Debug)]
pub(crate) struct KeywordIndex {
    entries: Vec<Entry>,
    /// How many verticals the scores cover.
    verticals: usize,
}

/// One occurrence of an entry in a fact.
#[derive(Debug, Clone, Copy)]
struct Hit {
    start: usize,
    end: usize,
    entry: usize,
}

impl Hit {
    fn inside(&self, other: &Hit) -> bool {
        let longer = other.end - other.start > self.end - self.start;
        longer && other.start <= self.start && self.end <= other.end
    }
}

impl KeywordIndex {
    pub(crate) fn new(taxonomy: &Taxonomy) -> KeywordIndex {
        let mut entries = Vec::new();
        for (index, vertical) in taxonomy.verticals.iter().enumerate() {
            let keywords = vertical
                .keywords
                .iter()
                .map(|(term, w)| (Pattern::keyword(term), *w));
            let words = vertical
                .words
                .iter()
                .map(|(term, w)| (Pattern::word(term), *w));
            for (pattern, weight) in keywords.chain(words) {
                entries.push(Entry {
                    pattern,
                    vertical: Some(index),
                    weight,
                });
            }
        }
        for blocker in &taxonomy.classifier.blockers {
            entries.push(Entry {
                pattern: Pattern::keyword(blocker),
                vertical: None,
                weight: 0.0,
            });
        }
        KeywordIndex {
            entries,
            verticals: taxonomy.verticals.len(),
        }
    }

    /// The score of every vertical over all fields.
    pub(crate) fn scores(&self, fields: &[Field]) -> Vec<f32> {
        let mut scores = vec![0.0; self.verticals];
        for field in fields {
            self.score_field(field, &mut scores);
        }
        scores
    }

    fn score_field(&self, field: &Field, scores: &mut [f32]) {
        let mut hits = Vec::new();
        for (entry, term) in self.entries.iter().enumerate() {
            let spans = term.pattern.spans(&field.folded);
            hits.extend(spans.map(|(start, end)| Hit { start, end, entry }));
        }

        // A match inside a longer match is not evidence of its own, and a
        // term counts once per field however often it occurs.
        let mut counted = BTreeSet::new();
        for hit in &hits {
            if hits.iter().any(|other| hit.inside(other)) || !counted.insert(hit.entry) {
                continue;
            }
            let entry = &self.entries[hit.entry];
            if let Some(vertical) = entry.vertical {
                scores[vertical] += entry.weight * field.weight;
            }
        }
    }
}

/// The vertical an analysis settles on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Choice {
    /// Index into the taxonomy's verticals.
    pub(crate) index: usize,
    /// The classifier's confidence in it.
    pub(crate) confidence: f32,
    /// Whether it is the vertical the CRM already held, kept because no
    /// other vertical was sure enough to replace it.
    pub(crate) kept: bool,
}

/// The classifier's winner, weighed against the vertical the CRM already
/// holds (`recorded`, an index into the verticals).
///
/// A recorded vertical is someone's judgement, a salesperson's or an
/// earlier analysis's, so a different winner replaces it only at
/// `replace_confidence`; a weaker or missing guess keeps it, and the
/// summary and openers then speak of the kept vertical. The price: a wrong
/// earlier analysis is not undone by an equally weak new one; correcting
/// the field in the CRM, or a stronger fact, does it.
pub(crate) fn choose(
    scores: &[f32],
    recorded: Option<usize>,
    settings: &ClassifierSettings,
) -> Option<Choice> {
    let decided = decide(scores, settings.min_confidence);
    let classified = |(index, confidence)| Choice {
        index,
        confidence,
        kept: false,
    };
    let Some(recorded) = recorded else {
        return decided.map(classified);
    };

    match decided {
        Some((winner, confidence))
            if winner == recorded || confidence >= settings.replace_confidence =>
        {
            Some(classified((winner, confidence)))
        }
        _ => Some(Choice {
            index: recorded,
            confidence: confidence_of(scores, recorded),
            kept: true,
        }),
    }
}

/// The winning vertical and its confidence, if it reaches `min_confidence`.
///
/// Confidence multiplies two things: how much evidence the winner has
/// (`1 - e^-score`: one full-weight keyword in the name gives 0.63, two give
/// 0.86) and how clearly it beats the runner-up (`best / (best + second)`: 1
/// when alone, 0.5 when tied). It is rounded to two decimals so that it reads
/// well in logs and compares stably with the threshold.
pub(crate) fn decide(scores: &[f32], min_confidence: f32) -> Option<(usize, f32)> {
    let mut best: Option<(usize, f32)> = None;
    for (index, score) in scores.iter().copied().enumerate() {
        if score > best.map_or(0.0, |(_, top)| top) {
            best = Some((index, score));
        }
    }
    let (winner, _) = best?;
    let confidence = confidence_of(scores, winner);
    (confidence >= min_confidence).then_some((winner, confidence))
}

/// The confidence in vertical `index` against the best of the others; 0
/// when nothing speaks for it.
fn confidence_of(scores: &[f32], index: usize) -> f32 {
    let score = scores.get(index).copied().unwrap_or_default();
    if score <= 0.0 {
        return 0.0;
    }
    let rival = scores
        .iter()
        .enumerate()
        .filter(|(other, _)| *other != index)
        .map(|(_, score)| *score)
        .fold(0.0_f32, f32::max);

    let strength = 1.0 - (-score).exp();
    let share = score / (score + rival);
    (strength * share * 100.0).round() / 100.0
}
