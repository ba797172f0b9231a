//! The statements every store writes, once: a row read as its `Selectable` type, an insert or
//! update that answers the row it wrote, a delete that answers the row it took, where a page
//! of a keyset-paged list starts, and the `LIKE` pattern of a prefix. The stores still build their own `WHERE` (so a reader
//! sees which row, and whether it is locked); these only finish the statement.

use chrono::{DateTime, Utc};
use diesel::dsl::{self, Limit, Select, Update};
use diesel::expression::{BoxableExpression, Expression};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::query_builder::{
    AsQuery, DeleteStatement, InsertStatement, IntoUpdateTarget, QueryId, ReturningClause, UpdateStatement,
};
use diesel::query_dsl::methods::{LimitDsl, SelectDsl};
use diesel::sql_types::{Bool, Timestamptz};
use diesel_async::methods::LoadQuery;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

type AsRow<R> = dsl::AsSelect<R, Pg>;

/// A type read from a table's columns (`#[derive(Queryable, Selectable)]`).
pub trait Row: Selectable<Pg, SelectExpression: QueryId> + Send + 'static {}

impl<R: Selectable<Pg, SelectExpression: QueryId> + Send + 'static> Row for R {}

/// The row `query` finds, if any (`table.find(id)`, or `.for_update()` of it to lock the row
/// until the transaction ends).
pub fn first<'q, R, Q>(
    conn: &mut AsyncPgConnection, query: Q,
) -> impl Future<Output = QueryResult<Option<R>>> + Send
where
    R: Row,
    Q: SelectDsl<AsRow<R>>,
    Select<Q, AsRow<R>>: LimitDsl,
    Limit<Select<Q, AsRow<R>>>: LoadQuery<'q, AsyncPgConnection, R> + Send + 'q,
{
    let row = query.select(R::as_select()).first(conn);
    async move { row.await.optional() }
}

/// Sets `changes` on the row(s) of `target` and answers the row as it is now.
pub fn update<'q, R, T, V>(
    conn: &mut AsyncPgConnection, target: T, changes: V,
) -> impl Future<Output = QueryResult<R>> + Send
where
    R: Row,
    T: IntoUpdateTarget,
    V: AsChangeset<Target = T::Table>,
    Update<T, V>: AsQuery,
    UpdateStatement<T::Table, T::WhereClause, V::Changeset, ReturningClause<AsRow<R>>>:
        diesel::query_builder::Query + LoadQuery<'q, AsyncPgConnection, R> + Send + 'q,
{
    diesel::update(target).set(changes).returning(R::as_returning()).get_result(conn)
}

/// Runs an insert (`insert_into(table).values(..)`, with its `ON CONFLICT` if any) and answers
/// the row it wrote; with `ON CONFLICT DO NOTHING`, `.optional()` tells a skipped row.
pub fn insert<'q, R, T, U, Op>(
    conn: &mut AsyncPgConnection, statement: InsertStatement<T, U, Op>,
) -> impl Future<Output = QueryResult<R>> + Send
where
    R: Row,
    T: diesel::query_source::QuerySource,
    InsertStatement<T, U, Op, ReturningClause<AsRow<R>>>:
        diesel::query_builder::Query + LoadQuery<'q, AsyncPgConnection, R> + Send + 'q,
{
    statement.returning(R::as_returning()).get_result(conn)
}

/// Deletes the row of `target` and answers it, if there was one: a row taken this way is
/// taken once, however many callers race for it.
pub fn take<'q, R, T>(
    conn: &mut AsyncPgConnection, target: T,
) -> impl Future<Output = QueryResult<Option<R>>> + Send
where
    R: Row,
    T: IntoUpdateTarget,
    DeleteStatement<T::Table, T::WhereClause, ReturningClause<AsRow<R>>>:
        diesel::query_builder::Query + LoadQuery<'q, AsyncPgConnection, R> + Send + 'q,
    AsRow<R>: SelectableExpression<T::Table>,
{
    let row = diesel::delete(target).returning(R::as_returning()).get_result(conn);
    async move { row.await.optional() }
}

/// The `LIKE` pattern of the values that start with `text`: its `%`, `_` and `\\` stand for
/// themselves (PostgreSQL's default escape character is the backslash).
pub fn starts_with(text: &str) -> String {
    format!("{}%", text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"))
}

/// Where a page of rows ordered by ascending `(created, key)` starts: after the keyset
/// `(at, id)` of the last row of the page before. A row created at the same instant is told
/// apart by its key, so no row is skipped or repeated. The leading `created >= at` is what an
/// index on `(created, key)` starts its scan at; without it the planner walks the index from
/// its first entry and filters every row before the page out (a page from the middle of a
/// million rows read half a million).
pub fn after<QS, C, K>(
    created: C, key: K, (at, id): (DateTime<Utc>, Uuid),
) -> Box<dyn BoxableExpression<QS, Pg, SqlType = Bool>>
where
    C: Expression<SqlType = Timestamptz> + ExpressionMethods + Copy + 'static,
    K: Expression<SqlType = diesel::sql_types::Uuid> + ExpressionMethods + 'static,
    dsl::And<dsl::GtEq<C, DateTime<Utc>>, dsl::Or<dsl::Gt<C, DateTime<Utc>>, dsl::Gt<K, Uuid>>>:
        BoxableExpression<QS, Pg, SqlType = Bool> + 'static,
{
    Box::new(created.ge(at).and(created.gt(at).or(key.gt(id))))
}
