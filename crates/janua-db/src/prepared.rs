//! Raw SQL that PostgreSQL parses and plans once per connection. diesel's `sql_query` marks
//! its statement unsafe to cache, so each execution prepares it afresh (a round trip more,
//! and a parse and plan each time: most of a refresh's database time was that). A statement
//! whose text is a constant is safe to cache: [`sql`] takes only a `&'static str`, so the
//! cache (keyed by the text) cannot grow with the data.

use diesel::pg::Pg;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::result::QueryResult;
use diesel::serialize::ToSql;
use diesel::sql_types::{HasSqlType, Untyped};
use std::marker::PhantomData;

/// A constant SQL statement; bind its parameters with [`Sql::bind`] in the order of their
/// numbers, run it with `diesel_async::RunQueryDsl` (results by name, as with `sql_query`).
#[derive(Debug, Clone, Copy)]
#[must_use = "queries are only executed when run"]
pub struct Sql(&'static str);

/// The statement `text`, prepared once per connection.
pub fn sql(text: &'static str) -> Sql {
    Sql(text)
}

impl Sql {
    /// Binds the next parameter (`$1`, then `$2`, ...).
    pub fn bind<ST, V>(self, value: V) -> Bound<Sql, V, ST> {
        Bound { query: self, value, _type: PhantomData }
    }
}

/// A [`Sql`] statement with its parameters bound so far.
#[derive(Debug, Clone, Copy)]
#[must_use = "queries are only executed when run"]
pub struct Bound<Q, V, ST> {
    query: Q,
    value: V,
    _type: PhantomData<ST>,
}

impl<Q, V, ST> Bound<Q, V, ST> {
    /// Binds the next parameter.
    pub fn bind<ST2, V2>(self, value: V2) -> Bound<Self, V2, ST2> {
        Bound { query: self, value, _type: PhantomData }
    }
}

impl QueryFragment<Pg> for Sql {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql(self.0);
        Ok(())
    }
}

/// The text already names its parameters (`$1`...), and diesel writes a placeholder where a
/// parameter is pushed: that one goes in a comment, so the text stays as written while the
/// values are sent in order.
impl<Q, V, ST> QueryFragment<Pg> for Bound<Q, V, ST>
where
    Q: QueryFragment<Pg>,
    Pg: HasSqlType<ST>,
    V: ToSql<ST, Pg>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        self.query.walk_ast(out.reborrow())?;
        out.push_sql(" /* ");
        out.push_bind_param::<ST, V>(&self.value)?;
        out.push_sql(" */");
        Ok(())
    }
}

impl QueryId for Sql {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q, V, ST> QueryId for Bound<Q, V, ST> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl Query for Sql {
    type SqlType = Untyped;
}

impl<Q, V, ST> Query for Bound<Q, V, ST> {
    type SqlType = Untyped;
}
