//! Prepared statements: SQL text parsed once, planned once per catalog version.
//!
//! Parsing with `sqlparser` costs several microseconds per statement, more than a point
//! lookup, so the connection keeps prepared statements by SQL text and a statement that is
//! executed again skips parsing and planning entirely. A plan remembers the catalog version it
//! was made against; after DDL the next execution plans again.
//!
//! A *template* (SQL text whose literals were made placeholders, `sql::literals`) also keeps
//! plans for the texts it stands for: one per combination of the literals' types
//! ([`Prepared::plan_for_literals`]), run with the literals as parameters. So SQL text that
//! differs only in its values is neither parsed nor planned again.

use std::sync::{Arc, OnceLock};

use parking_lot::Mutex;

use crate::error::{Error, Result};
use crate::fast_hash::FastHashMap;
use crate::storage::CatalogSnapshot;
use crate::types::{DataType, Value};

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
    /// For a template: whether its plans may be shared ([`Statement::shares_plans`]), found
    /// out on first use.
    shares_plans: OnceLock<bool>,
    /// For a template: plans by the types of the literals (see [`type_signature`]).
    literal_plans: Mutex<FastHashMap<u64, CachedPlan>>,
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
        Ok(Prepared::of(sql, parse(sql)?))
    }

    fn of(sql: &str, statements: Vec<Statement>) -> Prepared {
        let plans = statements.iter().map(|_| Mutex::new(None)).collect();
        Prepared {
            text: sql.to_string(),
            statements,
            plans,
            shares_plans: OnceLock::new(),
            literal_plans: Mutex::new(FastHashMap::default()),
        }
    }

    /// The statements of `sql`, which is `template` with the literals `values` put back where
    /// its placeholders are (see `sql::literals`): the template's parse, reused.
    pub fn from_template(sql: &str, template: &Prepared, values: &[Value]) -> Prepared {
        Prepared::of(sql, template.statements.iter().map(|s| s.with_literals(values)).collect())
    }

    /// Whether this template (of one statement) shares one plan among the texts whose
    /// literals have the types of `literals`: its statement allows it
    /// ([`Statement::shares_plans`]) and there are at most 21 literals.
    pub fn shares_plans_for(&self, literals: &[Value]) -> bool {
        self.shared_plan_key(literals).is_some()
    }

    /// The statement and the key its plan for `literals` is kept by, if it shares plans.
    fn shared_plan_key(&self, literals: &[Value]) -> Option<(&Statement, u64)> {
        let [statement] = self.statements.as_slice() else { return None };
        let signature = type_signature(literals)?;
        self.shares_plans.get_or_init(|| statement.shares_plans()).then_some((statement, signature))
    }

    /// For a template that [shares plans](Self::shares_plans_for): the plan for a text whose
    /// literals are `literals`, to run with the literals as its parameters.
    pub fn plan_for_literals(&self, catalog: &CatalogSnapshot, literals: &[Value]) -> Result<Arc<Plan>> {
        let Some((statement, signature)) = self.shared_plan_key(literals) else {
            return Err(Error::Internal(format!("the plans of \"{}\" are not shared", self.text)));
        };
        let mut plans = self.literal_plans.lock();
        if let Some(c) = plans.get(&signature).filter(|c| c.catalog_version == catalog.version()) {
            return Ok(c.plan.clone());
        }
        let types: Vec<Option<DataType>> = literals.iter().map(Value::data_type).collect();
        let plan = Arc::new(planner::plan_template(statement, catalog, &types)?);
        plans.insert(signature, CachedPlan { catalog_version: catalog.version(), plan: plan.clone() });
        Ok(plan)
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

/// The types of `literals`, three bits each (0 for NULL): the key a template's shared plans
/// are kept by. `None` past 21 literals: such texts are planned on their own.
fn type_signature(literals: &[Value]) -> Option<u64> {
    if literals.len() > 21 {
        return None;
    }
    let code = |v: &Value| match v.data_type() {
        None => 0,
        Some(DataType::Integer) => 1,
        Some(DataType::Real) => 2,
        Some(DataType::Text) => 3,
        Some(DataType::Boolean) => 4,
    };
    Some(literals.iter().fold(1, |signature, v| signature << 3 | code(v)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Database;
    use crate::sql::literals::{parameterize, Parameterized};
    use crate::sql::plan::Expr;

    /// `plan`'s debug form with the parameters put back as the literals `values`: what the
    /// plan of the literal text must print, if sharing the template's plan is right.
    fn with_literals_shown(plan: &Plan, values: &[Value]) -> String {
        let mut shown = format!("{:?}", Plan { parameter_count: 0, ..plan.clone() });
        for (i, value) in values.iter().enumerate().rev() {
            shown = shown.replace(&format!("Parameter({i})"), &format!("{:?}", Expr::Literal(value.clone())));
        }
        shown
    }

    fn outcome(plan: Result<String>) -> String {
        plan.unwrap_or_else(|e| format!("error {}: {e}", e.sqlstate()))
    }

    /// Literals of every type against key columns of every type: where a literal's type
    /// decides whether it may bound a key.
    const KEY_LITERALS: &str = "CREATE TABLE kt (id INTEGER PRIMARY KEY, name TEXT, flag BOOLEAN, score REAL);
CREATE INDEX kt_name ON kt (name);
CREATE INDEX kt_flag ON kt (flag);
CREATE INDEX kt_score ON kt (score);
INSERT INTO kt VALUES (1, 'a', true, 1.5);
SELECT * FROM kt WHERE id = true;
SELECT * FROM kt WHERE id = NULL;
SELECT * FROM kt WHERE id = '7';
SELECT * FROM kt WHERE id = 1.5;
SELECT * FROM kt WHERE name = 5;
SELECT * FROM kt WHERE name > 'a' AND name < 'b';
SELECT * FROM kt WHERE flag = 1;
SELECT * FROM kt WHERE flag = 'true';
SELECT * FROM kt WHERE score = 2;
SELECT * FROM kt WHERE score >= 'x';
UPDATE kt SET name = 'x' WHERE name = 3;
DELETE FROM kt WHERE flag = 0.5;
";

    /// Every statement of the golden scripts (tests/sql) and of [`KEY_LITERALS`], each script
    /// run in order on one connection so that the catalog is the one it builds: where the
    /// text's template shares plans, the template's plan for the literals' types, with the
    /// literals put back, is exactly the plan of the text itself (or both fail alike).
    #[test]
    fn a_shared_plan_is_the_plan_of_the_literal_text() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sql");
        let mut paths: Vec<_> = std::fs::read_dir(dir).expect("tests/sql").map(|e| e.expect("entry").path()).collect();
        paths.retain(|p| p.extension().is_some_and(|e| e == "sql"));
        paths.sort();
        let mut scripts: Vec<String> = paths.iter().map(|p| std::fs::read_to_string(p).expect("a script")).collect();
        scripts.push(KEY_LITERALS.to_string());
        let (mut shared, mut not_shared) = (0, 0);
        for text in scripts {
            let db = Database::open_in_memory();
            let conn = db.connect();
            for statement in text.split(";\n") {
                let lines: Vec<&str> = statement.lines().filter(|l| !l.trim_start().starts_with("--")).collect();
                let sql = lines.join("\n");
                // `NAME: SQL` runs on session NAME in the golden test; one session does here.
                let sql = match sql.split_once(": ") {
                    Some((name, rest)) if name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') => rest,
                    _ => sql.as_str(),
                };
                // A template that does not parse is not used: the text is parsed on its own.
                let parameterized = parameterize(sql)
                    .and_then(|Parameterized { template, values }| Some((Prepared::new(&template).ok()?, values)));
                if let Some((template, values)) = parameterized {
                    if template.shares_plans_for(&values) {
                        let catalog = db.inner.catalog.snapshot();
                        let original = Prepared::new(sql).expect("the text parses");
                        let own = original.plan(0, &catalog).map(|p| format!("{:?}", *p));
                        let via_template =
                            template.plan_for_literals(&catalog, &values).map(|p| with_literals_shown(&p, &values));
                        assert_eq!(outcome(via_template), outcome(own), "{sql}");
                        shared += 1;
                    } else {
                        not_shared += 1;
                    }
                }
                let _ = conn.run(sql);
            }
        }
        assert!(shared > 100 && not_shared > 5, "{shared} statements shared a plan, {not_shared} did not");
    }
}
