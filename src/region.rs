//! Where the API lives. [`Region`] itself is generated from the spec's
//! `servers` (a spec update that adds one adds a region); this is what every
//! region can do: its base URL, parsing a short name or a URL, a checked
//! custom base URL.

use url::Url;

use crate::{Error, Region};

impl Region {
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
        match (self.server_url(), self) {
            (Some(url), _) => url.trim_end_matches('/').to_owned(),
            (None, Region::Custom(url)) => url.as_str().trim_end_matches('/').to_owned(),
            // Every region but `Custom` has a server URL (generated together).
            (None, _) => String::new(),
        }
    }

    /// The short names `FromStr` takes (`eu`, `us`, …), in the spec's order.
    pub fn names() -> impl Iterator<Item = &'static str> {
        Region::ALL.iter().filter_map(Region::name)
    }
}

impl std::str::FromStr for Region {
    type Err = Error;

    /// A region's short name (any case), or a base URL.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if let Some(region) = Region::ALL
            .iter()
            .find(|r| r.name().is_some_and(|n| n.eq_ignore_ascii_case(s)))
        {
            return Ok(region.clone());
        }
        if s.contains("://") {
            return Region::custom(s);
        }
        let names: Vec<&str> = Region::names().collect();
        Err(Error::Config(format!(
            "unknown region {s:?} (expected {} or a base URL)",
            names.join(", ")
        )))
    }
}

impl std::fmt::Display for Region {
    /// The short name, or the custom base URL.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.name() {
            Some(name) => f.write_str(name),
            None => f.write_str(&self.base_url()),
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
        assert_eq!(Region::names().collect::<Vec<_>>(), ["eu", "us"]);
        assert_eq!(Region::Us.to_string(), "us");
    }

    #[test]
    fn bad_custom_urls_are_config_errors() {
        for bad in ["ftp://x/v1", "not a url", "http://x/v1?a=1", "eu-west"] {
            let e = bad.parse::<Region>().unwrap_err();
            assert!(matches!(e, Error::Config(_)), "{bad}: {e}");
        }
        let e = "ca".parse::<Region>().unwrap_err().to_string();
        assert!(e.contains("expected eu, us or a base URL"), "{e}");
    }
}
