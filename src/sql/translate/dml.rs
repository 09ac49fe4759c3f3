//! INSERT, UPDATE and DELETE.

use sqlparser::ast as sql;

use super::{column_name, is_keyword, name_parts, reject, unsupported, Translator};
use crate::error::Result;
use crate::sql::ast::{self, Delete, Expr, FromItem, Insert, InsertSource, SelectItem, Update};

impl Translator {
    pub(super) fn insert(&mut self, insert: sql::Insert) -> Result<ast::Statement> {
        let sql::Insert {
            insert_token: _,
            optimizer_hints,
            or,
            ignore,
            into: _, // INTO is optional noise
            table,
            table_alias,
            columns,
            by_name,
            overwrite,
            source,
            assignments,
            partitioned,
            after_columns,
            overriding,
            has_table_keyword,
            on,
            returning,
            output,
            replace_into,
            priority,
            insert_alias,
            settings,
            format_clause,
            multi_table_insert_type,
            multi_table_into_clauses,
            multi_table_when_clauses,
            multi_table_else_clause,
        } = insert;
        match on {
            None => {}
            Some(sql::OnInsert::OnConflict(_)) => return Err(unsupported("ON CONFLICT")),
            Some(_) => return Err(unsupported("ON DUPLICATE KEY UPDATE")),
        }
        reject(overriding.is_some(), "OVERRIDING ... VALUE")?;
        reject(table_alias.is_some(), "an alias for the INSERT target")?;
        reject(!optimizer_hints.is_empty(), "optimizer hints")?;
        reject(or.is_some() || replace_into, "INSERT OR REPLACE / REPLACE INTO")?;
        reject(ignore, "INSERT IGNORE")?;
        reject(by_name, "INSERT ... BY NAME")?;
        reject(overwrite, "INSERT OVERWRITE")?;
        reject(!assignments.is_empty(), "INSERT ... SET")?;
        reject(partitioned.is_some() || !after_columns.is_empty(), "INSERT ... PARTITION")?;
        reject(has_table_keyword, "INSERT INTO TABLE")?;
        reject(output.is_some(), "OUTPUT")?;
        reject(priority.is_some(), "INSERT priorities")?;
        reject(insert_alias.is_some(), "INSERT ... AS alias (MySQL)")?;
        reject(settings.is_some(), "SETTINGS")?;
        reject(format_clause.is_some(), "FORMAT")?;
        reject(
            multi_table_insert_type.is_some()
                || !multi_table_into_clauses.is_empty()
                || !multi_table_when_clauses.is_empty()
                || multi_table_else_clause.is_some(),
            "multi-table INSERT",
        )?;
        let table = match table {
            sql::TableObject::TableName(name) => super::table_name(name)?,
            _ => return Err(unsupported("INSERT into a table function")),
        };
        let columns = match columns.is_empty() {
            true => None,
            false => Some(columns.into_iter().map(column_name).collect::<Result<_>>()?),
        };
        let source = match source {
            None => InsertSource::DefaultValues,
            Some(query) => self.insert_source(query)?,
        };
        Ok(ast::Statement::Insert(Insert { table, columns, source, returning: self.returning(returning)? }))
    }

    /// `VALUES (...), (...)` arrives as a query whose body is a VALUES list; any other query
    /// is `INSERT ... SELECT`.
    fn insert_source(&mut self, query: Box<sql::Query>) -> Result<InsertSource> {
        if !matches!(*query.body, sql::SetExpr::Values(_)) {
            return Ok(InsertSource::Query(self.query(query)?));
        }
        let sql::Query {
            with,
            body,
            order_by,
            limit_clause,
            fetch,
            locks,
            for_clause,
            settings,
            format_clause,
            pipe_operators,
        } = *query;
        let sql::SetExpr::Values(values) = *body else { unreachable!("checked above") };
        reject(with.is_some(), "WITH (common table expressions)")?;
        reject(
            order_by.is_some()
                || limit_clause.is_some()
                || fetch.is_some()
                || !locks.is_empty()
                || for_clause.is_some()
                || settings.is_some()
                || format_clause.is_some()
                || !pipe_operators.is_empty(),
            "clauses after VALUES",
        )?;
        let sql::Values { explicit_row, value_keyword, rows } = values;
        reject(explicit_row, "VALUES ROW(...)")?;
        reject(value_keyword, "VALUE (use VALUES)")?;
        let rows = rows
            .into_iter()
            .map(|row| {
                row.content
                    .into_iter()
                    .map(|value| match value {
                        // sqlparser reads the keyword DEFAULT as an identifier.
                        sql::Expr::Identifier(id) if is_keyword(&id, "default") => Ok(Expr::Default),
                        value => self.expr(value),
                    })
                    .collect()
            })
            .collect::<Result<_>>()?;
        Ok(InsertSource::Values(rows))
    }

    pub(super) fn update(&mut self, update: sql::Update) -> Result<ast::Statement> {
        let sql::Update {
            update_token: _,
            optimizer_hints,
            table,
            on_cluster,
            assignments,
            from,
            selection,
            returning,
            output,
            or,
            order_by,
            limit,
            settings,
        } = update;
        reject(from.is_some(), "UPDATE ... FROM")?;
        reject(!optimizer_hints.is_empty(), "optimizer hints")?;
        reject(on_cluster.is_some(), "ON CLUSTER")?;
        reject(output.is_some(), "OUTPUT")?;
        reject(or.is_some(), "UPDATE OR ...")?;
        reject(!order_by.is_empty(), "UPDATE ... ORDER BY")?;
        reject(limit.is_some(), "UPDATE ... LIMIT")?;
        reject(settings.is_some(), "SETTINGS")?;
        let (table, alias) = self.target_table(table, "UPDATE")?;
        let assignments = assignments
            .into_iter()
            .map(|sql::Assignment { target, value }| {
                let column = match target {
                    sql::AssignmentTarget::ColumnName(name) => assignment_target(name)?,
                    sql::AssignmentTarget::Tuple(_) => return Err(unsupported("SET (a, b, ...) = ...")),
                };
                // sqlparser reads the keyword DEFAULT as an identifier.
                if matches!(&value, sql::Expr::Identifier(id) if is_keyword(id, "default")) {
                    return Ok((column, Expr::Default));
                }
                Ok((column, self.expr(value)?))
            })
            .collect::<Result<_>>()?;
        Ok(ast::Statement::Update(Update {
            table,
            alias,
            assignments,
            filter: selection.map(|e| self.expr(e)).transpose()?,
            returning: self.returning(returning)?,
        }))
    }

    pub(super) fn delete(&mut self, delete: sql::Delete) -> Result<ast::Statement> {
        let sql::Delete {
            delete_token: _,
            optimizer_hints,
            tables,
            from,
            on_cluster,
            using,
            selection,
            returning,
            output,
            order_by,
            limit,
            settings,
        } = delete;
        reject(using.is_some(), "DELETE ... USING")?;
        reject(!optimizer_hints.is_empty(), "optimizer hints")?;
        reject(!tables.is_empty(), "multi-table DELETE")?;
        reject(on_cluster.is_some(), "ON CLUSTER")?;
        reject(output.is_some(), "OUTPUT")?;
        reject(!order_by.is_empty(), "DELETE ... ORDER BY")?;
        reject(limit.is_some(), "DELETE ... LIMIT")?;
        reject(settings.is_some(), "SETTINGS")?;
        let mut from = match from {
            sql::FromTable::WithFromKeyword(from) => from,
            sql::FromTable::WithoutKeyword(_) => return Err(unsupported("DELETE without FROM")),
        };
        let target = match (from.pop(), from.is_empty()) {
            (Some(target), true) => target,
            _ => return Err(unsupported("DELETE from several tables")),
        };
        let (table, alias) = self.target_table(target, "DELETE")?;
        Ok(ast::Statement::Delete(Delete {
            table,
            alias,
            filter: selection.map(|e| self.expr(e)).transpose()?,
            returning: self.returning(returning)?,
        }))
    }

    /// The table an UPDATE or DELETE writes: a plain table with an optional alias.
    fn target_table(&mut self, target: sql::TableWithJoins, statement: &str) -> Result<(String, Option<String>)> {
        reject(!target.joins.is_empty(), &format!("{statement} with JOIN"))?;
        match self.table_factor(target.relation)? {
            FromItem::Table { name, alias } => Ok((name, alias)),
            _ => Err(unsupported(format!("{statement} of something other than a table"))),
        }
    }

    fn returning(&mut self, returning: Option<Vec<sql::SelectItem>>) -> Result<Vec<SelectItem>> {
        returning.map_or(Ok(vec![]), |items| self.select_items(items))
    }
}

/// The column of `SET column = ...`; `t.column` names the same column.
fn assignment_target(name: sql::ObjectName) -> Result<String> {
    let display = name.to_string();
    let mut parts = name_parts(name)?;
    match (parts.pop(), parts.len()) {
        (Some(column), 0 | 1) => Ok(column),
        _ => Err(unsupported(format!("assignment to {display}"))),
    }
}
