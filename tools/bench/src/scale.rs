//! Scale (`BENCH_SCALE=1`): the routes whose work could grow with the number of accounts,
//! measured twice in the same run, first with 1,000 users, 10 organizations and 100
//! memberships loaded, then again after the load grows to 1,000,000 users, 10,000
//! organizations and 100,000 memberships (and as many audit entries and SCIM directory
//! entries as users). Each route is printed with its throughput at the large size as a ratio
//! to the small one; flat means within 1.2x (a ratio of at least 0.83).
//!
//! Everything is loaded with SQL, as a migration from another system would (then vacuumed and
//! analyzed), into every table that holds it: identity's users, auth's credentials and profiles, org's organizations,
//! memberships and user read model, audit's entries (at negative sequence numbers, so they
//! neither meet the chain's appends nor show as its head), and the SCIM directory. What each
//! request reads stays the same size: the organization listed has 10 members, the member
//! listed (the admin) keeps the same organizations, an audit page has 20 entries, a search
//! matches one user.

use crate::Outcome as Figure;
use crate::enterprise::{drive, org_with_scim_token, psql, scim_finds_one};
use serde_json::{Value, json};
use std::time::Instant;

pub struct Setup<'a> {
    pub http: &'a reqwest::Client,
    pub gateway: &'a str,
    pub admin: &'a str,
    /// The admin's user id.
    pub admin_id: &'a str,
    pub seconds: u64,
    pub concurrency: usize,
    pub database: &'a str,
    /// A user who signs in (`email`, `password`) throughout.
    pub signin: Value,
    /// That user's access token.
    pub access: &'a str,
}

const SMALL: Size = Size { users: 1_000, organizations: 10, memberships: 100 };
const LARGE: Size = Size { users: 1_000_000, organizations: 10_000, memberships: 100_000 };

#[derive(Clone, Copy)]
struct Size {
    users: u64,
    organizations: u64,
    memberships: u64,
}

/// Loads users, organizations, memberships, audit entries and SCIM entries numbered
/// `from + 1 ..= to.<count>` (the sizes already there are `from`).
fn load(database: &str, scim_org: &str, from: Size, to: Size) -> anyhow::Result<()> {
    let (u0, u1) = (from.users, to.users);
    let (o0, o1) = (from.organizations, to.organizations);
    let (m0, m1) = (from.memberships, to.memberships);
    // Ids are derived from the numbers (md5 as a uuid), so each table can name the others'.
    let user = "md5('scale-user-' || g)::uuid";
    psql(
        database,
        &format!(
            "INSERT INTO identity.users (id, email, email_verified, name, created_at, updated_at) \
               SELECT {user}, 'scale' || g || '@bench.test', true, 'Scale Person ' || g, \
                 now() - interval '20 days' + g * interval '1 second', now() \
               FROM generate_series({}, {u1}) g; \
             INSERT INTO auth.credentials (user_id, password_hash) \
               SELECT {user}, '$argon2id$v=19$m=19456,t=2,p=1$c2NhbGVzYWx0c2NhbGU$' || md5('h' || g) \
               FROM generate_series({}, {u1}) g; \
             INSERT INTO auth.user_profiles (id, profile, updated_at) \
               SELECT {user}, jsonb_build_object('id', {user}, 'email', 'scale' || g || '@bench.test', \
                 'email_verified', true, 'name', 'Scale Person ' || g, 'locale', 'en', 'roles', '[]'::jsonb), now() \
               FROM generate_series({}, {u1}) g; \
             INSERT INTO org.users (id, email, name, status, updated_at) \
               SELECT {user}, 'scale' || g || '@bench.test', 'Scale Person ' || g, 'active', now() \
               FROM generate_series({}, {u1}) g; \
             INSERT INTO org.organizations (id, name, slug, created_by) \
               SELECT md5('scale-org-' || g)::uuid, 'Scale Org ' || g, 'scale-org-' || g, md5('scale-user-' || g)::uuid \
               FROM generate_series({}, {o1}) g; \
             INSERT INTO org.memberships (organization_id, user_id, role) \
               SELECT md5('scale-org-' || ((g - 1) / 10 + 1))::uuid, {user}, 'member' \
               FROM generate_series({}, {m1}) g; \
             INSERT INTO audit.audit_entries (seq, id, type, source, outcome, actor_id, subject_id, organization_id, \
                 occurred_at, recorded_at, data, prev_hash, hash) \
               SELECT -g, gen_random_uuid(), 'user.signed_in', 'auth', 'success', \
                 md5('scale-actor-' || (g % 50 + 1))::uuid, {user}, md5('scale-org-' || (g % 10000 + 1))::uuid, \
                 now() - interval '20 days' + g * interval '1 second', now(), '\\x00', '\\x00', '\\x00' \
               FROM generate_series({}, {u1}) g; \
             INSERT INTO enterprise.scim_users (id, organization_id, user_name, external_id, emails, resource, active, version, pending, has_account) \
               SELECT gen_random_uuid(), '{scim_org}', 'scale' || g || '@bench.test', 'scale-' || g, ARRAY['scale' || g || '@bench.test'], \
                 jsonb_build_object('schemas', jsonb_build_array('urn:ietf:params:scim:schemas:core:2.0:User'), \
                   'userName', 'scale' || g || '@bench.test', 'externalId', 'scale-' || g, 'active', true, \
                   'name', jsonb_build_object('givenName', 'Scale', 'familyName', 'Person ' || g)), \
                 true, 1, false, false \
               FROM generate_series({}, {u1}) g;",
            u0 + 1,
            u0 + 1,
            u0 + 1,
            u0 + 1,
            o0 + 1,
            m0 + 1,
            u0 + 1,
            u0 + 1,
        ),
    )?;
    // As after any bulk load: vacuumed and analyzed before it is used (on its own, outside
    // the load's transaction). Left to autovacuum, its catch-up on a million fresh rows in
    // six tables ran during the first routes measured (`/auth/me`, which reads one row by its
    // key, fell to 0.57 of itself).
    psql(
        database,
        "VACUUM (ANALYZE) identity.users, auth.credentials, auth.user_profiles, org.users, \
           org.organizations, org.memberships, audit.audit_entries, enterprise.scim_users",
    )?;
    Ok(())
}

/// The routes measured at each size.
struct Routes {
    signin: Figure,
    me: Figure,
    first_page: Figure,
    deep_page: Figure,
    search: Figure,
    members: Figure,
    organizations: Figure,
    audit: Figure,
    scim: Figure,
}

impl Routes {
    fn each(&self) -> [(&'static str, &Figure); 9] {
        [
            ("password sign-in", &self.signin),
            ("GET /auth/me", &self.me),
            ("GET /admin/users, first page", &self.first_page),
            ("GET /admin/users, deep page", &self.deep_page),
            ("GET /admin/users?q= (one match)", &self.search),
            ("GET /organizations/{id}/members", &self.members),
            ("GET /users/{id}/organizations", &self.organizations),
            ("GET /audit-logs?actor_id=&type=", &self.audit),
            ("SCIM userName eq", &self.scim),
        ]
    }
}

/// A GET with the bearer token that answers 2xx, its body read.
async fn get_ok(http: &reqwest::Client, url: &str, token: &str) -> bool {
    match http.get(url).bearer_auth(token).send().await {
        Ok(r) => r.status().is_success() && r.bytes().await.is_ok(),
        Err(_) => false,
    }
}

/// The cursor of the page after the user in the middle of the sign-up order.
fn middle_cursor(database: &str, users: u64) -> anyhow::Result<String> {
    use base64::Engine;
    let row = psql(
        database,
        &format!(
            "SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') || ' ' || id \
             FROM identity.users ORDER BY created_at, id OFFSET {} LIMIT 1",
            users / 2
        ),
    )?;
    let (at, id) = row.split_once(' ').ok_or_else(|| anyhow::anyhow!("no middle user"))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json!([at, id]).to_string()))
}

async fn measure(s: &Setup<'_>, size: Size, org: &str, scim_token: &str) -> anyhow::Result<Routes> {
    let Setup { http, gateway, admin, admin_id, seconds, concurrency, database, .. } = *s;
    let get = |url: String, token: String| {
        let http = http.clone();
        move |_: usize, _: u64| {
            let (http, url, token) = (http.clone(), url.clone(), token.clone());
            async move { get_ok(&http, &url, &token).await }
        }
    };
    // Clients that honour Retry-After when auth sheds, as in the sign-in figure.
    let signin = {
        let (http, url, body) = (http.clone(), format!("{gateway}/api/v1/auth/signin"), s.signin.clone());
        let deadline = Instant::now() + std::time::Duration::from_secs(seconds);
        drive(concurrency, seconds, move |_, _| {
            let (http, url, body) = (http.clone(), url.clone(), body.clone());
            async move { crate::post_politely(&http, &url, &body, deadline).await.is_some() }
        })
        .await
    };
    let me = drive(concurrency, seconds, get(format!("{gateway}/api/v1/auth/me"), s.access.to_owned())).await;
    let first_page =
        drive(concurrency, seconds, get(format!("{gateway}/api/v1/admin/users?limit=20"), admin.to_owned()))
            .await;
    let cursor = middle_cursor(database, size.users)?;
    let deep_page = drive(
        concurrency,
        seconds,
        get(format!("{gateway}/api/v1/admin/users?limit=20&cursor={cursor}"), admin.to_owned()),
    )
    .await;
    let search = {
        let (http, base, token, users) = (http.clone(), gateway.to_owned(), admin.to_owned(), size.users);
        drive(concurrency, seconds, move |worker, n| {
            let (http, base, token) = (http.clone(), base.clone(), token.clone());
            async move {
                let i = (worker as u64 * 7919 + n * 104_729) % users + 1;
                let url = format!("{base}/api/v1/admin/users?q=scale{i}%40bench");
                match http.get(&url).bearer_auth(&token).send().await {
                    Ok(r) if r.status().is_success() => r
                        .json::<Value>()
                        .await
                        .is_ok_and(|v| v["data"].as_array().is_some_and(|d| d.len() == 1)),
                    _ => false,
                }
            }
        })
        .await
    };
    let members = drive(
        concurrency,
        seconds,
        get(format!("{gateway}/api/v1/organizations/{org}/members?limit=50"), admin.to_owned()),
    )
    .await;
    let organizations = drive(
        concurrency,
        seconds,
        get(format!("{gateway}/api/v1/users/{admin_id}/organizations"), admin.to_owned()),
    )
    .await;
    // The 50 bulk actors: 20 entries each at the small size, 20,000 at the large.
    let actors: std::sync::Arc<Vec<String>> = std::sync::Arc::new(
        psql(database, "SELECT md5('scale-actor-' || g)::uuid FROM generate_series(1, 50) g")?
            .lines()
            .map(str::to_owned)
            .collect(),
    );
    let audit = {
        let (http, base, token) = (http.clone(), gateway.to_owned(), admin.to_owned());
        drive(concurrency, seconds, move |worker, n| {
            let (http, base, token, actors) = (http.clone(), base.clone(), token.clone(), actors.clone());
            async move {
                let actor = &actors[(worker * 31 + n as usize) % actors.len()];
                let url = format!("{base}/api/audit-logs?limit=20&type=user.signed_in&actor_id={actor}");
                get_ok(&http, &url, &token).await
            }
        })
        .await
    };
    let scim = {
        let (http, base, token, users) =
            (http.clone(), gateway.to_owned(), scim_token.to_owned(), size.users);
        drive(concurrency, seconds, move |worker, n| {
            let (http, base, token) = (http.clone(), base.clone(), token.clone());
            async move {
                let i = (worker as u64 * 7919 + n * 104_729) % users + 1;
                scim_finds_one(&http, &base, &token, &format!("scale{i}@bench.test")).await
            }
        })
        .await
    };
    Ok(Routes { signin, me, first_page, deep_page, search, members, organizations, audit, scim })
}

pub async fn run(s: Setup<'_>) -> anyhow::Result<()> {
    let Setup { http, gateway, admin, admin_id, database, .. } = s;
    let tag = uuid::Uuid::new_v4().simple().to_string()[..8].to_string();
    // The organization listed (the admin owns it; 9 bulk members join) and the SCIM directory's.
    let (org, scim_token) = org_with_scim_token(http, gateway, admin, &format!("Scale {tag}")).await?;
    let started = Instant::now();
    load(database, &org, Size { users: 0, organizations: 0, memberships: 0 }, SMALL)?;
    // Nine bulk members in the listed organization, and the admin in five bulk organizations.
    psql(
        database,
        &format!(
            "INSERT INTO org.memberships (organization_id, user_id, role) \
               SELECT '{org}', md5('scale-user-' || g)::uuid, 'member' FROM generate_series(991, 999) g; \
             INSERT INTO org.memberships (organization_id, user_id, role) \
               SELECT md5('scale-org-' || g)::uuid, '{admin_id}', 'member' FROM generate_series(1, 5) g;"
        ),
    )?;
    println!(
        "{:<34} {:>10.1} s to load {} users, {} organizations, {} memberships by SQL",
        "scale: small",
        started.elapsed().as_secs_f64(),
        SMALL.users,
        SMALL.organizations,
        SMALL.memberships
    );
    let small = measure(&s, SMALL, &org, &scim_token).await?;
    let started = Instant::now();
    load(database, &org, SMALL, LARGE)?;
    println!(
        "{:<34} {:>10.1} s to load up to {} users, {} organizations, {} memberships by SQL",
        "scale: large",
        started.elapsed().as_secs_f64(),
        LARGE.users,
        LARGE.organizations,
        LARGE.memberships
    );
    let large = measure(&s, LARGE, &org, &scim_token).await?;
    println!(
        "{:<34} {:>12} {:>12} {:>9} {:>9}   (target: ratio >= 0.83, i.e. within 1.2x)",
        "route", "1k req/s", "1M req/s", "ratio", "p50 1M"
    );
    for ((name, small), (_, large)) in small.each().into_iter().zip(large.each()) {
        println!(
            "{:<34} {:>12.1} {:>12.1} {:>9.2} {:>6.2} ms{}",
            name,
            small.rate(),
            large.rate(),
            large.ratio_to(small),
            large.p(0.5),
            if large.errors + small.errors > 0 {
                format!("   ({} errors)", large.errors + small.errors)
            } else {
                String::new()
            }
        );
    }
    Ok(())
}
