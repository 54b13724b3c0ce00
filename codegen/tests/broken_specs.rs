//! The broken-spec corpus (`tests/broken/`): a `rejected-*` spec fails with
//! exactly one line `file: /json/pointer: reason` naming the culprit given by
//! its `# expect:` header; an `accepted-*` spec generates (and `.ci/run`
//! compiles it without warnings through `scripts/check-specs.sh`).

use std::path::Path;

fn expected(text: &str) -> &str {
    text.lines()
        .next()
        .and_then(|l| l.strip_prefix("# expect: "))
        .expect("each corpus file starts with `# expect: …`")
        .trim()
}

#[test]
fn every_broken_spec_is_rejected_by_name_or_generates() {
    let mut failures = Vec::new();
    let mut count = 0;
    let mut paths: Vec<_> = std::fs::read_dir("tests/broken")
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    for path in paths {
        count += 1;
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        let expect = expected(&text).to_owned();
        let result = kombo_codegen::build(
            &path,
            &std::env::temp_dir(),
            &kombo_codegen::Options::kombo(),
        );
        match (name.starts_with("rejected-"), result) {
            (true, Ok(_)) => {
                failures.push(format!("{name}: accepted, expected an error at {expect}"))
            }
            (true, Err(e)) => {
                let line = e.to_string();
                let prefix = format!("{}: {expect}: ", path.display());
                if line.contains('\n') || !line.starts_with(&prefix) {
                    failures.push(format!("{name}: got `{line}`, expected `{prefix}…`"));
                }
            }
            (false, Ok(_)) => assert_eq!(expect, "compiles", "{name}"),
            (false, Err(e)) => failures.push(format!("{name}: rejected: {e}")),
        }
    }
    assert!(count >= 25, "the corpus holds {count} specs");
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn the_corpus_is_where_the_test_reads_it() {
    assert!(Path::new("tests/broken").is_dir());
}
