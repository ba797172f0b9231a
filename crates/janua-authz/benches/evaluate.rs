//! Policy evaluations per second, in process: one policy with five conditions, and a set of
//! 50 policies (deny wins) for the same request.

use criterion::{Criterion, criterion_group, criterion_main};
use janua_authz::{Effect, evaluate, sample};
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let req = sample::request();
    let one = sample::policy(0, Effect::Allow);
    c.bench_function("policy: evaluate one (5 conditions)", |b| {
        b.iter(|| black_box(one.evaluate(black_box(&req))))
    });
    let set = sample::set_of_fifty();
    c.bench_function("policy: evaluate a set of 50 (deny wins)", |b| {
        b.iter(|| black_box(evaluate(black_box(&set), black_box(&req))))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
