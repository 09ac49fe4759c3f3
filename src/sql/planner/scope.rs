//! Scopes: the FROM items of each query level and how names resolve against them.
//!
//! See the module documentation of the planner for the rules; in short, a level's row is its
//! items' rows side by side, qualified names find an item by its alias (or table name when it
//! has none), unqualified names search every item of a level, and a name not found in the
//! innermost level is looked up outwards, becoming an outer reference.

use crate::error::{Error, Result};
use crate::sql::plan::{AggregateCall, Expr};
use crate::types::{DataType, TableSchema};

use super::Planner;

/// One column of a FROM item.
#[derive(Clone, Debug)]
pub(super) struct ScopeColumn {
    pub name: String,
    /// Known for table columns; `None` for subquery outputs.
    pub data_type: Option<DataType>,
    /// `xmin` / `xmax`: never part of `*`, and shadowed by a user column of the same name.
    pub system: bool,
}

/// One FROM item: a table or a subquery, and where its row starts in the level's row.
#[derive(Clone, Debug)]
pub(super) struct ScopeItem {
    /// The alias, or the table's name; `None` for a subquery without alias.
    pub name: Option<String>,
    pub columns: Vec<ScopeColumn>,
    pub offset: usize,
}

impl ScopeItem {
    /// A table read by a scan: its columns, then `xmin` and `xmax`.
    pub fn table(name: String, schema: &TableSchema, offset: usize) -> ScopeItem {
        let mut columns: Vec<ScopeColumn> = schema
            .columns
            .iter()
            .map(|c| ScopeColumn { name: c.name.clone(), data_type: Some(c.data_type), system: false })
            .collect();
        for system in ["xmin", "xmax"] {
            columns.push(ScopeColumn { name: system.into(), data_type: Some(DataType::Integer), system: true });
        }
        ScopeItem { name: Some(name), columns, offset }
    }

    /// A subquery in FROM: its output columns.
    pub fn subquery(name: Option<String>, columns: &[String], offset: usize) -> ScopeItem {
        let columns = columns.iter().map(|c| ScopeColumn { name: c.clone(), data_type: None, system: false }).collect();
        ScopeItem { name, columns, offset }
    }

    pub fn width(&self) -> usize {
        self.columns.len()
    }

    /// The position (within the item) of the column `name`: a user column first, a system
    /// column only when no user column has the name. Two user columns of that name (possible
    /// in a subquery's output) are ambiguous.
    fn find(&self, name: &str) -> Result<Option<usize>> {
        let mut user = self.columns.iter().enumerate().filter(|(_, c)| !c.system && c.name == name);
        match (user.next(), user.next()) {
            (Some(_), Some(_)) => return Err(Error::AmbiguousColumn(name.to_string())),
            (Some((i, _)), None) => return Ok(Some(i)),
            _ => {}
        }
        Ok(self.columns.iter().position(|c| c.system && c.name == name))
    }
}

/// The aggregation state of a level while its grouped clauses are bound.
#[derive(Clone, Debug, Default)]
pub(super) struct Aggregation {
    /// GROUP BY expressions over the input row.
    pub groups: Vec<Expr>,
    /// Aggregate calls found so far; call `k` is column `groups.len() + k` of the output.
    pub aggregates: Vec<AggregateCall>,
}

/// One query level of the scope stack.
#[derive(Clone, Debug, Default)]
pub(super) struct Level {
    pub items: Vec<ScopeItem>,
    /// Set when this level (a subquery) reads a column of an enclosing level.
    pub correlated: bool,
    /// Present while the select list, HAVING and ORDER BY of an aggregated query are bound.
    pub aggregation: Option<Aggregation>,
}

impl Level {
    pub fn new(items: Vec<ScopeItem>, correlated: bool) -> Level {
        Level { items, correlated, aggregation: None }
    }

    /// The width of the level's row.
    pub fn width(&self) -> usize {
        self.items.last().map_or(0, |i| i.offset + i.width())
    }

    /// The item whose columns include row position `column`.
    pub fn item_of(&self, column: usize) -> Option<usize> {
        self.items.iter().position(|i| column >= i.offset && column < i.offset + i.width())
    }

    /// The item named `name`.
    pub fn find_item(&self, name: &str) -> Option<usize> {
        self.items.iter().position(|i| i.name.as_deref() == Some(name))
    }

    fn column(&self, column: usize) -> Option<&ScopeColumn> {
        let item = &self.items[self.item_of(column)?];
        item.columns.get(column - item.offset)
    }

    /// `t.x` for messages (just `x` for an unnamed subquery's column).
    pub fn column_name(&self, column: usize) -> String {
        let Some(item) = self.item_of(column).map(|i| &self.items[i]) else {
            return "?column?".into();
        };
        let name = item.columns.get(column - item.offset).map_or("?column?", |c| c.name.as_str());
        match &item.name {
            Some(t) => format!("{t}.{name}"),
            None => name.to_string(),
        }
    }

    /// The type of the column at row position `column`, when known.
    pub fn column_type(&self, column: usize) -> Option<DataType> {
        self.column(column)?.data_type
    }

    /// Resolves a name within this level only: `Ok(None)` when it is not here, `Err` when the
    /// qualifier names an item of this level that lacks the column, or the name is ambiguous.
    pub fn lookup(&self, table: Option<&str>, name: &str) -> Result<Option<usize>> {
        if let Some(t) = table {
            let Some(item) = self.find_item(t).map(|i| &self.items[i]) else {
                return Ok(None);
            };
            return match item.find(name)? {
                Some(i) => Ok(Some(item.offset + i)),
                None => Err(Error::UndefinedColumn(format!("{t}.{name}"))),
            };
        }
        let mut found = None;
        for item in &self.items {
            if let Some(i) = item.find(name)? {
                if found.is_some() {
                    return Err(Error::AmbiguousColumn(name.to_string()));
                }
                found = Some(item.offset + i);
            }
        }
        Ok(found)
    }

    /// Checks that no two FROM items share a name (42712).
    pub fn check_duplicate_names(&self) -> Result<()> {
        for (i, item) in self.items.iter().enumerate() {
            if let Some(name) = &item.name {
                if self.items[..i].iter().any(|other| other.name.as_ref() == Some(name)) {
                    return Err(Error::DuplicateAlias(name.clone()));
                }
            }
        }
        Ok(())
    }

    /// The columns `*` (no qualifier) or `t.*` expands to: row positions and names.
    pub fn wildcard(&self, qualifier: Option<&str>) -> Result<Vec<(usize, String)>> {
        let items: Vec<&ScopeItem> = match qualifier {
            None => self.items.iter().collect(),
            Some(t) => {
                vec![&self.items[self.find_item(t).ok_or_else(|| Error::UndefinedTable(t.to_string()))?]]
            }
        };
        Ok(items
            .into_iter()
            .flat_map(|item| {
                item.columns
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| !c.system)
                    .map(move |(i, c)| (item.offset + i, c.name.clone()))
            })
            .collect())
    }
}

impl Planner<'_> {
    /// The innermost level.
    pub(super) fn current(&self) -> Result<&Level> {
        self.levels.last().ok_or_else(|| Error::Internal("no scope to bind in".into()))
    }

    pub(super) fn current_mut(&mut self) -> Result<&mut Level> {
        self.levels.last_mut().ok_or_else(|| Error::Internal("no scope to bind in".into()))
    }

    /// Resolves a column reference against the scope stack, innermost level first.
    pub(super) fn resolve_column(&mut self, table: Option<&str>, name: &str) -> Result<Expr> {
        let innermost = self.levels.len().checked_sub(1).ok_or_else(|| Error::Internal("no scope".into()))?;
        for found_at in (0..=innermost).rev() {
            let Some(index) = self.levels[found_at].lookup(table, name)? else {
                continue;
            };
            let depth = innermost - found_at;
            if depth == 0 {
                return Ok(Expr::Column(index));
            }
            // Every level inside the one the name was found in reads an outer column.
            for level in &mut self.levels[found_at + 1..] {
                level.correlated = true;
            }
            return Ok(Expr::Outer { depth, index });
        }
        Err(match table {
            Some(t) => Error::UndefinedTable(t.to_string()),
            None => Error::UndefinedColumn(name.to_string()),
        })
    }

    /// The type of an expression bound over the current level's input row, where it is
    /// obvious (for messages only).
    pub(super) fn static_type(&self, e: &Expr) -> Option<DataType> {
        use crate::sql::ast::BinaryOp as B;
        use crate::sql::plan::ScalarFunction as F;
        let level = self.levels.last()?;
        match e {
            Expr::Column(i) => level.column_type(*i),
            Expr::Outer { depth, index } => {
                let at = self.levels.len().checked_sub(1 + depth)?;
                self.levels[at].column_type(*index)
            }
            Expr::Literal(v) => v.data_type(),
            Expr::Cast(_, t) => Some(*t),
            Expr::Binary(op, l, r) => match op {
                B::Add | B::Subtract | B::Multiply | B::Divide | B::Modulo => {
                    match (self.static_type(l)?, self.static_type(r)?) {
                        (DataType::Integer, DataType::Integer) => Some(DataType::Integer),
                        (a, b) if a.is_numeric() && b.is_numeric() => Some(DataType::Real),
                        _ => None,
                    }
                }
                B::Concat => Some(DataType::Text),
                _ => Some(DataType::Boolean),
            },
            Expr::Unary(crate::sql::ast::UnaryOp::Not, _)
            | Expr::IsNull { .. }
            | Expr::IsBool { .. }
            | Expr::InList { .. }
            | Expr::InSubquery { .. }
            | Expr::Exists { .. }
            | Expr::Like { .. } => Some(DataType::Boolean),
            Expr::Unary(_, inner) => self.static_type(inner),
            Expr::Function(F::Lower | F::Upper | F::Substr | F::Concat, _) => Some(DataType::Text),
            Expr::Function(F::Length, _) => Some(DataType::Integer),
            _ => None,
        }
    }
}
