//! CREATE TABLE and CREATE INDEX.
//!
//! - Primary key: from one column's `PRIMARY KEY` or a table constraint; two are 42P16. Its
//!   columns become NOT NULL.
//! - UNIQUE (column or table constraint): a unique index named `{table}_{columns}_key`
//!   (`_key1`, `_key2`, ... if the table already has an index of that name), as PostgreSQL
//!   names them.
//! - DEFAULT folds to a constant: a literal, NULL, a unary minus or plus of a number, a CAST
//!   of a constant. Anything else is 0A000. Its type must fit the column: numbers fit numeric
//!   columns (converted to the column's type), everything else must have the column's type
//!   (42804).
//! - CREATE INDEX without a name is `{table}_{columns}_idx`, with a number appended when a
//!   relation of that name exists (PostgreSQL's choice); a given name is checked by the
//!   catalog (42P07).

use crate::error::{Error, Result};
use crate::sql::ast::{self, UnaryOp};
use crate::sql::plan::{CreateIndexPlan, CreateTablePlan};
use crate::storage::CatalogSnapshot;
use crate::types::{ColumnSchema, DataType, IndexSchema, TableSchema, Value};

/// Resolves the column names of a constraint or index.
fn key_columns(columns: &[ColumnSchema], names: &[String]) -> Result<Vec<usize>> {
    let mut positions = Vec::with_capacity(names.len());
    for name in names {
        let position =
            columns.iter().position(|c| &c.name == name).ok_or_else(|| Error::UndefinedColumn(name.clone()))?;
        if positions.contains(&position) {
            return Err(Error::DuplicateColumn(name.clone()));
        }
        positions.push(position);
    }
    Ok(positions)
}

pub(super) fn create_table(create: &ast::CreateTable) -> Result<CreateTablePlan> {
    let table = &create.name;
    let mut columns: Vec<ColumnSchema> = Vec::with_capacity(create.columns.len());
    for def in &create.columns {
        if columns.iter().any(|c| c.name == def.name) {
            return Err(Error::DuplicateColumn(def.name.clone()));
        }
        let default = match &def.default {
            Some(e) => column_default(&def.name, def.data_type, e)?,
            None => Value::Null,
        };
        columns.push(ColumnSchema {
            name: def.name.clone(),
            data_type: def.data_type,
            max_chars: if def.data_type == DataType::Text { def.max_chars } else { None },
            nullable: !def.not_null,
            default,
        });
    }

    let mut primary_keys: Vec<Vec<usize>> =
        create.columns.iter().enumerate().filter(|(_, d)| d.primary_key).map(|(i, _)| vec![i]).collect();
    let mut uniques: Vec<Vec<usize>> =
        create.columns.iter().enumerate().filter(|(_, d)| d.unique).map(|(i, _)| vec![i]).collect();
    for constraint in &create.constraints {
        match constraint {
            ast::TableConstraint::PrimaryKey(names) => primary_keys.push(key_columns(&columns, names)?),
            ast::TableConstraint::Unique(names) => uniques.push(key_columns(&columns, names)?),
        }
    }
    if primary_keys.len() > 1 {
        return Err(Error::InvalidTableDefinition(format!(
            "multiple primary keys for table \"{table}\" are not allowed"
        )));
    }
    let primary_key = primary_keys.pop().unwrap_or_default();
    for &c in &primary_key {
        columns[c].nullable = false;
    }

    let mut indexes: Vec<IndexSchema> = Vec::with_capacity(uniques.len());
    for index_columns in uniques {
        let names: Vec<&str> = index_columns.iter().map(|&c| columns[c].name.as_str()).collect();
        let base = format!("{table}_{}_key", names.join("_"));
        let taken = |n: &str| n == table || n == format!("{table}_pkey") || indexes.iter().any(|i| i.name == n);
        let name = unique_name(&base, taken);
        indexes.push(IndexSchema { name, columns: index_columns, unique: true });
    }
    Ok(CreateTablePlan {
        schema: TableSchema { name: table.clone(), columns, primary_key, indexes },
        if_not_exists: create.if_not_exists,
    })
}

/// `base`, or `base1`, `base2`, ... : the first name `taken` refuses not.
fn unique_name(base: &str, taken: impl Fn(&str) -> bool) -> String {
    if !taken(base) {
        return base.to_string();
    }
    (1..).map(|n| format!("{base}{n}")).find(|n| !taken(n)).unwrap_or_default()
}

/// Folds a DEFAULT expression to a constant of the column's type.
fn column_default(column: &str, data_type: DataType, e: &ast::Expr) -> Result<Value> {
    let value = fold_constant(e)?;
    let Some(given) = value.data_type() else {
        return Ok(Value::Null);
    };
    match (given, data_type) {
        (g, t) if g == t => Ok(value),
        (DataType::Integer, DataType::Real) => cast_constant(value, DataType::Real),
        (DataType::Real, DataType::Integer) => cast_constant(value, DataType::Integer),
        (g, t) => Err(Error::DatatypeMismatch(format!(
            "column \"{column}\" is of type {t} but default expression is of type {g}"
        ))),
    }
}

fn non_constant() -> Error {
    Error::FeatureNotSupported("non-constant DEFAULT expressions".into())
}

/// The value of a constant expression: a literal, a signed number, a cast of a constant.
fn fold_constant(e: &ast::Expr) -> Result<Value> {
    match e {
        ast::Expr::Literal(v) => Ok(v.clone()),
        ast::Expr::Unary { op: op @ (UnaryOp::Minus | UnaryOp::Plus), expr } => match (op, fold_constant(expr)?) {
            (UnaryOp::Plus, v @ (Value::Integer(_) | Value::Real(_))) => Ok(v),
            (_, Value::Integer(i)) => i.checked_neg().map(Value::Integer).ok_or(Error::NumericOutOfRange("integer")),
            (_, Value::Real(r)) => Ok(Value::Real(-r)),
            _ => Err(non_constant()),
        },
        ast::Expr::Cast { expr, data_type } => cast_constant(fold_constant(expr)?, *data_type),
        _ => Err(non_constant()),
    }
}

/// A cast of a constant, as the executor would compute it.
fn cast_constant(value: Value, to: DataType) -> Result<Value> {
    let mismatch = |from: DataType| Error::DatatypeMismatch(format!("cannot cast type {from} to {to}"));
    let Some(from) = value.data_type() else {
        return Ok(Value::Null);
    };
    let invalid = |input: &str| Error::InvalidTextRepresentation { data_type: to, input: input.to_string() };
    Ok(match (value, to) {
        (v, t) if from == t => v,
        (v, DataType::Text) => Value::text(v.to_text()),
        (Value::Integer(i), DataType::Real) => Value::Real(i as f64),
        (Value::Real(r), DataType::Integer) => {
            let rounded = r.round();
            let limit = 2f64.powi(63);
            if !(rounded.is_finite() && (-limit..limit).contains(&rounded)) {
                return Err(Error::NumericOutOfRange("integer"));
            }
            Value::Integer(rounded as i64)
        }
        (Value::Boolean(b), DataType::Integer) => Value::Integer(i64::from(b)),
        (Value::Integer(i), DataType::Boolean) => Value::Boolean(i != 0),
        (Value::Text(s), DataType::Integer) => Value::Integer(s.trim().parse().map_err(|_| invalid(&s))?),
        (Value::Text(s), DataType::Real) => Value::Real(s.trim().parse().map_err(|_| invalid(&s))?),
        (Value::Text(s), DataType::Boolean) => match s.trim().to_ascii_lowercase().as_str() {
            "t" | "true" | "y" | "yes" | "on" | "1" => Value::Boolean(true),
            "f" | "false" | "n" | "no" | "off" | "0" => Value::Boolean(false),
            _ => return Err(invalid(&s)),
        },
        _ => return Err(mismatch(from)),
    })
}

pub(super) fn create_index(create: &ast::CreateIndex, catalog: &CatalogSnapshot) -> Result<CreateIndexPlan> {
    let table = catalog.table(&create.table).ok_or_else(|| Error::UndefinedTable(create.table.clone()))?;
    let schema = table.schema();
    let mut columns = Vec::with_capacity(create.columns.len());
    for name in &create.columns {
        columns.push(schema.column_index(name).ok_or_else(|| Error::UndefinedColumn(name.clone()))?);
    }
    let name = match &create.name {
        Some(name) => name.clone(),
        None => {
            unique_name(&format!("{}_{}_idx", create.table, create.columns.join("_")), |n| catalog.relation_exists(n))
        }
    };
    Ok(CreateIndexPlan {
        table: create.table.clone(),
        name,
        columns,
        unique: create.unique,
        if_not_exists: create.if_not_exists,
    })
}
