//! CREATE TABLE, CREATE INDEX, DROP, and the mapping of SQL types onto isolde's.

use sqlparser::ast as sql;
use sqlparser::ast::helpers::stmt_create_table::CreateTableBuilder;

use super::{ident, reject, syntax_error, table_name, unsupported, Translator};
use crate::error::{Error, Result};
use crate::sql::ast::{self, ColumnDef, CreateIndex, CreateTable, TableConstraint};
use crate::types::DataType;

/// PostgreSQL's limit on `n` in `VARCHAR(n)`.
const MAX_VARCHAR_LENGTH: u64 = 10_485_760;

impl Translator {
    pub(super) fn create_table(&mut self, create: sql::CreateTable) -> Result<ast::Statement> {
        // CreateTable has some sixty fields, nearly all for other dialects. Rather than
        // naming each, take out the supported ones and require the rest to be exactly what
        // a plain `CREATE TABLE name (...)` leaves them as; the common PostgreSQL clauses
        // are checked first for a precise message.
        let mut rest = create;
        reject(rest.temporary, "temporary tables")?;
        reject(rest.unlogged, "UNLOGGED tables")?;
        reject(rest.query.is_some(), "CREATE TABLE AS")?;
        reject(rest.like.is_some(), "CREATE TABLE ... LIKE")?;
        reject(rest.inherits.is_some(), "INHERITS")?;
        reject(rest.partition_by.is_some() || rest.partition_of.is_some(), "table partitioning")?;
        reject(rest.table_options != sql::CreateTableOptions::None, "table options (WITH ...)")?;
        reject(rest.on_commit.is_some(), "ON COMMIT")?;
        reject(rest.or_replace, "CREATE OR REPLACE TABLE")?;
        let columns = std::mem::take(&mut rest.columns);
        let constraints = std::mem::take(&mut rest.constraints);
        let plain = CreateTableBuilder::new(rest.name.clone()).if_not_exists(rest.if_not_exists).build();
        if rest != plain {
            return Err(unsupported("this CREATE TABLE option"));
        }
        Ok(ast::Statement::CreateTable(CreateTable {
            name: table_name(rest.name)?,
            if_not_exists: rest.if_not_exists,
            columns: columns.into_iter().map(|column| self.column_def(column)).collect::<Result<_>>()?,
            constraints: constraints.into_iter().map(table_constraint).collect::<Result<_>>()?,
        }))
    }

    fn column_def(&mut self, column: sql::ColumnDef) -> Result<ColumnDef> {
        let sql::ColumnDef { name, data_type, options } = column;
        let (data_type, max_chars) = column_type(data_type)?;
        let mut def = ColumnDef {
            name: ident(name),
            data_type,
            max_chars,
            not_null: false,
            primary_key: false,
            unique: false,
            default: None,
        };
        // Tracks an explicit NULL, which conflicts with NOT NULL.
        let mut nullable = false;
        for sql::ColumnOptionDef {
            name: _, // constraint names are not kept
            option,
        } in options
        {
            match option {
                sql::ColumnOption::Null => nullable = true,
                sql::ColumnOption::NotNull => def.not_null = true,
                sql::ColumnOption::Default(expr) => {
                    if def.default.is_some() {
                        return Err(syntax_error(format!(
                            "multiple default values specified for column \"{}\"",
                            def.name
                        )));
                    }
                    def.default = Some(self.expr(expr)?);
                }
                // As column constraints these have no column list of their own.
                sql::ColumnOption::PrimaryKey(pk) => {
                    reject(!primary_key_columns(pk)?.is_empty(), "a column list on a column constraint")?;
                    def.primary_key = true;
                }
                sql::ColumnOption::Unique(unique) => {
                    reject(!unique_columns(unique)?.is_empty(), "a column list on a column constraint")?;
                    def.unique = true;
                }
                other => return Err(unsupported(column_option_feature(&other))),
            }
        }
        if nullable && def.not_null {
            return Err(syntax_error(format!("conflicting NULL/NOT NULL declarations for column \"{}\"", def.name)));
        }
        Ok(def)
    }
}

/// `CREATE [UNIQUE] INDEX [IF NOT EXISTS] [name] ON table (column, ...)`.
pub(super) fn create_index(create: sql::CreateIndex) -> Result<ast::Statement> {
    let sql::CreateIndex {
        name,
        table_name: table,
        using,
        columns,
        unique,
        concurrently,
        r#async,
        if_not_exists,
        include,
        nulls_distinct,
        with,
        predicate,
        index_options,
        alter_options,
    } = create;
    match using {
        None | Some(sql::IndexType::BTree) => {}
        Some(method) => return Err(unsupported(format!("index method {method}"))),
    }
    reject(concurrently, "CREATE INDEX CONCURRENTLY")?;
    reject(r#async, "CREATE INDEX ASYNC")?;
    reject(!include.is_empty(), "INCLUDE")?;
    // NULLS DISTINCT is the default; NULLS NOT DISTINCT has no place in the AST.
    reject(nulls_distinct == Some(false), "NULLS NOT DISTINCT")?;
    reject(!with.is_empty(), "index storage parameters (WITH ...)")?;
    reject(predicate.is_some(), "partial indexes (WHERE)")?;
    reject(!index_options.is_empty(), "index options")?;
    reject(!alter_options.is_empty(), "ALGORITHM / LOCK options")?;
    Ok(ast::Statement::CreateIndex(CreateIndex {
        name: name.map(table_name).transpose()?,
        table: table_name(table)?,
        columns: index_columns(columns)?,
        unique,
        if_not_exists,
    }))
}

/// `DROP TABLE` / `DROP INDEX [IF EXISTS] name, ...`.
pub(super) fn drop(
    object_type: sql::ObjectType,
    if_exists: bool,
    names: Vec<sql::ObjectName>,
    cascade: bool,
    purge: bool,
    temporary: bool,
    table: Option<sql::ObjectName>,
) -> Result<ast::Statement> {
    let is_table = match object_type {
        sql::ObjectType::Table => true,
        sql::ObjectType::Index => false,
        other => return Err(unsupported(format!("DROP {other}"))),
    };
    reject(cascade, "DROP ... CASCADE")?;
    reject(purge, "DROP ... PURGE")?;
    reject(temporary, "DROP TEMPORARY")?;
    reject(table.is_some(), "DROP INDEX ... ON table")?;
    let names = names.into_iter().map(table_name).collect::<Result<_>>()?;
    Ok(match is_table {
        true => ast::Statement::DropTable { names, if_exists },
        false => ast::Statement::DropIndex { names, if_exists },
    })
}

/// A column's type and, for `VARCHAR(n)`, its length:
///
/// - `INTEGER`, `INT`, `INT2`/`INT4`/`INT8`, `SMALLINT`, `BIGINT`: integer;
/// - `REAL`, `FLOAT`, `FLOAT(p)`, `FLOAT4`/`FLOAT8`, `DOUBLE PRECISION`: real;
/// - `TEXT`, `VARCHAR`, `CHARACTER VARYING`, `STRING`, with an optional length: text;
/// - `BOOLEAN`, `BOOL`: boolean;
///
/// anything else (`NUMERIC`, `CHAR(n)`, `DATE`, ...) is unsupported.
pub(super) fn column_type(data_type: sql::DataType) -> Result<(DataType, Option<u32>)> {
    use sql::DataType as T;
    let mapped = match &data_type {
        T::Integer(None)
        | T::Int(None)
        | T::Int2(None)
        | T::Int4(None)
        | T::Int8(None)
        | T::SmallInt(None)
        | T::BigInt(None) => DataType::Integer,
        T::Real | T::Float4 | T::Float8 | T::DoublePrecision => DataType::Real,
        T::Double(sql::ExactNumberInfo::None) | T::Float(sql::ExactNumberInfo::None) => DataType::Real,
        T::Float(sql::ExactNumberInfo::Precision(1..=53)) => DataType::Real,
        T::Text | T::String(None) => DataType::Text,
        T::Varchar(length) | T::CharacterVarying(length) | T::CharVarying(length) => {
            return Ok((DataType::Text, varchar_length(length)?));
        }
        T::Boolean | T::Bool => DataType::Boolean,
        other => return Err(unsupported(format!("type {}", other.to_string().to_lowercase()))),
    };
    Ok((mapped, None))
}

/// The type of a cast: as for columns, but a cast to `VARCHAR(n)` is just a cast to text.
pub(super) fn cast_type(data_type: sql::DataType) -> Result<DataType> {
    column_type(data_type).map(|(data_type, _)| data_type)
}

fn varchar_length(length: &Option<sql::CharacterLength>) -> Result<Option<u32>> {
    match length {
        None => Ok(None),
        Some(sql::CharacterLength::IntegerLength { length, unit: None }) => {
            if !(1..=MAX_VARCHAR_LENGTH).contains(length) {
                return Err(Error::InvalidParameterValue(format!(
                    "length for type varchar must be between 1 and {MAX_VARCHAR_LENGTH}"
                )));
            }
            // Within MAX_VARCHAR_LENGTH, so it fits.
            Ok(u32::try_from(*length).ok())
        }
        Some(other) => Err(unsupported(format!("varchar({other})"))),
    }
}

fn table_constraint(constraint: sql::TableConstraint) -> Result<TableConstraint> {
    match constraint {
        sql::TableConstraint::PrimaryKey(pk) => {
            Ok(TableConstraint::PrimaryKey(index_columns(primary_key_columns(pk)?)?))
        }
        sql::TableConstraint::Unique(unique) => Ok(TableConstraint::Unique(index_columns(unique_columns(unique)?)?)),
        sql::TableConstraint::Check(_) => Err(unsupported("table constraint CHECK")),
        sql::TableConstraint::ForeignKey(_) => Err(unsupported("FOREIGN KEY")),
        sql::TableConstraint::Exclude(_) => Err(unsupported("EXCLUDE constraints")),
        other => Err(unsupported(format!("table constraint {other}"))),
    }
}

/// The columns of a PRIMARY KEY (empty for the column constraint), checking that nothing
/// else was said about it.
fn primary_key_columns(pk: sql::PrimaryKeyConstraint) -> Result<Vec<sql::IndexColumn>> {
    let sql::PrimaryKeyConstraint {
        name: _, // constraint names are not kept
        index_name,
        index_type,
        columns,
        include,
        index_options,
        characteristics,
    } = pk;
    reject(index_name.is_some(), "index names in PRIMARY KEY")?;
    index_details(index_type, include, index_options, characteristics)?;
    Ok(columns)
}

/// The columns of a UNIQUE constraint (empty for the column constraint).
fn unique_columns(unique: sql::UniqueConstraint) -> Result<Vec<sql::IndexColumn>> {
    let sql::UniqueConstraint {
        name: _, // constraint names are not kept
        index_name,
        index_type_display,
        index_type,
        columns,
        include,
        index_options,
        characteristics,
        nulls_distinct,
    } = unique;
    reject(index_name.is_some() || !index_type_display.is_none(), "UNIQUE KEY / UNIQUE INDEX")?;
    // NULLS DISTINCT is the default.
    reject(nulls_distinct == sql::NullsDistinctOption::NotDistinct, "NULLS NOT DISTINCT")?;
    index_details(index_type, include, index_options, characteristics)?;
    Ok(columns)
}

/// What PRIMARY KEY and UNIQUE constraints may add about their index.
fn index_details(
    index_type: Option<sql::IndexType>,
    include: Vec<sql::Ident>,
    index_options: Vec<sql::IndexOption>,
    characteristics: Option<sql::ConstraintCharacteristics>,
) -> Result<()> {
    reject(!matches!(index_type, None | Some(sql::IndexType::BTree)), "index methods other than btree")?;
    reject(!include.is_empty(), "INCLUDE")?;
    reject(!index_options.is_empty(), "index options")?;
    reject(characteristics.is_some(), "DEFERRABLE / INITIALLY / ENFORCED constraints")
}

/// The columns of an index or key: plain column names in ascending order.
fn index_columns(columns: Vec<sql::IndexColumn>) -> Result<Vec<String>> {
    columns
        .into_iter()
        .map(|column| {
            let sql::IndexColumn {
                column: sql::OrderByExpr { expr, options: sql::OrderByOptions { sort, nulls_first }, with_fill },
                operator_class,
            } = column;
            reject(operator_class.is_some(), "operator classes")?;
            reject(with_fill.is_some(), "WITH FILL")?;
            reject(!matches!(sort, None | Some(sql::OrderBySort::Asc)), "DESC index columns")?;
            // NULLS LAST is the default of ascending order.
            reject(nulls_first == Some(true), "NULLS FIRST index columns")?;
            match expr {
                sql::Expr::Identifier(id) => Ok(ident(id)),
                _ => Err(unsupported("expression indexes")),
            }
        })
        .collect()
}

/// The feature to name for a column option with no place in the AST.
fn column_option_feature(option: &sql::ColumnOption) -> String {
    use sql::ColumnOption as O;
    match option {
        O::Check(_) => "column constraint CHECK".into(),
        O::ForeignKey(_) => "REFERENCES (foreign keys)".into(),
        O::Collation(_) => "COLLATE".into(),
        O::Generated { .. } | O::Identity(_) => "generated and identity columns".into(),
        other => format!("column option {other}"),
    }
}
