//! Prepared statements: SQL text parsed once, planned once per catalog version.
//!
//! Parsing with `sqlparser` costs several microseconds per statement, more than a point
//! lookup, so the connection keeps prepared statements by SQL text and a statement that is
//! executed again skips parsing and planning entirely. A plan remembers the catalog version it
//! was made against; after DDL the next execution plans again.

use std::sync::Arc;

use parking_lot::Mutex;

use crate::error::Result;
use crate::storage::CatalogSnapshot;
use crate::types::Value;

use super::ast::Statement;
use super::parse::parse;
use super::plan::Plan;
use super::planner;

/// Parsed SQL text and the cached plan of each of its statements.
#[derive(Debug)]
pub struct Prepared {
    pub text: String,
    pub statements: Vec<Statement>,
    plans: Vec<Mutex<Option<CachedPlan>>>,
}

/// A plan and the catalog version it was made against.
#[derive(Debug)]
struct CachedPlan {
    catalog_version: u64,
    plan: Arc<Plan>,
}

impl Prepared {
    /// Parses `sql` (any number of statements).
    pub fn new(sql: &str) -> Result<Prepared> {
        let statements = parse(sql)?;
        let plans = statements.iter().map(|_| Mutex::new(None)).collect();
        Ok(Prepared { text: sql.to_string(), statements, plans })
    }

    /// The statements of `sql`, which is `template` with the literals `values` put back where
    /// its placeholders are (see `sql::literals`): the template's parse, reused.
    pub fn from_template(sql: &str, template: &Prepared, values: &[Value]) -> Prepared {
        let statements: Vec<Statement> = template.statements.iter().map(|s| s.with_literals(values)).collect();
        let plans = statements.iter().map(|_| Mutex::new(None)).collect();
        Prepared { text: sql.to_string(), statements, plans }
    }

    /// The plan of statement `index` for the catalog `catalog`, planned now if the cached one
    /// was made against another catalog version.
    pub fn plan(&self, index: usize, catalog: &CatalogSnapshot) -> Result<Arc<Plan>> {
        let mut cached = self.plans[index].lock();
        if let Some(c) = cached.as_ref().filter(|c| c.catalog_version == catalog.version()) {
            return Ok(c.plan.clone());
        }
        let plan = Arc::new(planner::plan(&self.statements[index], catalog)?);
        *cached = Some(CachedPlan { catalog_version: catalog.version(), plan: plan.clone() });
        Ok(plan)
    }
}
