//! What a report's verdict means for the crate version (Cargo's semver: below
//! 1.0 the minor number is the breaking one).

use super::{Change, Impact};

/// The kind of release a set of changes needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bump {
    /// No API change.
    Patch,
    /// Additive changes only.
    Minor,
    /// Breaking changes.
    Major,
}

impl Bump {
    /// The bump a set of changes needs.
    pub fn of(changes: &[Change]) -> Bump {
        if changes.iter().any(|c| c.impact == Impact::Breaking) {
            Bump::Major
        } else if changes.is_empty() {
            Bump::Patch
        } else {
            Bump::Minor
        }
    }

    /// The next version after `current` (`MAJOR.MINOR.PATCH`): while below
    /// 1.0, a breaking change bumps the minor number and anything else the
    /// patch number. `None` when `current` is not such a version.
    pub fn next_version(self, current: &str) -> Option<String> {
        let mut parts = current.trim().splitn(3, '.').map(|p| p.parse::<u64>().ok());
        let (major, minor, patch) = (parts.next()??, parts.next()??, parts.next()??);
        Some(match (major, self) {
            (0, Bump::Major) => format!("0.{}.0", minor + 1),
            (0, _) => format!("0.{minor}.{}", patch + 1),
            (_, Bump::Major) => format!("{}.0.0", major + 1),
            (_, Bump::Minor) => format!("{major}.{}.0", minor + 1),
            (_, Bump::Patch) => format!("{major}.{minor}.{}", patch + 1),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_follow_cargo_semver() {
        assert_eq!(Bump::Major.next_version("0.1.3").unwrap(), "0.2.0");
        assert_eq!(Bump::Minor.next_version("0.1.3").unwrap(), "0.1.4");
        assert_eq!(Bump::Patch.next_version("0.1.3").unwrap(), "0.1.4");
        assert_eq!(Bump::Major.next_version("1.4.2").unwrap(), "2.0.0");
        assert_eq!(Bump::Minor.next_version("1.4.2").unwrap(), "1.5.0");
        assert_eq!(Bump::Patch.next_version("1.4.2").unwrap(), "1.4.3");
        assert_eq!(Bump::Patch.next_version("1.x"), None);
    }
}
