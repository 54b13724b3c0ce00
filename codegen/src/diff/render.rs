//! The Markdown report.

use super::{Change, Impact};

/// The Markdown report: a verdict line, then breaking and additive changes.
pub fn render(changes: &[Change]) -> String {
    let breaking: Vec<&Change> = changes
        .iter()
        .filter(|c| c.impact == Impact::Breaking)
        .collect();
    let additive: Vec<&Change> = changes
        .iter()
        .filter(|c| c.impact == Impact::Additive)
        .collect();
    let verdict = if !breaking.is_empty() {
        "major (breaking changes)"
    } else if !additive.is_empty() {
        "minor (additive changes only)"
    } else {
        "patch (no API change)"
    };
    let mut s = format!("## Kombo spec update: {verdict}\n\n");
    for (title, items) in [("Breaking", &breaking), ("Additive", &additive)] {
        if items.is_empty() {
            continue;
        }
        s.push_str(&format!("### {title} ({})\n\n", items.len()));
        for c in items.iter() {
            s.push_str(&format!("- {}: {}\n", c.location, c.what));
        }
        s.push('\n');
    }
    s
}
