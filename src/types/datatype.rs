//! Column data types.
//!
//! | SQL spelling accepted                         | `DataType` | storage        |
//! |-----------------------------------------------|------------|----------------|
//! | INTEGER, INT, INT4, INT8, BIGINT, SMALLINT    | `Integer`  | `i64`          |
//! | REAL, DOUBLE PRECISION, FLOAT, FLOAT8, FLOAT4 | `Real`     | `f64`          |
//! | TEXT, VARCHAR(n), CHARACTER VARYING(n)        | `Text`     | `Arc<str>`     |
//! | BOOLEAN, BOOL                                 | `Boolean`  | `bool`         |
//!
//! `VARCHAR(n)` keeps its limit (`max_chars`), enforced on write with SQLSTATE 22001 as in
//! PostgreSQL. Every other type name is refused with 0A000.

use std::fmt;

/// A column's type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DataType {
    Integer,
    Real,
    Text,
    Boolean,
}

impl DataType {
    /// The PostgreSQL name of the type, as shown by `\d` and in error messages.
    pub fn sql_name(self) -> &'static str {
        match self {
            DataType::Integer => "integer",
            DataType::Real => "double precision",
            DataType::Text => "text",
            DataType::Boolean => "boolean",
        }
    }

    /// Whether values of the type are numbers (integers and reals mix in arithmetic).
    pub fn is_numeric(self) -> bool {
        matches!(self, DataType::Integer | DataType::Real)
    }
}

impl fmt::Display for DataType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.sql_name())
    }
}
