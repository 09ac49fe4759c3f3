//! The SQL layer: parse -> translate -> plan -> execute.

pub mod ast;
pub mod plan;
