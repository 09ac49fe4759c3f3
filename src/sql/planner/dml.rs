//! INSERT, UPDATE and DELETE.
//!
//! UPDATE and DELETE are single-table scans: the table (under its alias, if any) is the only
//! item of the statement's level, its WHERE becomes the filter and chooses the access path as
//! a SELECT's would. Assignments are bound over the old row; RETURNING over the written row
//! (the table's columns, then `xmin` and `xmax`). INSERT rows are built in table column order:
//! columns the statement does not name, and the keyword DEFAULT, take the column default.

use crate::error::{Error, Result};
use crate::sql::ast;
use crate::sql::plan::{DeletePlan, Expr, InsertColumn, InsertPlan, InsertSource, Returning, TableRef, UpdatePlan};
use crate::types::TableSchema;

use super::access_path::choose_access_path;
use super::expr::{output_name, Clause, Cx};
use super::rewrite::{and_all, split_conjuncts};
use super::scope::{Level, ScopeItem};
use super::{syntax, Planner};

impl Planner<'_> {
    fn table_ref(&self, name: &str) -> Result<TableRef> {
        let table = self.catalog.table(name).ok_or_else(|| Error::UndefinedTable(name.to_string()))?;
        Ok(TableRef { id: table.id, schema: table.schema() })
    }

    /// Runs `f` with a level holding just `table` (under `name`).
    fn with_table_level<T>(
        &mut self,
        table: &TableRef,
        name: &str,
        f: impl FnOnce(&mut Self) -> Result<T>,
    ) -> Result<T> {
        let item = ScopeItem::table(name.to_string(), &table.schema, 0);
        self.levels.push(Level::new(vec![item], false));
        let result = f(self);
        self.levels.pop();
        result
    }

    /// Binds RETURNING over the current (single-table) level.
    fn returning(&mut self, items: &[ast::SelectItem]) -> Result<Option<Returning>> {
        if items.is_empty() {
            return Ok(None);
        }
        let (mut exprs, mut columns) = (Vec::new(), Vec::new());
        for item in items {
            match item {
                ast::SelectItem::Wildcard | ast::SelectItem::QualifiedWildcard(_) => {
                    let qualifier = match item {
                        ast::SelectItem::QualifiedWildcard(t) => Some(t.as_str()),
                        _ => None,
                    };
                    for (i, name) in self.current()?.wildcard(qualifier)? {
                        exprs.push(Expr::Column(i));
                        columns.push(name);
                    }
                }
                ast::SelectItem::Expr { expr, alias } => {
                    exprs.push(self.bind(expr, Cx::plain(Clause::Returning))?);
                    columns.push(alias.clone().unwrap_or_else(|| output_name(expr)));
                }
            }
        }
        Ok(Some(Returning { exprs, columns: columns.into() }))
    }

    /// WHERE of UPDATE / DELETE: the access path and the filter.
    fn single_table_filter(
        &mut self,
        schema: &TableSchema,
        filter: Option<&ast::Expr>,
    ) -> Result<(crate::sql::plan::AccessPath, Option<Expr>)> {
        let mut conjuncts = Vec::new();
        if let Some(filter) = filter {
            split_conjuncts(self.bind(filter, Cx::plain(Clause::Where))?, &mut conjuncts);
        }
        // The rows of a write are re-checked on their newest version: the whole filter stays.
        Ok((choose_access_path(schema, &conjuncts, self.literal_types).access, and_all(conjuncts)))
    }

    pub(super) fn insert(&mut self, insert: &ast::Insert) -> Result<InsertPlan> {
        let table = self.table_ref(&insert.table)?;
        let schema = table.schema.clone();
        let targets: Vec<usize> = match &insert.columns {
            None => (0..schema.columns.len()).collect(),
            Some(names) => {
                let mut targets = Vec::with_capacity(names.len());
                for name in names {
                    let column = schema.column_index(name).ok_or_else(|| Error::UndefinedColumn(name.clone()))?;
                    if targets.contains(&column) {
                        return Err(Error::DuplicateColumn(name.clone()));
                    }
                    targets.push(column);
                }
                targets
            }
        };
        let defaults: Vec<Expr> = schema.columns.iter().map(|c| Expr::Literal(c.default.clone())).collect();
        let check_width = |given: usize| match given.cmp(&targets.len()) {
            std::cmp::Ordering::Greater => Err(syntax("INSERT has more expressions than target columns")),
            std::cmp::Ordering::Less => Err(syntax("INSERT has more target columns than expressions")),
            std::cmp::Ordering::Equal => Ok(()),
        };
        let source = match &insert.source {
            ast::InsertSource::DefaultValues => InsertSource::Values(vec![defaults]),
            ast::InsertSource::Values(rows) => {
                // VALUES sees no columns; its subqueries may not read the target table.
                self.levels.push(Level::default());
                let result = rows
                    .iter()
                    .map(|row| {
                        check_width(row.len())?;
                        let mut values = defaults.clone();
                        for (value, &column) in row.iter().zip(&targets) {
                            if !matches!(value, ast::Expr::Default) {
                                values[column] = self.bind(value, Cx::plain(Clause::Values))?;
                            }
                        }
                        Ok(values)
                    })
                    .collect::<Result<Vec<_>>>();
                self.levels.pop();
                InsertSource::Values(result?)
            }
            ast::InsertSource::Query(query) => {
                let (plan, _) = self.query(query)?;
                check_width(plan.columns.len())?;
                let columns = schema
                    .columns
                    .iter()
                    .enumerate()
                    .map(|(column, c)| match targets.iter().position(|&t| t == column) {
                        Some(k) => InsertColumn::FromQuery(k),
                        None => InsertColumn::Default(c.default.clone()),
                    })
                    .collect();
                InsertSource::Query { root: plan.root, columns }
            }
        };
        let returning = self.with_table_level(&table, &insert.table, |p| p.returning(&insert.returning))?;
        Ok(InsertPlan { table, source, returning })
    }

    pub(super) fn update(&mut self, update: &ast::Update) -> Result<UpdatePlan> {
        let table = self.table_ref(&update.table)?;
        let schema = table.schema.clone();
        let name = update.alias.as_deref().unwrap_or(&update.table);
        self.with_table_level(&table, name, |p| {
            let mut assignments: Vec<(usize, Expr)> = Vec::with_capacity(update.assignments.len());
            for (column_name, value) in &update.assignments {
                let column =
                    schema.column_index(column_name).ok_or_else(|| Error::UndefinedColumn(column_name.clone()))?;
                if assignments.iter().any(|(c, _)| *c == column) {
                    return Err(syntax(format!("multiple assignments to same column \"{column_name}\"")));
                }
                let value = match value {
                    ast::Expr::Default => Expr::Literal(schema.columns[column].default.clone()),
                    other => p.bind(other, Cx::plain(Clause::Update))?,
                };
                assignments.push((column, value));
            }
            let (access, filter) = p.single_table_filter(&schema, update.filter.as_ref())?;
            let returning = p.returning(&update.returning)?;
            Ok(UpdatePlan { table: table.clone(), access, filter, assignments, returning })
        })
    }

    pub(super) fn delete(&mut self, delete: &ast::Delete) -> Result<DeletePlan> {
        let table = self.table_ref(&delete.table)?;
        let schema = table.schema.clone();
        let name = delete.alias.as_deref().unwrap_or(&delete.table);
        self.with_table_level(&table, name, |p| {
            let (access, filter) = p.single_table_filter(&schema, delete.filter.as_ref())?;
            let returning = p.returning(&delete.returning)?;
            Ok(DeletePlan { table: table.clone(), access, filter, returning })
        })
    }
}
