//! The FROM clause: its items, the join tree, and where each condition is evaluated.
//!
//! Items are numbered left to right; the level's row is their rows side by side, so a join
//! subtree's row is a contiguous slice of it. A condition (a conjunct of WHERE or ON) is
//! bound over the level's row, then placed as low as it may go:
//!
//! - into the scan of the one item it reads, if that item is *pushable* from where the
//!   condition stands: an inner join's sides are pushable, a LEFT JOIN's right side is not
//!   (filtering it early would turn its NULL-padded rows into missing ones);
//! - an ON condition of a LEFT JOIN may still go down into the right side (it only decides
//!   which right rows match);
//! - otherwise it stays on the join (ON) or above the joins (WHERE).
//!
//! A condition reading no column at all goes with the leftmost pushable item.

use crate::error::{Error, Result};
use crate::sql::ast::{self, JoinKind, LockingClause};
use crate::sql::plan::{Expr, Node, TableRef};

use super::access_path::{choose_access_path, remaining, AccessChoice};
use super::expr::{Clause, Cx};
use super::rewrite::{and_all, split_conjuncts};
use super::scope::ScopeItem;
use super::Planner;

/// The shape of a FROM clause, over item numbers.
pub(super) enum FromTree<'q> {
    Item(usize),
    Join { left: Box<FromTree<'q>>, right: Box<FromTree<'q>>, kind: JoinKind, on: Option<&'q ast::Expr> },
}

impl FromTree<'_> {
    /// Every item in the subtree, in order.
    fn items(&self) -> Vec<usize> {
        match self {
            FromTree::Item(i) => vec![*i],
            FromTree::Join { left, right, .. } => {
                let mut all = left.items();
                all.extend(right.items());
                all
            }
        }
    }

    /// The items a condition standing above this subtree may be pushed into.
    fn pushable(&self) -> Vec<usize> {
        match self {
            FromTree::Item(i) => vec![*i],
            FromTree::Join { left, right, kind, .. } => {
                let mut all = left.pushable();
                if *kind != JoinKind::Left {
                    all.extend(right.pushable());
                }
                all
            }
        }
    }

    /// The single item, when the tree is one.
    pub fn single_item(&self) -> Option<usize> {
        match self {
            FromTree::Item(i) => Some(*i),
            FromTree::Join { .. } => None,
        }
    }
}

/// What a FROM item reads.
pub(super) enum Source {
    Table(TableRef),
    /// A subquery's plan, inlined.
    Subquery(Node),
}

/// A planned FROM clause, before its level is pushed.
pub(super) struct FromClause<'q> {
    pub tree: Option<FromTree<'q>>,
    pub items: Vec<ScopeItem>,
    pub sources: Vec<Option<Source>>,
    /// Whether a subquery in FROM reads an enclosing level.
    pub correlated: bool,
}

/// How the scan of the one table is replaced by `LockRows`.
pub(super) type Lock<'q> = Option<&'q LockingClause>;

impl Planner<'_> {
    /// Resolves the FROM items and plans the subqueries among them. Runs before the query's
    /// own level is pushed, so these subqueries see only the enclosing levels.
    pub(super) fn resolve_from<'q>(&mut self, from: &'q [ast::FromItem]) -> Result<FromClause<'q>> {
        let mut out = FromClause { tree: None, items: Vec::new(), sources: Vec::new(), correlated: false };
        for item in from {
            let right = self.resolve_from_item(item, &mut out)?;
            out.tree = Some(match out.tree.take() {
                None => right,
                Some(left) => {
                    FromTree::Join { left: Box::new(left), right: Box::new(right), kind: JoinKind::Cross, on: None }
                }
            });
        }
        Ok(out)
    }

    fn resolve_from_item<'q>(&mut self, item: &'q ast::FromItem, out: &mut FromClause<'q>) -> Result<FromTree<'q>> {
        let offset = out.items.last().map_or(0, |i| i.offset + i.width());
        let scope_item = match item {
            ast::FromItem::Table { name, alias } => {
                let table = self.catalog.table(name).ok_or_else(|| Error::UndefinedTable(name.clone()))?;
                let schema = table.schema();
                let item = ScopeItem::table(alias.clone().unwrap_or_else(|| name.clone()), &schema, offset);
                out.sources.push(Some(Source::Table(TableRef { id: table.id, schema })));
                item
            }
            ast::FromItem::Subquery { query, alias } => {
                let (plan, correlated) = self.query(query)?;
                out.correlated |= correlated;
                out.sources.push(Some(Source::Subquery(plan.root)));
                ScopeItem::subquery(alias.clone(), &plan.columns, offset)
            }
            ast::FromItem::Join { left, right, kind, on } => {
                let left = self.resolve_from_item(left, out)?;
                let right = self.resolve_from_item(right, out)?;
                return Ok(FromTree::Join {
                    left: Box::new(left),
                    right: Box::new(right),
                    kind: *kind,
                    on: on.as_ref(),
                });
            }
        };
        out.items.push(scope_item);
        Ok(FromTree::Item(out.items.len() - 1))
    }

    /// The items of the current level that `e` reads.
    fn items_read(&mut self, e: &Expr) -> Result<Vec<usize>> {
        let columns = self.columns_read(e)?;
        let level = self.current()?;
        let mut items: Vec<usize> = columns.into_iter().filter_map(|c| level.item_of(c)).collect();
        items.sort_unstable();
        items.dedup();
        Ok(items)
    }

    /// Plans the join tree with the WHERE conjuncts; returns the tree's node and the conjuncts
    /// that must be evaluated above it.
    pub(super) fn plan_from(
        &mut self,
        tree: &FromTree<'_>,
        sources: &mut [Option<Source>],
        conjuncts: Vec<Expr>,
        lock: Lock<'_>,
    ) -> Result<(Node, Vec<Expr>)> {
        let pushable = tree.pushable();
        let (mut down, mut above) = (Vec::new(), Vec::new());
        for c in conjuncts {
            let read = self.items_read(&c)?;
            if read.len() <= 1 && read.iter().all(|i| pushable.contains(i)) {
                down.push(c);
            } else {
                above.push(c);
            }
        }
        Ok((self.build(tree, sources, down, lock)?, above))
    }

    /// Builds the node of a subtree; `pushed` are conditions to evaluate within it, each
    /// reading at most one of its pushable items.
    fn build(
        &mut self,
        tree: &FromTree<'_>,
        sources: &mut [Option<Source>],
        pushed: Vec<Expr>,
        lock: Lock<'_>,
    ) -> Result<Node> {
        let (left, right, kind, on) = match tree {
            FromTree::Item(item) => return self.build_item(*item, sources, pushed, lock),
            FromTree::Join { left, right, kind, on } => (left, right, kind, on),
        };
        let mut on_conjuncts = Vec::new();
        if let Some(on) = on {
            let bound = self.bind(on, Cx::plain(Clause::JoinOn))?;
            let visible = tree.items();
            for item in self.items_read(&bound)? {
                if !visible.contains(&item) {
                    let name = self.current()?.items[item].name.clone().unwrap_or_default();
                    return Err(Error::UndefinedTable(name));
                }
            }
            split_conjuncts(bound, &mut on_conjuncts);
        }
        let (left_pushable, right_pushable) = (left.pushable(), right.pushable());
        let (mut to_left, mut to_right, mut stay) = (Vec::new(), Vec::new(), Vec::new());
        for c in pushed {
            let read = self.items_read(&c)?;
            if read.iter().all(|i| left_pushable.contains(i)) {
                to_left.push(c);
            } else if *kind != JoinKind::Left && read.iter().all(|i| right_pushable.contains(i)) {
                to_right.push(c);
            } else {
                return Err(Error::Internal("condition pushed into the wrong join".into()));
            }
        }
        for c in on_conjuncts {
            let read = self.items_read(&c)?;
            let within = |side: &[usize]| !read.is_empty() && read.iter().all(|i| side.contains(i));
            if *kind != JoinKind::Left && within(&left_pushable) {
                to_left.push(c);
            } else if within(&right_pushable) {
                to_right.push(c);
            } else {
                stay.push(c);
            }
        }
        let left_node = self.build(left, sources, to_left, None)?;
        let right_node = self.build(right, sources, to_right, None)?;
        let level = self.current()?;
        let first = tree.items().first().map_or(0, |i| level.items[*i].offset);
        let right_width = right.items().iter().map(|i| level.items[*i].width()).sum();
        for c in &mut stay {
            self.shift(c, first)?;
        }
        let on = and_all(stay);
        let kind = match kind {
            JoinKind::Cross if on.is_some() => JoinKind::Inner,
            other => *other,
        };
        Ok(Node::NestedLoopJoin { left: Box::new(left_node), right: Box::new(right_node), kind, on, right_width })
    }

    fn build_item(
        &mut self,
        item: usize,
        sources: &mut [Option<Source>],
        pushed: Vec<Expr>,
        lock: Lock<'_>,
    ) -> Result<Node> {
        let offset = self.current()?.items.get(item).map_or(0, |i| i.offset);
        let mut conjuncts = pushed;
        for c in &mut conjuncts {
            self.shift(c, offset)?;
        }
        let source = sources.get_mut(item).and_then(Option::take);
        match source {
            Some(Source::Table(table)) => {
                let AccessChoice { access, used } = choose_access_path(&table.schema, &conjuncts, self.literal_types);
                Ok(match lock {
                    // Locked rows are re-checked on their newest version: the whole filter stays.
                    Some(l) => {
                        let filter = and_all(conjuncts);
                        Node::LockRows { table, access, filter, strength: l.strength, nowait: l.nowait }
                    }
                    None => Node::Scan { table, access, filter: and_all(remaining(conjuncts, &used)) },
                })
            }
            Some(Source::Subquery(node)) => Ok(match and_all(conjuncts) {
                Some(predicate) => Node::Filter { input: Box::new(node), predicate },
                None => node,
            }),
            None => Err(Error::Internal(format!("FROM item {item} planned twice"))),
        }
    }
}
