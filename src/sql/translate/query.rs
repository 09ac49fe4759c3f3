//! Queries: SELECT with FROM, joins, ORDER BY, LIMIT/OFFSET and locking clauses.

use sqlparser::ast as sql;

use super::{
    ident, name_parts, reject, sql_words, syntax_error, table_name, unsupported, variant_name, Translator, QUERY_DEPTH,
};
use crate::error::Result;
use crate::sql::ast::{self, FromItem, JoinKind, LockStrength, LockingClause, OrderByItem, Select, SelectItem};
use crate::types::Value;

impl Translator {
    /// Translates a query; it must be a single SELECT, possibly parenthesised. (Queries
    /// travel boxed, as in both trees: they are large.)
    pub(super) fn query(&mut self, query: Box<sql::Query>) -> Result<Box<ast::Query>> {
        self.enter(QUERY_DEPTH)?;
        let result = self.query_inner(query);
        self.leave(QUERY_DEPTH);
        result
    }

    fn query_inner(&mut self, query: Box<sql::Query>) -> Result<Box<ast::Query>> {
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
        reject(with.is_some(), "WITH (common table expressions)")?;
        reject(for_clause.is_some(), "FOR XML / FOR JSON")?;
        reject(settings.is_some(), "SETTINGS")?;
        reject(format_clause.is_some(), "FORMAT")?;
        reject(!pipe_operators.is_empty(), "pipe operators")?;
        let mut query = self.query_body(body)?;
        if let Some(order_by) = order_by {
            if !query.order_by.is_empty() {
                return Err(syntax_error("multiple ORDER BY clauses not allowed"));
            }
            query.order_by = self.order_by(order_by)?;
        }
        if let Some(limit_clause) = limit_clause {
            let (limit, offset) = self.limit_clause(limit_clause)?;
            if let Some(limit) = limit {
                set_once(&mut query.limit, limit, "LIMIT")?;
            }
            if let Some(offset) = offset {
                set_once(&mut query.offset, offset, "OFFSET")?;
            }
        }
        if let Some(fetch) = fetch {
            let limit = self.fetch(fetch)?;
            set_once(&mut query.limit, limit, "LIMIT")?;
        }
        if let Some(locking) = locking(locks)? {
            if query.locking.is_some() {
                return Err(unsupported("locking clauses both inside and outside parentheses"));
            }
            query.locking = Some(locking);
        }
        Ok(query)
    }

    fn query_body(&mut self, body: Box<sql::SetExpr>) -> Result<Box<ast::Query>> {
        // The unsupported forms move nothing out of the box: a large node moved into a local
        // would cost stack space in this frame, which is on the stack once per subquery level.
        match *body {
            sql::SetExpr::Select(select) => Ok(Box::new(ast::Query {
                select: self.select(select)?,
                order_by: vec![],
                limit: None,
                offset: None,
                locking: None,
            })),
            // `(SELECT ...)`: the clauses written after the parentheses are added to it, as
            // PostgreSQL does (so `(SELECT .. LIMIT 5) ORDER BY a` sorts before limiting);
            // giving the same clause on both sides is an error.
            sql::SetExpr::Query(inner) => self.query(inner),
            sql::SetExpr::SetOperation { ref op, .. } => Err(unsupported(op.to_string())),
            sql::SetExpr::Values(_) => Err(unsupported("VALUES as a query")),
            sql::SetExpr::Table(_) => Err(unsupported("TABLE name as a query")),
            sql::SetExpr::Insert(_) | sql::SetExpr::Update(_) | sql::SetExpr::Delete(_) | sql::SetExpr::Merge(_) => {
                Err(unsupported("data-modifying statements inside queries"))
            }
        }
    }

    fn select(&mut self, select: Box<sql::Select>) -> Result<Select> {
        let sql::Select {
            select_token: _,
            optimizer_hints,
            distinct,
            select_modifiers,
            top,
            top_before_distinct: _, // only says where the (rejected) TOP was
            projection,
            exclude,
            into,
            from,
            lateral_views,
            prewhere,
            selection,
            connect_by,
            group_by,
            cluster_by,
            distribute_by,
            sort_by,
            having,
            named_window,
            qualify,
            window_before_qualify: _, // only says where the (rejected) WINDOW was
            value_table_mode,
            flavor,
        } = *select;
        reject(!optimizer_hints.is_empty(), "optimizer hints")?;
        reject(select_modifiers.is_some_and(|m| m.is_any_set()), "MySQL SELECT modifiers")?;
        reject(top.is_some(), "TOP")?;
        reject(exclude.is_some(), "EXCLUDE")?;
        reject(into.is_some(), "SELECT INTO")?;
        reject(!lateral_views.is_empty(), "LATERAL VIEW")?;
        reject(prewhere.is_some(), "PREWHERE")?;
        reject(!connect_by.is_empty(), "CONNECT BY")?;
        reject(!cluster_by.is_empty(), "CLUSTER BY")?;
        reject(!distribute_by.is_empty(), "DISTRIBUTE BY")?;
        reject(!sort_by.is_empty(), "SORT BY")?;
        reject(!named_window.is_empty(), "window functions (WINDOW clause)")?;
        reject(qualify.is_some(), "QUALIFY")?;
        reject(value_table_mode.is_some(), "SELECT AS VALUE / AS STRUCT")?;
        reject(flavor != sql::SelectFlavor::Standard, "FROM-first queries")?;
        let distinct = match distinct {
            None | Some(sql::Distinct::All) => false,
            Some(sql::Distinct::Distinct) => true,
            Some(sql::Distinct::On(_)) => return Err(unsupported("DISTINCT ON")),
        };
        let group_by = match group_by {
            sql::GroupByExpr::All(_) => return Err(unsupported("GROUP BY ALL")),
            sql::GroupByExpr::Expressions(exprs, modifiers) => {
                reject(!modifiers.is_empty(), "GROUP BY ... WITH ROLLUP / CUBE / TOTALS")?;
                self.exprs(exprs)?
            }
        };
        Ok(Select {
            distinct,
            projection: self.select_items(projection)?,
            from: from.into_iter().map(|item| self.table_with_joins(item)).collect::<Result<_>>()?,
            filter: selection.map(|e| self.expr(e)).transpose()?,
            group_by,
            having: having.map(|e| self.expr(e)).transpose()?,
        })
    }

    /// A projection or RETURNING list.
    pub(super) fn select_items(&mut self, items: Vec<sql::SelectItem>) -> Result<Vec<SelectItem>> {
        items
            .into_iter()
            .map(|item| match item {
                sql::SelectItem::UnnamedExpr(expr) => Ok(SelectItem::Expr { expr: self.expr(expr)?, alias: None }),
                sql::SelectItem::ExprWithAlias { expr, alias } => {
                    Ok(SelectItem::Expr { expr: self.expr(expr)?, alias: Some(ident(alias)) })
                }
                sql::SelectItem::ExprWithAliases { .. } => Err(unsupported("several aliases for one expression")),
                sql::SelectItem::Wildcard(options) => {
                    wildcard_options(options)?;
                    Ok(SelectItem::Wildcard)
                }
                sql::SelectItem::QualifiedWildcard(kind, options) => {
                    wildcard_options(options)?;
                    match kind {
                        sql::SelectItemQualifiedWildcardKind::ObjectName(name) => {
                            Ok(SelectItem::QualifiedWildcard(table_name(name)?))
                        }
                        sql::SelectItemQualifiedWildcardKind::Expr(_) => Err(unsupported("expression.*")),
                    }
                }
            })
            .collect()
    }

    /// A FROM item with its joins, which nest to the left: `a JOIN b JOIN c` is
    /// `(a JOIN b) JOIN c`.
    fn table_with_joins(&mut self, item: sql::TableWithJoins) -> Result<FromItem> {
        let sql::TableWithJoins { relation, joins } = item;
        let mut left = self.table_factor(relation)?;
        for join in joins {
            left = self.join(left, join)?;
        }
        Ok(left)
    }

    fn join(&mut self, left: FromItem, join: sql::Join) -> Result<FromItem> {
        use sql::JoinOperator as J;
        let sql::Join { relation, global, join_operator } = join;
        reject(global, "GLOBAL JOIN")?;
        let (kind, constraint) = match join_operator {
            J::Join(c) | J::Inner(c) => (JoinKind::Inner, c),
            J::Left(c) | J::LeftOuter(c) => (JoinKind::Left, c),
            J::CrossJoin(c) => (JoinKind::Cross, c),
            J::Right(_) | J::RightOuter(_) => return Err(unsupported("RIGHT JOIN")),
            J::FullOuter(_) => return Err(unsupported("FULL JOIN")),
            other => return Err(unsupported(sql_words(&variant_name(&other)))),
        };
        let on = match (kind, constraint) {
            (JoinKind::Cross, sql::JoinConstraint::None) => None,
            (JoinKind::Cross, _) => return Err(syntax_error("CROSS JOIN cannot have a condition")),
            (_, sql::JoinConstraint::On(expr)) => Some(self.expr(expr)?),
            (_, sql::JoinConstraint::Using(_) | sql::JoinConstraint::UsingAlias(..)) => {
                return Err(unsupported("JOIN ... USING"))
            }
            (_, sql::JoinConstraint::Natural) => return Err(unsupported("NATURAL JOIN")),
            (_, sql::JoinConstraint::None) => return Err(syntax_error("JOIN requires an ON condition")),
        };
        Ok(FromItem::Join { left: Box::new(left), right: Box::new(self.table_factor(relation)?), kind, on })
    }

    pub(super) fn table_factor(&mut self, factor: sql::TableFactor) -> Result<FromItem> {
        match factor {
            sql::TableFactor::Table {
                name,
                alias,
                args,
                with_hints,
                version,
                with_ordinality,
                partitions,
                json_path,
                sample,
                index_directives,
                inheritance,
            } => {
                reject(args.is_some(), "table functions")?;
                reject(!with_hints.is_empty(), "table hints")?;
                reject(version.is_some(), "time travel (AS OF)")?;
                reject(with_ordinality, "WITH ORDINALITY")?;
                reject(!partitions.is_empty(), "PARTITION selection")?;
                reject(json_path.is_some(), "JSON paths in FROM")?;
                reject(sample.is_some(), "TABLESAMPLE")?;
                reject(!index_directives.is_empty(), "index hints")?;
                reject(inheritance.is_some(), "ONLY / table inheritance")?;
                Ok(FromItem::Table { name: table_name(name)?, alias: table_alias(alias)? })
            }
            sql::TableFactor::Derived { lateral, subquery, alias, sample } => {
                reject(lateral, "LATERAL")?;
                reject(sample.is_some(), "TABLESAMPLE")?;
                Ok(FromItem::Subquery { query: self.query(subquery)?, alias: table_alias(alias)? })
            }
            sql::TableFactor::NestedJoin { table_with_joins, alias } => {
                reject(alias.is_some(), "an alias on a parenthesised join")?;
                self.enter(QUERY_DEPTH)?;
                let result = self.table_with_joins(*table_with_joins);
                self.leave(QUERY_DEPTH);
                result
            }
            sql::TableFactor::Function { .. } | sql::TableFactor::TableFunction { .. } => {
                Err(unsupported("table functions"))
            }
            other => Err(unsupported(format!("{} in FROM", sql_words(&variant_name(&other))))),
        }
    }

    fn order_by(&mut self, order_by: sql::OrderBy) -> Result<Vec<OrderByItem>> {
        let sql::OrderBy { kind, interpolate } = order_by;
        reject(interpolate.is_some(), "INTERPOLATE")?;
        let items = match kind {
            sql::OrderByKind::All(_) => return Err(unsupported("ORDER BY ALL")),
            sql::OrderByKind::Expressions(items) => items,
        };
        items
            .into_iter()
            .map(|item| {
                let sql::OrderByExpr { expr, options: sql::OrderByOptions { sort, nulls_first }, with_fill } = item;
                reject(with_fill.is_some(), "WITH FILL")?;
                let descending = match sort {
                    None | Some(sql::OrderBySort::Asc) => false,
                    Some(sql::OrderBySort::Desc) => true,
                    Some(sql::OrderBySort::Using(_)) => return Err(unsupported("ORDER BY ... USING operator")),
                };
                Ok(OrderByItem { expr: self.expr(expr)?, descending, nulls_first })
            })
            .collect()
    }

    /// `LIMIT n` / `LIMIT ALL` (no limit) and `OFFSET n [ROWS]`, in either order.
    fn limit_clause(&mut self, clause: sql::LimitClause) -> Result<(Option<ast::Expr>, Option<ast::Expr>)> {
        match clause {
            sql::LimitClause::LimitOffset { limit, offset, limit_by } => {
                reject(!limit_by.is_empty(), "LIMIT BY")?;
                // `ROW` / `ROWS` after OFFSET is noise.
                let offset = offset.map(|sql::Offset { value, rows: _ }| value);
                Ok((limit.map(|e| self.expr(e)).transpose()?, offset.map(|e| self.expr(e)).transpose()?))
            }
            sql::LimitClause::OffsetCommaLimit { .. } => Err(unsupported("LIMIT offset, count")),
        }
    }

    /// `FETCH FIRST n ROWS ONLY`, the standard spelling of `LIMIT n` (`n` defaults to 1).
    fn fetch(&mut self, fetch: sql::Fetch) -> Result<ast::Expr> {
        let sql::Fetch { with_ties, percent, quantity } = fetch;
        reject(with_ties, "FETCH ... WITH TIES")?;
        reject(percent, "FETCH ... PERCENT")?;
        match quantity {
            Some(quantity) => self.expr(quantity),
            None => Ok(ast::Expr::Literal(Value::Integer(1))),
        }
    }
}

/// Sets a LIMIT or OFFSET that may only be given once.
fn set_once(slot: &mut Option<ast::Expr>, value: ast::Expr, clause: &str) -> Result<()> {
    if slot.is_some() {
        return Err(syntax_error(format!("multiple {clause} clauses not allowed")));
    }
    *slot = Some(value);
    Ok(())
}

/// The alias of a FROM item; a column list (`AS t(a, b)`) has no place in the AST.
fn table_alias(alias: Option<sql::TableAlias>) -> Result<Option<String>> {
    alias
        .map(|alias| {
            let sql::TableAlias {
                explicit: _, // `AS` is optional
                name,
                columns,
                at,
            } = alias;
            reject(!columns.is_empty(), "column aliases in FROM (alias(a, b, ...))")?;
            reject(at.is_some(), "AT in FROM aliases")?;
            Ok(ident(name))
        })
        .transpose()
}

/// `*` and `t.*` may carry other dialects' options (`EXCLUDE`, `REPLACE`, an alias, ...).
fn wildcard_options(options: sql::WildcardAdditionalOptions) -> Result<()> {
    let sql::WildcardAdditionalOptions {
        wildcard_token: _,
        opt_ilike,
        opt_exclude,
        opt_except,
        opt_replace,
        opt_rename,
        opt_alias,
    } = options;
    reject(opt_ilike.is_some(), "* ILIKE")?;
    reject(opt_exclude.is_some(), "* EXCLUDE")?;
    reject(opt_except.is_some(), "* EXCEPT")?;
    reject(opt_replace.is_some(), "* REPLACE")?;
    reject(opt_rename.is_some(), "* RENAME")?;
    reject(opt_alias.is_some(), "an alias on *")
}

/// The locking clauses of a query, merged into one: `FOR UPDATE OF a FOR UPDATE OF b` locks
/// `a` and `b` (sqlparser takes a single table after `OF`, so this is how several are
/// written), and a clause without `OF` locks every table.
fn locking(locks: Vec<sql::LockClause>) -> Result<Option<LockingClause>> {
    let mut merged: Option<LockingClause> = None;
    for lock in locks {
        let sql::LockClause { lock_type, of, nonblock } = lock;
        let strength = match lock_type {
            sql::LockType::Update => LockStrength::Update,
            sql::LockType::Share => LockStrength::Share,
        };
        let nowait = match nonblock {
            None => false,
            Some(sql::NonBlock::Nowait) => true,
            Some(sql::NonBlock::SkipLocked) => return Err(unsupported("SKIP LOCKED")),
        };
        let of = of.map(lock_target).transpose()?;
        match &mut merged {
            None => merged = Some(LockingClause { strength, of: of.into_iter().collect(), nowait }),
            Some(clause) if clause.strength == strength && clause.nowait == nowait => match of {
                Some(table) if !clause.of.is_empty() => clause.of.push(table),
                _ => clause.of.clear(),
            },
            Some(_) => return Err(unsupported("several locking clauses of different strength or NOWAIT in one query")),
        }
    }
    Ok(merged)
}

/// A table after `FOR UPDATE OF`: a table name or alias of the query, unqualified.
fn lock_target(name: sql::ObjectName) -> Result<String> {
    let display = name.to_string();
    let mut parts = name_parts(name)?;
    match parts.len() {
        1 => Ok(parts.swap_remove(0)),
        _ => Err(syntax_error(format!("FOR UPDATE OF must name unqualified tables, not {display}"))),
    }
}
