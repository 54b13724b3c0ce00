//! Where the API lives.

use url::Url;

use crate::Error;

/// Kombo's data regions, or any other base URL (a proxy, a local mock).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Region {
    /// `https://api.kombo.dev/v1` (the default).
    #[default]
    Eu,
    /// `https://api.us.kombo.dev/v1`
    Us,
    /// A custom base URL including the `/v1` stem, e.g. `http://127.0.0.1:8080/v1`.
    /// `http://` is allowed here only.
    Custom(Url),
}

impl Region {
    /// EU base URL.
    pub const EU_BASE_URL: &'static str = "https://api.kombo.dev/v1";
    /// US base URL.
    pub const US_BASE_URL: &'static str = "https://api.us.kombo.dev/v1";

    /// A custom base URL, checked: `http` or `https`, a host, no query or fragment.
    pub fn custom(base_url: &str) -> Result<Self, Error> {
        let url = Url::parse(base_url)
            .map_err(|e| Error::Config(format!("base URL {base_url:?} is not a URL: {e}")))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(Error::Config(format!(
                "base URL {base_url:?} must use http or https"
            )));
        }
        if url.host().is_none() {
            return Err(Error::Config(format!("base URL {base_url:?} has no host")));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(Error::Config(format!(
                "base URL {base_url:?} must not have a query or fragment"
            )));
        }
        Ok(Region::Custom(url))
    }

    /// The base URL, without a trailing `/` (so paths join as `…/v1/integrations`).
    pub fn base_url(&self) -> String {
        match self {
            Region::Eu => Self::EU_BASE_URL.to_owned(),
            Region::Us => Self::US_BASE_URL.to_owned(),
            Region::Custom(url) => url.as_str().trim_end_matches('/').to_owned(),
        }
    }
}

impl std::str::FromStr for Region {
    type Err = Error;

    /// `eu`, `us` (any case), or a base URL.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "eu" => Ok(Region::Eu),
            "us" => Ok(Region::Us),
            _ if s.contains("://") => Region::custom(s),
            _ => Err(Error::Config(format!(
                "unknown region {s:?} (expected eu, us or a base URL)"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls() {
        assert_eq!(Region::default().base_url(), "https://api.kombo.dev/v1");
        assert_eq!(Region::Us.base_url(), "https://api.us.kombo.dev/v1");
        assert_eq!(
            Region::custom("http://127.0.0.1:9/v1/").unwrap().base_url(),
            "http://127.0.0.1:9/v1"
        );
        assert_eq!("US".parse::<Region>().unwrap(), Region::Us);
    }

    #[test]
    fn bad_custom_urls_are_config_errors() {
        for bad in ["ftp://x/v1", "not a url", "http://x/v1?a=1", "eu-west"] {
            let e = bad.parse::<Region>().unwrap_err();
            assert!(matches!(e, Error::Config(_)), "{bad}: {e}");
        }
    }
}
