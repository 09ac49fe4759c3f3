//! The SQL layer: parse -> translate -> plan -> execute.

pub mod ast;
pub mod command_tag;
pub mod execute;
pub mod literals;
pub mod parse;
pub mod plan;
pub mod planner;
pub mod prepared;
mod translate;
