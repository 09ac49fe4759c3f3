//! Reusing the parse of SQL text that differs only in its literals.
//!
//! A program that builds SQL text with values in it (`SELECT v FROM t WHERE id = 42`, then 43,
//! ...) would have every statement parsed from scratch: the statement cache is keyed by the
//! text. Parsing (`sqlparser`, then `translate`) is most of the cost of such a statement. So
//! before parsing, the connection asks [`parameterize`] for the text with its literals replaced
//! by placeholders (`... WHERE id = $1`) and their values; the parse of that *template* is
//! cached, and each text's statement is the template's syntax tree with the placeholders put
//! back as the literals they were ([`Statement::with_literals`]). The result is the tree the
//! original text parses to, so planning and everything after it are unchanged. Where no literal
//! can shape the plan other than by its type ([`Statement::shares_plans`]) the plan is shared
//! too: the template is planned once per combination of literal types and run with the
//! literals as parameters (`sql::prepared`).
//!
//! The tree must be the same as the original text's, so a literal is replaced only where a
//! placeholder parses into the same place of the tree: after an operator, a `(` or a `,`, or a
//! keyword that starts an expression. A number after `-` or `+` stays (the parser folds `-5`
//! into one literal), and so does a literal of unusual spelling (`E'...'`, `0x1F`, `1_000`,
//! dollar quotes). A text is not touched at all when it has placeholders of its own, several
//! statements, or is not a SELECT, INSERT, UPDATE or DELETE. When the template does not parse,
//! the connection parses the original text, which then reports its own errors.

use crate::types::Value;

use super::ast::{Expr, FromItem, InsertSource, Query, SelectItem, Statement};
use super::translate::expr::number;

/// A text's template and the values of the literals taken out of it, in order (`$1` first).
#[derive(Clone, Debug, PartialEq)]
pub struct Parameterized {
    pub template: String,
    pub values: Vec<Value>,
}

/// Keywords after which an expression starts, so that a literal there may become a
/// placeholder.
const EXPRESSION_KEYWORDS: [&str; 11] =
    ["select", "where", "and", "or", "not", "between", "when", "then", "else", "having", "on"];

/// The statements whose literals may become placeholders.
const STATEMENT_KEYWORDS: [&str; 4] = ["select", "insert", "update", "delete"];

/// What came before a token, as far as the rules above care.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Previous {
    Start,
    /// An operator, `(` or `,`: a literal may follow.
    OpeningSymbol,
    /// `-` or `+`: a number here may be folded into a signed literal.
    Sign,
    ExpressionKeyword,
    /// Anything else: a name, a literal, `)`, another keyword.
    Other,
}

/// `sql` with its replaceable literals as placeholders, or `None` when there is none or the
/// text must not be touched (see the module documentation).
pub fn parameterize(sql: &str) -> Option<Parameterized> {
    let bytes = sql.as_bytes();
    let mut template = String::with_capacity(sql.len());
    let mut values = Vec::new();
    let mut previous = Previous::Start;
    let mut copied = 0;
    let mut first_word = true;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            _ if b.is_ascii_whitespace() => {
                i += 1;
                continue;
            }
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                i = bytes[i..].iter().position(|&c| c == b'\n').map_or(bytes.len(), |n| i + n);
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => return None,
            b'$' => return None,
            b';' => {
                // Only a final `;`: one statement.
                if !bytes[i + 1..].iter().all(u8::is_ascii_whitespace) {
                    return None;
                }
                break;
            }
            b'\'' => {
                let end = string_end(bytes, i)?;
                if previous_allows_literal(previous) && !is_prefixed(bytes, i) {
                    let value = Value::text(sql[i + 1..end - 1].replace("''", "'"));
                    template.push_str(&sql[copied..i]);
                    values.push(value);
                    push_placeholder(&mut template, values.len());
                    copied = end;
                }
                previous = Previous::Other;
                i = end;
            }
            b'"' => {
                i = bytes[i + 1..].iter().position(|&c| c == b'"').map(|n| i + n + 2)?;
                previous = Previous::Other;
            }
            b'0'..=b'9' => {
                let end = i + bytes[i..].iter().position(|c| !is_number_byte(*c)).unwrap_or(bytes.len() - i);
                let text = &sql[i..end];
                let plain = text.bytes().all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E'))
                    && bytes.get(end).is_none_or(|c| !is_word_byte(*c));
                if plain && previous_allows_literal(previous) && previous != Previous::Sign {
                    template.push_str(&sql[copied..i]);
                    values.push(number(text, false).ok()?);
                    push_placeholder(&mut template, values.len());
                    copied = end;
                }
                previous = Previous::Other;
                i = end;
            }
            _ if is_word_byte(b) => {
                let end = i + bytes[i..].iter().position(|c| !is_word_byte(*c)).unwrap_or(bytes.len() - i);
                let word = &sql[i..end];
                let is_one_of = |keywords: &[&str]| keywords.iter().any(|k| k.eq_ignore_ascii_case(word));
                if first_word && !is_one_of(&STATEMENT_KEYWORDS) {
                    return None;
                }
                first_word = false;
                previous = if is_one_of(&EXPRESSION_KEYWORDS) { Previous::ExpressionKeyword } else { Previous::Other };
                i = end;
            }
            b'-' | b'+' => {
                previous = Previous::Sign;
                i += 1;
            }
            b')' | b'.' | b']' => {
                previous = Previous::Other;
                i += 1;
            }
            _ => {
                previous = Previous::OpeningSymbol;
                i += 1;
            }
        }
    }
    finish(sql, template, values, copied)
}

fn finish(sql: &str, mut template: String, values: Vec<Value>, copied: usize) -> Option<Parameterized> {
    if values.is_empty() {
        return None;
    }
    template.push_str(&sql[copied..]);
    Some(Parameterized { template, values })
}

/// Appends `$n` to the template.
fn push_placeholder(template: &mut String, n: usize) {
    use std::fmt::Write;
    let _ = write!(template, "${n}");
}

fn previous_allows_literal(previous: Previous) -> bool {
    matches!(previous, Previous::OpeningSymbol | Previous::Sign | Previous::ExpressionKeyword)
}

/// Whether the quote at `i` is glued to a word before it (`E'..'`, `N'..'`, `DATE'..'`).
fn is_prefixed(bytes: &[u8], i: usize) -> bool {
    i > 0 && (is_word_byte(bytes[i - 1]) || bytes[i - 1] == b'&')
}

/// The end (exclusive) of the string constant opening at `start`; `''` is a quote inside it.
fn string_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 1;
    while i < bytes.len() {
        if bytes[i] == b'\'' {
            if bytes.get(i + 1) == Some(&b'\'') {
                i += 2;
                continue;
            }
            return Some(i + 1);
        }
        i += 1;
    }
    None
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || !b.is_ascii()
}

fn is_number_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'.' || b == b'_'
}

impl Statement {
    /// This template statement with each placeholder `$n` replaced by the literal
    /// `values[n - 1]` (see the module documentation).
    pub fn with_literals(&self, values: &[Value]) -> Statement {
        let mut statement = self.clone();
        for_each_placeholder(&mut statement, &mut |expr, _| {
            if let Expr::Parameter(n) = expr {
                if let Some(value) = n.checked_sub(1).and_then(|i| values.get(i)) {
                    *expr = Expr::Literal(value.clone());
                }
            }
        });
        statement
    }

    /// Whether this template may be planned once for all the literals of a given type its
    /// placeholders stand for (see [`planner::plan_template`](super::planner::plan_template)):
    /// the planner then treats the placeholders as the literals, except in three places, where
    /// no placeholder may be: an ORDER BY item (a literal integer there is a column ordinal),
    /// a query with GROUP BY, HAVING or DISTINCT (expressions are matched against each other,
    /// and two placeholders never match where two equal literals would), and a function's
    /// arguments (equal aggregate calls are computed once).
    pub fn shares_plans(&self) -> bool {
        let mut shares = true;
        for_each_placeholder(&mut self.clone(), &mut |_, place| {
            shares &= !(place.order_by || place.grouped_query || place.function_argument);
        });
        shares
    }
}

/// Where a placeholder sits, as far as [`Statement::shares_plans`] cares.
#[derive(Clone, Copy, Default)]
struct Place {
    order_by: bool,
    grouped_query: bool,
    function_argument: bool,
}

/// Calls `f` on every placeholder (`Expr::Parameter`) of `statement`, with its place.
fn for_each_placeholder(statement: &mut Statement, f: &mut impl FnMut(&mut Expr, Place)) {
    let place = Place::default();
    match statement {
        Statement::Query(query) => query_placeholders(query, place, f),
        Statement::Insert(insert) => {
            match &mut insert.source {
                InsertSource::Values(rows) => rows.iter_mut().flatten().for_each(|e| expr_placeholders(e, place, f)),
                InsertSource::Query(query) => query_placeholders(query, place, f),
                InsertSource::DefaultValues => {}
            }
            items_placeholders(&mut insert.returning, place, f);
        }
        Statement::Update(update) => {
            update.assignments.iter_mut().for_each(|(_, e)| expr_placeholders(e, place, f));
            update.filter.iter_mut().for_each(|e| expr_placeholders(e, place, f));
            items_placeholders(&mut update.returning, place, f);
        }
        Statement::Delete(delete) => {
            delete.filter.iter_mut().for_each(|e| expr_placeholders(e, place, f));
            items_placeholders(&mut delete.returning, place, f);
        }
        _ => {}
    }
}

/// A query's placeholders; `outer` is where the query itself sits (a subquery in a grouped
/// query or in a function's arguments passes that on).
fn query_placeholders(query: &mut Query, outer: Place, f: &mut impl FnMut(&mut Expr, Place)) {
    let select = &mut query.select;
    let grouped = !select.group_by.is_empty() || select.having.is_some() || select.distinct;
    let place = Place { grouped_query: outer.grouped_query || grouped, ..outer };
    items_placeholders(&mut select.projection, place, f);
    select.from.iter_mut().for_each(|item| from_placeholders(item, place, f));
    select.filter.iter_mut().chain(&mut select.group_by).chain(&mut select.having).for_each(|e| {
        expr_placeholders(e, place, f);
    });
    let order_by = Place { order_by: true, ..place };
    query.order_by.iter_mut().for_each(|o| expr_placeholders(&mut o.expr, order_by, f));
    query.limit.iter_mut().chain(&mut query.offset).for_each(|e| expr_placeholders(e, place, f));
}

fn items_placeholders(items: &mut [SelectItem], place: Place, f: &mut impl FnMut(&mut Expr, Place)) {
    for item in items {
        if let SelectItem::Expr { expr, .. } = item {
            expr_placeholders(expr, place, f);
        }
    }
}

fn from_placeholders(item: &mut FromItem, place: Place, f: &mut impl FnMut(&mut Expr, Place)) {
    match item {
        FromItem::Table { .. } => {}
        FromItem::Subquery { query, .. } => query_placeholders(query, place, f),
        FromItem::Join { left, right, on, .. } => {
            from_placeholders(left, place, f);
            from_placeholders(right, place, f);
            on.iter_mut().for_each(|e| expr_placeholders(e, place, f));
        }
    }
}

fn expr_placeholders(expr: &mut Expr, place: Place, f: &mut impl FnMut(&mut Expr, Place)) {
    match expr {
        Expr::Parameter(_) => f(expr, place),
        Expr::Column { .. } | Expr::Literal(_) | Expr::Default => {}
        Expr::Unary { expr, .. } | Expr::IsNull { expr, .. } | Expr::IsBool { expr, .. } => {
            expr_placeholders(expr, place, f)
        }
        Expr::Binary { left, right, .. } => {
            expr_placeholders(left, place, f);
            expr_placeholders(right, place, f);
        }
        Expr::Between { expr, low, high, .. } => {
            for e in [expr, low, high] {
                expr_placeholders(e, place, f);
            }
        }
        Expr::InList { expr, list, .. } => {
            expr_placeholders(expr, place, f);
            list.iter_mut().for_each(|e| expr_placeholders(e, place, f));
        }
        Expr::InSubquery { expr, query, .. } => {
            expr_placeholders(expr, place, f);
            query_placeholders(query, place, f);
        }
        Expr::Exists { query, .. } | Expr::ScalarSubquery(query) => query_placeholders(query, place, f),
        Expr::Like { expr, pattern, .. } => {
            expr_placeholders(expr, place, f);
            expr_placeholders(pattern, place, f);
        }
        Expr::Function { args, .. } => {
            let argument = Place { function_argument: true, ..place };
            args.iter_mut().for_each(|e| expr_placeholders(e, argument, f));
        }
        Expr::Case { operand, branches, else_result } => {
            operand.iter_mut().chain(else_result.iter_mut()).for_each(|e| expr_placeholders(e, place, f));
            for (when, then) in branches {
                expr_placeholders(when, place, f);
                expr_placeholders(then, place, f);
            }
        }
        Expr::Cast { expr, .. } => expr_placeholders(expr, place, f),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::parse::parse;

    /// The statement `sql` parses to, and the one its template gives with the literals put
    /// back, when the text has a template that parses.
    fn both(sql: &str) -> Option<(Vec<Statement>, Vec<Statement>)> {
        let original = parse(sql).ok()?;
        let Parameterized { template, values } = parameterize(sql)?;
        let template = parse(&template).ok()?;
        Some((original, template.iter().map(|s| s.with_literals(&values)).collect()))
    }

    #[test]
    fn templates_take_out_literals_after_operators_and_expression_keywords() {
        let p = parameterize("SELECT k, v FROM t WHERE id = 42").unwrap();
        assert_eq!(p.template, "SELECT k, v FROM t WHERE id = $1");
        assert_eq!(p.values, [Value::Integer(42)]);
        let p = parameterize("update t set v = 'it''s', k = 1.5 where id between 1 and 10;").unwrap();
        assert_eq!(p.template, "update t set v = $1, k = $2 where id between $3 and $4;");
        assert_eq!(p.values, [Value::text("it's"), Value::Real(1.5), Value::Integer(1), Value::Integer(10)]);
        let p = parameterize("INSERT INTO t VALUES (1, 'a', NULL), (2, 'b', -3)").unwrap();
        assert_eq!(p.template, "INSERT INTO t VALUES ($1, $2, NULL), ($3, $4, -3)");
    }

    #[test]
    fn texts_left_alone() {
        for sql in [
            "SELECT * FROM t WHERE id = $1",
            "SELECT 1; SELECT 2",
            "CREATE TABLE t (v VARCHAR(10))",
            "SET lock_timeout = 100",
            "SELECT * FROM t /* 5 */ WHERE id = 5",
            "SELECT * FROM t WHERE v = E'a\\'b'",
            "SELECT * FROM t WHERE v = $$x$$",
            "SELECT * FROM t",
            "SELECT * FROM t WHERE id = 0x1F",
            "SELECT * FROM t WHERE id = 1_000",
            "SELECT * FROM t WHERE id = -5",
        ] {
            assert_eq!(parameterize(sql), None, "{sql}");
        }
    }

    #[test]
    fn the_template_gives_back_the_tree_of_the_original_text() {
        let tricky = [
            "SELECT 1",
            "SELECT 1 + 2 * 3, 'a' || 'b'",
            "SELECT * FROM t WHERE id = 5 ORDER BY 1 LIMIT 10 OFFSET 2",
            "SELECT k FROM t GROUP BY k HAVING count(*) > 1 ORDER BY 1 DESC",
            "SELECT k + 1 FROM t GROUP BY k + 1",
            "SELECT CAST('5' AS INTEGER), '7'::integer, 2.5e3, 0.5, 9223372036854775807",
            "SELECT * FROM t WHERE v LIKE 'a%' AND id IN (1, 2, 3) AND k NOT BETWEEN 4 AND 5",
            "SELECT CASE WHEN id = 1 THEN 'one' ELSE 'other' END FROM t",
            "SELECT * FROM t a JOIN u b ON a.id = b.id AND b.k = 3 WHERE a.v = 'x'",
            "SELECT * FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.id = t.id AND u.k = 2)",
            "SELECT (SELECT max(k) FROM u WHERE k < 10) FROM t WHERE id = 1",
            "SELECT * FROM (SELECT id FROM t WHERE k = 4) s WHERE s.id > 2",
            "INSERT INTO t (id, v) VALUES (1, 'x') RETURNING id, 'inserted'",
            "INSERT INTO t SELECT id + 100, 'copy' FROM t WHERE k = 1",
            "UPDATE t SET k = k - 1, v = 'y' WHERE id = 3 RETURNING k",
            "DELETE FROM t WHERE id = 7 AND v = 'z'",
            "SELECT * FROM t WHERE id = 1 FOR UPDATE",
            "SELECT -5, - 5, +5, 5 - 3, 5-3",
            "select coalesce(v, 'none'), abs(-3), length('abc') from t where k >= 0.25",
            "SELECT * FROM t WHERE (id, k) = (1, 2)",
            "SELECT 'a' AS x, 2 AS y",
            "SELECT count(DISTINCT k) FROM t WHERE v <> 'q' AND k IS NOT NULL",
        ];
        let mut checked = 0;
        let mut corpus: Vec<String> = tricky.iter().map(|s| s.to_string()).collect();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sql");
        for entry in std::fs::read_dir(dir).expect("tests/sql") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "sql") {
                let text = std::fs::read_to_string(path).expect("a script");
                corpus.extend(text.split(";\n").map(|s| s.trim().to_string()));
            }
        }
        for sql in &corpus {
            if let Some((original, rebuilt)) = both(sql) {
                assert_eq!(original, rebuilt, "{sql}");
                checked += 1;
            }
        }
        assert!(checked > 40, "only {checked} statements had a template");
    }
}
