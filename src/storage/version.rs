//! Row versions and version chains.
//!
//! A logical row is the chain of versions stored under one primary key, oldest first. Each
//! version records the transaction that created it (`xmin`) and, once it is deleted or
//! superseded, the transaction that did so (`xmax`). An UPDATE ends the current version and
//! appends a new one; a DELETE only ends it:
//!
//! ```text
//!   key 1:  [ v1: xmin=3 xmax=5 {1, 'a'} ] -> [ v2: xmin=5 xmax=- {1, 'b'} ]     (T5 updated it)
//!   key 2:  [ v1: xmin=3 xmax=7 {2, 'c'} ]                                       (T7 deleted it)
//! ```
//!
//! Command ids (`cmin`, `cmax`) number the statements inside the writing transaction, so that a
//! statement does not see its own changes while it runs (the Halloween problem) but later
//! statements of the same transaction do. They mean nothing once the writer has ended.
//!
//! Within a chain at most one version is not ended (`xmax` unset), and it is the last one;
//! whether a given snapshot sees a version is decided by `txn::visibility`, not here.

use std::sync::Arc;

use crate::error::TxnId;
use crate::types::Value;

/// Marks "no deleter" in [`Version::xmax`].
pub const NO_TXN: TxnId = TxnId(0);

/// The values of one row version, in table column order.
pub type RowData = Arc<[Value]>;

/// One version of a row.
#[derive(Clone, Debug)]
pub struct Version {
    /// The transaction that created this version.
    pub xmin: TxnId,
    /// The transaction that deleted or superseded it, or [`NO_TXN`].
    pub xmax: TxnId,
    /// The creator's command id when it created the version.
    pub cmin: u32,
    /// The deleter's command id when it ended the version.
    pub cmax: u32,
    pub data: RowData,
}

impl Version {
    pub fn new(xmin: TxnId, cmin: u32, data: RowData) -> Version {
        Version { xmin, xmax: NO_TXN, cmin, cmax: 0, data }
    }

    pub fn is_ended(&self) -> bool {
        self.xmax != NO_TXN
    }
}

/// All versions of one logical row, oldest first.
#[derive(Clone, Debug, Default)]
pub struct Chain {
    pub versions: Vec<Version>,
}

impl Chain {
    /// The newest version, if the chain has any.
    pub fn newest(&self) -> Option<&Version> {
        self.versions.last()
    }

    pub fn is_empty(&self) -> bool {
        self.versions.is_empty()
    }
}
