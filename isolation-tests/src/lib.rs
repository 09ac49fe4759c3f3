//! The isolde anomaly suite.
//!
//! * [`session::Scenario`]: sessions driven one step at a time, blocking read from the engine's
//!   wait queues; [`expect`]: assertions on steps.
//! * [`spec`]: specs in the manner of PostgreSQL's isolation tester (`specs/*.spec`), run at
//!   every level into transcripts compared with `expected/*.out`, each permutation judged by a
//!   serializability oracle; [`matrix`]: the anomaly matrix generated into
//!   `docs/isolation-levels.md`.
//! * `tests/`: the spec suite, and hand-written scenarios for each level.
//! * `examples/isolation.rs`: list specs, run one with a readable transcript, print the matrix.

pub mod elle;
pub mod expect;
pub mod matrix;
pub mod session;
pub mod spec;

pub use session::{Outcome, Scenario};
