//! Code generation time on Kombo's 16-operation subset and on a synthetic
//! 128-operation spec (the subset ×8, renamed): the generator must scale
//! linearly. `scripts/bench.sh` records the medians in BENCHMARKS.md.

use criterion::{Criterion, criterion_group, criterion_main};

fn generate(c: &mut Criterion) {
    // The 16 endpoint documents merged (CI has them beside the repository).
    let text = std::fs::read_to_string("../../shared/specs/kombo-subset.yaml")
        .or_else(|_| std::fs::read_to_string("../fixtures/kombo-fixture.yaml"))
        .unwrap();
    let mut subset = kombo_codegen::parse_spec(&text).unwrap();
    if let Some(root) = subset.as_object_mut() {
        root.shift_remove("webhooks");
    }
    let synthetic = kombo_codegen::synthetic::replicate(&subset, 8);
    let options = kombo_codegen::Options::dependent();
    let mut group = c.benchmark_group("generate");
    group.sample_size(10);
    for (name, doc) in [
        ("subset_16_ops", &subset),
        ("synthetic_128_ops", &synthetic),
    ] {
        let text = serde_json::to_string(doc).unwrap();
        group.bench_function(name, |b| {
            b.iter(|| kombo_codegen::generate(&text, &options).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, generate);
criterion_main!(benches);
