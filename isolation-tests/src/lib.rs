//! The isolde anomaly suite.
//!
//! For now this crate holds the step-by-step session driver ([`session::Scenario`]), the
//! assertions scenarios use ([`expect`]), and the tests built on them (`tests/`): two sessions
//! at READ COMMITTED and SNAPSHOT, two-phase locking, serializable snapshot isolation. The spec
//! format, the runner over every interleaving and the anomaly matrix come next.

pub mod expect;
pub mod session;
pub mod spec;

pub use session::{Outcome, Scenario};
