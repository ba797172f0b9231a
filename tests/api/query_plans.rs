//! The list queries that grow with the number of accounts read a page's worth of rows, not the
//! table. Each test loads 5,000 more rows by SQL (and `ANALYZE`s them), runs the stores' own list
//! functions (the ones the handlers call) in one transaction with sequential scans disabled,
//! and reads PostgreSQL's counters for that transaction (`pg_stat_xact_user_tables`): no
//! sequential scan, and few tuples read in all. A query no index serves in order or by filter
//! either scans the table or walks a whole index; both read thousands of tuples.

use diesel::sql_types::{BigInt, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};
use janua_testkit::TestStack;

#[derive(diesel::QueryableByName, Debug)]
struct Reads {
    #[diesel(sql_type = BigInt)]
    seq_scan: i64,
    #[diesel(sql_type = BigInt)]
    tuples: i64,
}

/// Opens a transaction with sequential scans off; what runs until [`reads_then_end`] is
/// counted.
async fn indexes_only(conn: &mut AsyncPgConnection) {
    conn.batch_execute("BEGIN; SET LOCAL enable_seqscan = off").await.unwrap();
}

/// Sequential scans and tuples read of `table` in the transaction, which then ends (rolled
/// back: it only read).
async fn reads_then_end(conn: &mut AsyncPgConnection, table: &str) -> Reads {
    let reads = diesel::sql_query(
        "SELECT COALESCE(seq_scan, 0) AS seq_scan, COALESCE(seq_tup_read, 0) + COALESCE(idx_tup_fetch, 0) AS tuples \
         FROM pg_stat_xact_user_tables WHERE schemaname = current_schema() AND relname = $1",
    )
    .bind::<Text, _>(table)
    .get_result(conn)
    .await
    .unwrap_or(Reads { seq_scan: 0, tuples: 0 });
    conn.batch_execute("ROLLBACK").await.unwrap();
    reads
}

#[tokio::test]
async fn the_admin_user_list_first_page_deep_page_and_search_read_a_page_not_the_table() {
    let app = TestStack::spawn().await;
    app.people(["ada@example.com", "bob@example.com", "carol@example.org"]).await;
    let mut conn = app.db("identity").await;
    conn.batch_execute(
        "INSERT INTO users (id, email, name, created_at) \
         SELECT gen_random_uuid(), 'bulk' || g || '@example.net', 'Bulk ' || g, now() - g * interval '1 second' \
         FROM generate_series(1, 5000) g; ANALYZE users",
    )
    .await
    .unwrap();
    // A deep page: the keyset of the user in the middle of the sign-up order (looked up on
    // another connection: a backend's counters may still hold its earlier transactions').
    let middle = janua_identity::store::users::list(&mut app.db("identity").await, None, None, None, 2_500)
        .await
        .unwrap();
    let middle = middle.last().map(|u| (u.created_at, u.id));
    indexes_only(&mut conn).await;
    {
        use janua_identity::store::users::list;
        let conn = &mut conn;
        let first = list(conn, None, None, None, 20).await.unwrap();
        assert_eq!(first.len(), 20);
        assert_eq!(list(conn, None, None, middle, 20).await.unwrap().len(), 20);
        assert_eq!(list(conn, Some("example.com"), None, None, 20).await.unwrap().len(), 2);
        assert_eq!(list(conn, Some("carol"), Some("active"), None, 20).await.unwrap().len(), 1);
        assert_eq!(list(conn, Some("nobody-here"), None, None, 20).await.unwrap().len(), 0);
        assert_eq!(list(conn, Some("bulk4321@"), None, None, 20).await.unwrap().len(), 1);
        assert_eq!(list(conn, Some("bulk 4321"), None, None, 20).await.unwrap().len(), 1);
    }
    let users = reads_then_end(&mut conn, "users").await;
    assert_eq!(users.seq_scan, 0, "a user list scanned the table: {users:?}");
    assert!(users.tuples < 500, "five pages read {} tuples of 5,003", users.tuples);
}

#[tokio::test]
async fn members_of_an_organization_and_organizations_of_a_member_read_a_page_not_the_table() {
    let app = TestStack::spawn().await;
    let [ada, bob] = app.people(["ada@example.com", "bob@example.com"]).await;
    let org = app.create_org_id(&ada.token, "Acme").await;
    app.add_member(&ada.token, &org, &bob.id, "member").await;
    let (org, bob) = (org.parse().unwrap(), bob.id.parse().unwrap());
    let mut conn = app.db("org").await;
    // 5,000 other memberships in 50 other organizations.
    conn.batch_execute(
        "INSERT INTO organizations (id, name, slug, created_by) \
         SELECT gen_random_uuid(), 'Bulk ' || g, 'bulk-' || g, gen_random_uuid() FROM generate_series(1, 50) g; \
         INSERT INTO memberships (organization_id, user_id, role) \
         SELECT o.id, gen_random_uuid(), 'member' FROM organizations o, generate_series(1, 100) \
         WHERE o.slug LIKE 'bulk-%'; ANALYZE memberships; ANALYZE organizations",
    )
    .await
    .unwrap();
    indexes_only(&mut conn).await;
    {
        let conn = &mut conn;
        let members = janua_org::store::members::list(conn, org, None, 50).await.unwrap();
        assert_eq!(members.len(), 2);
        let mine = janua_org::store::organizations::of_user(conn, bob, None, 50).await.unwrap();
        assert_eq!(mine.len(), 1);
    }
    let memberships = reads_then_end(&mut conn, "memberships").await;
    assert_eq!(memberships.seq_scan, 0, "{memberships:?}");
    assert!(memberships.tuples < 50, "two short lists read {} memberships of 5,002", memberships.tuples);
}

#[tokio::test]
async fn audit_lists_by_actor_subject_user_type_and_organization_read_a_page_not_the_log() {
    let app = TestStack::spawn().await;
    let ada = app.person("ada@example.com").await;
    janua_testkit::eventually("ada's audit entries", std::time::Duration::from_secs(15), || async {
        let n = app
            .count(
                "audit",
                &format!("SELECT count(*) AS n FROM audit_entries WHERE subject_id = '{}'", ada.id),
            )
            .await;
        (n > 0).then_some(())
    })
    .await;
    let mut conn = app.db("audit").await;
    // 5,000 entries of other people after hers (as a busy log has), each actor its own; far
    // past the head, so the audit consumer appending meanwhile never meets them.
    conn.batch_execute(
        "INSERT INTO audit_entries (seq, id, type, source, outcome, actor_id, subject_id, organization_id, \
             occurred_at, recorded_at, data, prev_hash, hash) \
         SELECT 1000000 + g, gen_random_uuid(), 'bulk.event', 'bulk', 'success', \
             gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), now(), now(), '\\x00', '\\x00', '\\x00' \
         FROM generate_series(1, 5000) g; ANALYZE audit_entries",
    )
    .await
    .unwrap();
    let ada: uuid::Uuid = ada.id.parse().unwrap();
    indexes_only(&mut conn).await;
    {
        use janua_audit::store::{Filter, Order, page};
        let conn = &mut conn;
        for filter in [
            Filter { subject_id: Some(ada), ..Default::default() },
            Filter { actor_id: Some(uuid::Uuid::new_v4()), ..Default::default() },
            Filter { user_id: Some(ada), ..Default::default() },
            Filter { organization_id: Some(uuid::Uuid::new_v4()), ..Default::default() },
            Filter { event_type: Some("user.created".into()), ..Default::default() },
        ] {
            page(conn, &filter, None, Order::NewestFirst, 50).await.unwrap();
        }
        // The newest page of everything, and the one after it.
        let newest = page(conn, &Filter::default(), None, Order::NewestFirst, 50).await.unwrap();
        let after = newest.last().map(|e| e.seq);
        page(conn, &Filter::default(), after, Order::NewestFirst, 50).await.unwrap();
    }
    let entries = reads_then_end(&mut conn, "audit_entries").await;
    assert_eq!(entries.seq_scan, 0, "{entries:?}");
    assert!(entries.tuples < 500, "seven pages read {} entries of 5,000 and more", entries.tuples);
}

#[tokio::test]
async fn a_constant_raw_statement_is_prepared_once_per_connection_with_its_values_in_order() {
    #[derive(diesel::QueryableByName)]
    struct Echo {
        #[diesel(sql_type = Text)]
        word: String,
        #[diesel(sql_type = BigInt)]
        next: i64,
    }
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let app = TestStack::spawn().await;
    let mut conn = app.db("auth").await;
    for n in 0..3_i64 {
        // $2 before $1 in the text, and $1 twice: the values still go by number.
        let echo: Echo = janua_db::prepared::sql(
            "SELECT $2::text AS word, $1::bigint + 1 + ($1::bigint - $1::bigint) AS next",
        )
        .bind::<BigInt, _>(n)
        .bind::<Text, _>(format!("word {n}"))
        .get_result(&mut conn)
        .await
        .unwrap();
        assert_eq!((echo.word, echo.next), (format!("word {n}"), n + 1));
    }
    // Prepared once and kept: the refresh grant's statement, the outbox's and the other
    // constant ones are parsed and planned once per connection, not on every request.
    let kept: Count = diesel::sql_query(
        "SELECT count(*) AS n FROM pg_prepared_statements WHERE statement LIKE 'SELECT $2::text AS word%'",
    )
    .get_result(&mut conn)
    .await
    .unwrap();
    assert_eq!(kept.n, 1);
}
