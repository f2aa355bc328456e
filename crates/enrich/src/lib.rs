//! Company analysis for the connector: which vertical a company belongs to,
//! a short summary, and opening lines for sales outreach.
//!
//! # How the worker uses it
//!
//! 1. At start-up: [`AnalyzerSettings::build`] gives an [`Engine`], an
//!    `Arc<dyn Analyzer>` and a [`Personaliser`]. A bad taxonomy or
//!    configuration fails here, not in a job.
//! 2. For a contact job: fill [`CompanyFacts`] from the fetched contact,
//!    compute [`inputs_hash`], and if a stored result has the same hash and
//!    the same [`Analyzer::fingerprint`], reuse it. Otherwise
//!    `analyzer.analyse(&facts).await`; on error, [`AnalyzeError::kind`] says
//!    whether to retry. An `Ok` analysis has passed [`Analysis::validate`],
//!    so its vertical's `list_item_id`, `summary` and `opener` can be written
//!    as they are.
//! 3. For a person job: take the company's stored analysis and call
//!    [`Personaliser::person_opener`] with the person's [`PersonFacts`].
//!
//! # Backends
//!
//! A backend implements [`Analyzer`]: a `name` for logs, a `fingerprint` of
//! its configuration, and `analyse`, which returns a boxed future so that
//! `dyn Analyzer` works. Only `builtin` exists today ([`BuiltinAnalyzer`]):
//! an offline, deterministic keyword classifier over a [`Taxonomy`] with
//! template openers. Two more are planned, and the types are shaped for them:
//!
//! - **`explorer`**, an external HTTP analysis service. It will POST the
//!   facts as JSON (the serde form of [`CompanyFacts`]) and read an answer
//!   that maps onto [`Analysis`]: a vertical key (mapped to a list item id
//!   through the same taxonomy, so ids stay configuration), a summary, an
//!   opener and opener templates per [`Angle`]. Connection failures,
//!   timeouts, 5xx and 429 become [`AnalyzeError::Unavailable`] (with
//!   `Retry-After`); other 4xx [`AnalyzeError::Refused`]; an answer that does
//!   not parse [`AnalyzeError::Malformed`].
//! - **`llm`**, any OpenAI-compatible chat-completions endpoint (a hosted
//!   model, Ollama, vLLM, llama.cpp). It will send the facts and the
//!   taxonomy's vertical keys and offering, ask for JSON in the shape of
//!   [`Analysis`] (`response_format` with a JSON schema where the server
//!   supports it), cut texts to the [`FieldLimits`] on character boundaries,
//!   and run [`Analysis::validate`]; an answer that still fails is
//!   [`AnalyzeError::Malformed`], retryable because a model may do better the
//!   next time, and the job's retry limit stops one that never does. Its API
//!   key will be a `SecretString`.
//!
//! Both add a variant to [`Backend`] and an arm to
//! [`AnalyzerSettings::build`]; neither changes the worker. Person openers
//! need no backend at all: every backend returns opener templates in the
//! analysis, and the [`Personaliser`] fills them.
//!
//! # Example
//!
//! ```
//! use so_enrich::{BuiltinAnalyzer, CompanyFacts, FieldLimits, PersonFacts};
//!
//! let analyzer = BuiltinAnalyzer::with_defaults()?;
//! let facts = CompanyFacts {
//!     name: "Hotel Alpenblick GmbH & Co. KG".to_owned(),
//!     city: Some("Innsbruck".to_owned()),
//!     country: Some("Österreich".to_owned()),
//!     ..CompanyFacts::default()
//! };
//! let analysis = analyzer.analyse_now(&facts)?;
//! assert_eq!(analysis.vertical.as_ref().map(|v| v.key.as_str()), Some("hotels"));
//! analysis.validate(&FieldLimits::default())?;
//!
//! let person = PersonFacts {
//!     first_name: "Anna".to_owned(),
//!     last_name: "Berger".to_owned(),
//!     title: Some("Leiterin Housekeeping".to_owned()),
//!     position: None,
//! };
//! let opener = analyzer.personaliser().person_opener(&analysis, &facts, &person);
//! assert!(opener.contains("Leiterin Housekeeping"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![warn(missing_docs)]

mod analysis;
mod analyzer;
mod builtin;
mod country;
mod error;
mod facts;
mod personalise;
mod settings;
mod taxonomy;
mod template;
mod terms;
mod text;
mod validate;

pub use analysis::{Analysis, Angle, Language, Level, Offering, Opener, Potential, VerticalMatch};
pub use analyzer::{AnalyzeFuture, Analyzer};
pub use builtin::BuiltinAnalyzer;
pub use error::{AnalyzeError, BoxError, ErrorKind};
pub use facts::{inputs_hash, CompanyFacts, PersonFacts};
pub use personalise::Personaliser;
pub use settings::{AnalyzerSettings, Backend, Engine};
pub use taxonomy::{
    ClassifierSettings, FieldWeights, LanguageSettings, Localised, OfferingSettings, Product, Role,
    Signal, Taxonomy, TaxonomyError, TemplateSet, Templates, Vertical, DEFAULT_TAXONOMY,
};
pub use template::{TemplateError, CONFIG_SLOTS, FACT_SLOTS, PERSON_SLOTS};
pub use text::{truncate, utf16_len};
pub use validate::{FieldLimits, ValidationError, LONG_TEXT_LIMIT};
