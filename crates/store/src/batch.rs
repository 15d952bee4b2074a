//! Statements written together in one transaction.
//!
//! sqlx runs each SQLite connection on a thread of its own, and every statement is a hand-off
//! to that thread and back — on a small machine that hand-off costs more than the statement.
//! A write of a ticket is ten statements, all made while SQLite's single writer turn is held,
//! so the hand-offs alone would set the rate at which tickets can be written. A [`Batch`] sends
//! them to SQLite as one multi-statement query (one hand-off); PostgreSQL, whose extended
//! protocol takes one statement at a time, runs them in order.

use sqlx::{Any, Transaction};

use crate::Result;

/// A value bound to a statement, with its SQL type kept for PostgreSQL.
#[derive(Clone, Debug)]
pub(crate) enum Value {
    /// A `BIGINT`, or NULL.
    Int(Option<i64>),
    /// A `TEXT`, or NULL.
    Text(Option<String>),
}

impl From<i64> for Value {
    fn from(v: i64) -> Value {
        Value::Int(Some(v))
    }
}

impl From<Option<i64>> for Value {
    fn from(v: Option<i64>) -> Value {
        Value::Int(v)
    }
}

impl From<String> for Value {
    fn from(v: String) -> Value {
        Value::Text(Some(v))
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Value {
        Value::Text(Some(v.to_string()))
    }
}

impl From<Option<String>> for Value {
    fn from(v: Option<String>) -> Value {
        Value::Text(v)
    }
}

/// Statements to run in order in one transaction, each with its own `$1…` placeholders.
#[derive(Debug)]
pub(crate) struct Batch {
    postgres: bool,
    statements: Vec<(String, Vec<Value>)>,
}

impl Batch {
    /// An empty batch for the transaction's backend.
    pub(crate) fn new(tx: &mut Transaction<'static, Any>) -> Batch {
        #[allow(unused_imports)]
        use sqlx::Connection;
        Batch {
            postgres: (**tx).backend_name() == "PostgreSQL",
            statements: Vec::new(),
        }
    }

    /// Whether it runs on PostgreSQL.
    pub(crate) fn postgres(&self) -> bool {
        self.postgres
    }

    /// Adds a statement whose placeholders `$1…$n` take `values` in order.
    pub(crate) fn push(&mut self, sql: impl Into<String>, values: Vec<Value>) {
        self.statements.push((sql.into(), values));
    }

    /// Runs the statements in order; the first failure stops the rest (and the caller's
    /// transaction rolls back).
    pub(crate) async fn run(self, tx: &mut Transaction<'static, Any>) -> Result<()> {
        if self.statements.is_empty() {
            return Ok(());
        }
        if self.postgres {
            for (sql, values) in &self.statements {
                bind_all(sqlx::query(sql), values)
                    .execute(&mut **tx)
                    .await?;
            }
            return Ok(());
        }
        // SQLite numbers `$N` over the whole query string, so each statement's placeholders
        // are shifted past the values of the statements before it.
        let mut sql = String::new();
        let mut values = Vec::new();
        for (text, own) in self.statements {
            sql.push_str(&shift_placeholders(&text, values.len()));
            sql.push_str(";\n");
            values.extend(own);
        }
        bind_all(sqlx::query(&sql), &values)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }
}

fn bind_all<'q>(
    mut q: sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>>,
    values: &[Value],
) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>> {
    for v in values {
        q = match v {
            Value::Int(i) => q.bind(*i),
            Value::Text(t) => q.bind(t.clone()),
        };
    }
    q
}

/// `$N` → `$(N + by)` in a statement we generated (its values are all bound, so a `$` is
/// always a placeholder).
fn shift_placeholders(sql: &str, by: usize) -> String {
    if by == 0 {
        return sql.to_string();
    }
    let mut out = String::with_capacity(sql.len() + 16);
    let mut chars = sql.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        out.push(c);
        if c != '$' {
            continue;
        }
        let mut n = 0usize;
        let mut digits = false;
        while let Some((_, d)) = chars.peek().copied() {
            match d.to_digit(10) {
                Some(v) => {
                    n = n * 10 + v as usize;
                    digits = true;
                    chars.next();
                }
                None => break,
            }
        }
        if digits {
            out.push_str(&(n + by).to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::shift_placeholders;

    #[test]
    fn placeholders_are_shifted_past_the_earlier_statements_values() {
        assert_eq!(
            shift_placeholders("INSERT INTO t (a, b) VALUES ($1, $2), ($3, $10)", 4),
            "INSERT INTO t (a, b) VALUES ($5, $6), ($7, $14)"
        );
        assert_eq!(shift_placeholders("SELECT $1", 0), "SELECT $1");
    }
}
