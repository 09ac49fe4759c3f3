//! isolde: an embedded multi-version transactional SQL engine for exploring isolation levels.

pub mod error;
pub mod sql;
pub mod storage;
pub mod txn;
pub mod types;

pub use error::{Error, Result, TxnId};
pub use types::{DataType, Value};
