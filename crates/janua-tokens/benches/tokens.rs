//! Hot functions of every authenticated request: verifying an access token (gateway and
//! service each do it) and signing one (every sign-in and refresh).

use criterion::{Criterion, criterion_group, criterion_main};
use janua_tokens::{Claims, KeyRing, SigningKey};
use std::hint::black_box;

fn ring() -> KeyRing {
    let key = SigningKey::generate().expect("key");
    let mut ring = KeyRing::new("http://127.0.0.1:8080", "janua");
    ring.add_public(&key.public_jwk).expect("public");
    ring.set_signer(&key.private_jwk).expect("signer");
    ring
}

fn claims() -> Claims {
    let now = chrono::Utc::now().timestamp();
    Claims {
        iss: "http://127.0.0.1:8080".into(),
        sub: uuid::Uuid::now_v7(),
        sid: uuid::Uuid::now_v7(),
        aud: "janua".into(),
        iat: now,
        exp: now + 900,
        jti: uuid::Uuid::now_v7(),
        roles: vec![],
        scope: None,
        auth_time: None,
    }
}

fn bench(c: &mut Criterion) {
    let ring = ring();
    let claims = claims();
    let token = ring.sign(&claims).expect("sign");
    c.bench_function("access token: sign (EdDSA)", |b| b.iter(|| ring.sign(black_box(&claims))));
    c.bench_function("access token: verify, first sighting (EdDSA)", |b| {
        b.iter(|| ring.verify_uncached(black_box(&token)))
    });
    c.bench_function("access token: verify, seen before (cached)", |b| {
        b.iter(|| ring.verify(black_box(&token)))
    });
    c.bench_function("refresh token: sha256", |b| {
        b.iter(|| janua_core::crypto::sha256(black_box(b"qs4L2Cj4r2QAE7IZSED4xxgaGaPV3KPY17c0onYaHXI")))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
