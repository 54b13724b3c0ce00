//! Kombo's error codes. `ErrorCode` and `ErrorFamily` are generated from
//! the one policy table (`codegen/src/policy.rs`: the codes Kombo documents,
//! which are retryable, the families) and the spec's error responses; this
//! macro turns the rows into the enums, `as_str`, `parse`, `is_retryable` and
//! `family`, and this file adds what every code has beyond them.

use std::fmt;

use crate::ErrorCode;

/// Generates [`ErrorFamily`](crate::ErrorFamily) and [`ErrorCode`] from
/// `families { Variant = "PREFIX"; … }` and `codes { Variant = "CODE",
/// retry: bool; … }`.
#[doc(hidden)]
#[macro_export]
macro_rules! __kombo_error_codes {
    (
        families { $($(#[doc = $fdoc:expr])* $family:ident = $prefix:literal;)* }
        codes { $($variant:ident = $code:literal, retry: $retry:literal;)* }
    ) => {
        /// The family of an error code: the part before the first `.`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorFamily {
            $(
                $(#[doc = $fdoc])*
                $family,
            )*
            /// Any other prefix.
            Other,
        }

        /// Kombo's error codes: those the spec lists and those Kombo documents,
        /// plus any other as [`ErrorCode::Unknown`].
        ///
        /// Branch on the code, never on the message (Kombo's guidance). `as_str()`
        /// gives back exactly the string Kombo sent.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorCode {
            $(
                #[doc = concat!("`", $code, "`")]
                $variant,
            )*
            /// A code this version of the crate does not know, kept verbatim.
            Unknown(String),
        }

        impl ErrorCode {
            /// Every code this version knows (not [`ErrorCode::Unknown`]).
            pub fn known() -> impl Iterator<Item = ErrorCode> {
                [$(ErrorCode::$variant),*].into_iter()
            }

            /// Parses a code; never fails (unknown codes are kept).
            pub fn parse(code: &str) -> Self {
                match code {
                    $($code => ErrorCode::$variant,)*
                    other => ErrorCode::Unknown(other.to_owned()),
                }
            }

            /// The code as Kombo spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    $(ErrorCode::$variant => $code,)*
                    ErrorCode::Unknown(code) => code,
                }
            }

            /// Whether Kombo documents this code as safe to retry automatically
            /// (the request was not processed).
            pub fn is_retryable(&self) -> bool {
                match self {
                    $(ErrorCode::$variant => $retry,)*
                    ErrorCode::Unknown(_) => false,
                }
            }

            /// The family (`PLATFORM`, `INTEGRATION`, …), also for unknown codes.
            pub fn family(&self) -> ErrorFamily {
                match self.as_str().split('.').next().unwrap_or_default() {
                    $($prefix => ErrorFamily::$family,)*
                    _ => ErrorFamily::Other,
                }
            }
        }
    };
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for ErrorCode {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(ErrorCode::parse(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorFamily;

    #[test]
    fn codes_round_trip_and_have_families() {
        for code in ErrorCode::known() {
            assert_eq!(ErrorCode::parse(code.as_str()), code);
            assert_ne!(code.family(), ErrorFamily::Other, "{code}");
        }
        let unknown = ErrorCode::parse("LMS.COURSE_GONE");
        assert_eq!(unknown, ErrorCode::Unknown("LMS.COURSE_GONE".into()));
        assert_eq!(unknown.as_str(), "LMS.COURSE_GONE");
        assert_eq!(unknown.family(), ErrorFamily::Lms);
        assert!(!unknown.is_retryable());
        assert_eq!(ErrorCode::parse("weird").family(), ErrorFamily::Other);
        let retryable: Vec<String> = ErrorCode::known()
            .filter(ErrorCode::is_retryable)
            .map(|c| c.to_string())
            .collect();
        assert_eq!(
            retryable,
            [
                "PLATFORM.RATE_LIMIT_EXCEEDED",
                "PLATFORM.CONCURRENCY_LIMIT_EXCEEDED",
                "REMOTE.RATE_LIMIT_EXCEEDED",
                "REMOTE.SERVICE_UNAVAILABLE"
            ]
        );
    }
}
