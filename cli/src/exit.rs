//! The CLI's exit codes: one enum, which `main`, the failures and the help
//! texts read, so a code and its meaning cannot drift apart.

use std::process::ExitCode;

/// How `kombo` ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exit {
    /// The command did what was asked.
    Success = 0,
    /// Kombo answered with an API error; for `webhook verify`, the signature
    /// or body is invalid.
    Refused = 1,
    /// Usage error or invalid input: nothing was sent.
    Usage = 2,
    /// Transport failure, or a response the API does not describe.
    Transport = 3,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> Self {
        ExitCode::from(exit as u8)
    }
}

/// The `Exit codes:` section of a command's help: each code with what it
/// means for that command.
pub(crate) fn help(meanings: &[(Exit, &str)]) -> String {
    let mut text = String::from("Exit codes:");
    for (exit, meaning) in meanings {
        text.push_str(&format!("\n  {}  {meaning}", *exit as u8));
    }
    text
}

/// What each code means for `kombo relink`.
pub(crate) const RELINK: &[(Exit, &str)] = &[
    (
        Exit::Success,
        "success: the link (or, with --json, the response body) on stdout",
    ),
    (
        Exit::Refused,
        "Kombo answered with an API error (status, code, message and log URL on stderr)",
    ),
    (
        Exit::Usage,
        "usage error or invalid input; no request was sent",
    ),
    (
        Exit::Transport,
        "transport failure or a response the API does not describe",
    ),
];

/// What each code means for `kombo mock`.
pub(crate) const MOCK: &[(Exit, &str)] = &[
    (Exit::Success, "stopped by Ctrl-C or SIGTERM after serving"),
    (Exit::Usage, "usage error"),
    (Exit::Transport, "the port cannot be bound"),
];

/// What each code means for `kombo webhook verify`.
pub(crate) const WEBHOOK: &[(Exit, &str)] = &[
    (
        Exit::Success,
        "the signature matches: the event type is printed (also one this version does not know)",
    ),
    (
        Exit::Refused,
        "the signature or the body is invalid (the reason on stderr)",
    ),
    (
        Exit::Usage,
        "usage error: no secret, no signature, stdin unreadable",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_help_lists_each_code_with_its_number() {
        let text = help(RELINK);
        assert!(text.starts_with("Exit codes:\n  0  success"), "{text}");
        assert!(text.contains("\n  3  transport failure"), "{text}");
        assert_eq!(help(WEBHOOK).lines().count(), 4);
    }
}
