//! The isolde anomaly suite.
//!
//! For now this crate holds the step-by-step session driver ([`session::Scenario`]) and the
//! two-session tests of READ COMMITTED and SNAPSHOT ISOLATION built on it (`tests/`); the spec
//! format, the runner over every interleaving and the anomaly matrix come next.

pub mod session;

pub use session::{Outcome, Scenario};
