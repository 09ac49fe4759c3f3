//! The bottom layer: values, data types, rows and table schemas. No dependencies on the rest of
//! the engine; everything above builds on these.

mod datatype;
mod key;
mod schema;
mod value;

pub use datatype::DataType;
pub use key::Key;
pub use schema::{ColumnSchema, IndexSchema, TableSchema};
pub use value::{format_real, Value};

/// A row of values as the executor passes it around.
pub type Row = Vec<Value>;
