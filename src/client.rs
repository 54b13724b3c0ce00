//! The configured client: builder, region, key, timeouts, scoping.

use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretString;

use crate::api_key::{ApiKeyProvider, AsyncFn, BoxError, SyncFn};
use crate::runtime::limiter::Limiter;
use crate::runtime::{Core, KeySource, Shared};
use crate::{Error, Limits, Region, RetryPolicy};

/// Environment variable read when no key is given to the builder.
pub const API_KEY_ENV: &str = "KOMBO_API_KEY";

/// Default connect timeout.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default timeout of one attempt, from sending to the end of the body.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// A Kombo API client. The spec's operations are grouped by tag, the way
/// Kombo's SDKs group them: `kombo.general().create_reconnection_link()`
/// returns a request builder; `.send().await` sends it.
///
/// Cheap to clone (two reference counts); clones share the connection pool.
#[derive(Clone, Debug)]
pub struct Kombo {
    core: Core,
}

impl Kombo {
    /// Starts configuring a client.
    pub fn builder() -> KomboBuilder {
        KomboBuilder::default()
    }

    /// A client of the default region (the spec's first server) with the
    /// key from `KOMBO_API_KEY`.
    pub fn from_env() -> Result<Self, Error> {
        Self::builder().build()
    }

    /// The region (base URL) requests go to.
    pub fn region(&self) -> &Region {
        &self.core.shared.region
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.core.shared.base_url
    }

    pub(crate) fn core(&self) -> &Core {
        &self.core
    }

    /// The same client, scoped to one integration: operations that take the
    /// `X-Integration-Id` header get it from here.
    pub fn integration(&self, integration_id: impl Into<String>) -> Kombo {
        Kombo {
            core: Core {
                shared: Arc::clone(&self.core.shared),
                integration_id: Some(Arc::from(integration_id.into())),
            },
        }
    }

    /// The integration this client is scoped to, if any.
    pub fn integration_id(&self) -> Option<&str> {
        self.core.integration_id.as_deref()
    }
}

/// Configures a [`Kombo`] client.
///
/// ```
/// use std::time::Duration;
/// use kombo::{Kombo, Region, RetryPolicy};
///
/// let kombo = Kombo::builder()
///     .api_key("my-api-key")
///     .region(Region::Us)
///     .timeout(Duration::from_secs(30))
///     .retry(RetryPolicy::default().max_attempts(5))
///     .build()?;
/// assert_eq!(kombo.base_url(), "https://api.us.kombo.dev/v1");
/// # Ok::<(), kombo::Error>(())
/// ```
#[derive(Default)]
pub struct KomboBuilder {
    api_key: Option<SecretString>,
    key_provider: Option<Arc<dyn ApiKeyProvider>>,
    region: Option<Result<Region, Error>>,
    connect_timeout: Option<Duration>,
    timeout: Option<Duration>,
    retry: Option<RetryPolicy>,
    limits: Option<Limits>,
    http_client: Option<reqwest::Client>,
    user_agent: Option<String>,
}

impl std::fmt::Debug for KomboBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KomboBuilder")
            .field("api_key", &self.api_key.as_ref().map(|_| "[redacted]"))
            .field(
                "key_provider",
                &self.key_provider.as_ref().map(|_| "[provider]"),
            )
            .field("region", &self.region)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

impl KomboBuilder {
    /// The API key (else `KOMBO_API_KEY` is read by [`build`](Self::build)).
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(SecretString::from(key.into()));
        self
    }

    /// Asks `provider` for the key before each call (an async closure
    /// returning `Result<impl Into<String>, E>`), instead of a fixed key.
    ///
    /// ```
    /// let kombo = kombo::Kombo::builder()
    ///     .api_key_provider(|| async { Ok::<_, std::io::Error>("key-from-vault") })
    ///     .build()?;
    /// # Ok::<(), kombo::Error>(())
    /// ```
    pub fn api_key_provider<F, Fut, K, E>(mut self, provider: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = Result<K, E>> + Send + 'static,
        K: Into<String>,
        E: Into<BoxError>,
    {
        self.key_provider = Some(Arc::new(AsyncFn(provider)));
        self
    }

    /// Calls `provider` for the key before each call (a sync closure).
    pub fn api_key_fn<F, K, E>(mut self, provider: F) -> Self
    where
        F: Fn() -> Result<K, E> + Send + Sync + 'static,
        K: Into<String>,
        E: Into<BoxError>,
    {
        self.key_provider = Some(Arc::new(SyncFn(provider)));
        self
    }

    /// Any [`ApiKeyProvider`].
    pub fn api_key_source(mut self, provider: impl ApiKeyProvider) -> Self {
        self.key_provider = Some(Arc::new(provider));
        self
    }

    /// One of the spec's regions ([`Region::ALL`]; the first is the default), or [`Region::Custom`].
    pub fn region(mut self, region: Region) -> Self {
        self.region = Some(Ok(region));
        self
    }

    /// A custom base URL (e.g. a local mock: `http://127.0.0.1:8080/v1`).
    /// A bad URL is reported by [`build`](Self::build).
    pub fn base_url(mut self, base_url: &str) -> Self {
        self.region = Some(Region::custom(base_url));
        self
    }

    /// Connect timeout (default 10 s). Ignored with [`http_client`](Self::http_client).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Timeout of one attempt (default 60 s). Ignored with [`http_client`](Self::http_client).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Retry policy (default: [`RetryPolicy::default`]); [`RetryPolicy::disabled`] turns it off.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// How the client paces itself to Kombo's concurrency and rate limits
    /// (default: [`Limits::default`]); [`Limits::disabled`] turns it off.
    /// Clones and scoped clients of the built client share one limiter.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = Some(limits);
        self
    }

    /// Extra text appended to the user agent (`kombo-rs/<version> <extra>`).
    pub fn user_agent(mut self, extra: impl Into<String>) -> Self {
        self.user_agent = Some(extra.into());
        self
    }

    /// Use this `reqwest::Client` (its own timeouts, proxy, TLS and user agent apply).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Builds the client: fails on a missing key, a bad base URL or a TLS setup error.
    pub fn build(self) -> Result<Kombo, Error> {
        let key = match (self.key_provider, self.api_key) {
            (Some(provider), _) => KeySource::Provider(provider),
            (None, Some(key)) => KeySource::Fixed(Arc::new(check_key(key)?)),
            (None, None) => {
                let key = std::env::var(API_KEY_ENV).map_err(|_| {
                    Error::Config(format!(
                        "no API key: pass one to the builder or set {API_KEY_ENV}"
                    ))
                })?;
                KeySource::Fixed(Arc::new(check_key(SecretString::from(key))?))
            }
        };
        let region = match self.region {
            Some(region) => region?,
            None => Region::spec_default().ok_or_else(|| {
                Error::Config("the spec names no server: pass a base URL".to_owned())
            })?,
        };
        let http = match self.http_client {
            Some(client) => client,
            None => {
                let agent = match &self.user_agent {
                    Some(extra) => format!("{} {extra}", default_user_agent()),
                    None => default_user_agent(),
                };
                http_client_builder()
                    // A redirect is not a response the API describes: it is
                    // returned as an unexpected response, never followed.
                    .redirect(reqwest::redirect::Policy::none())
                    .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
                    .timeout(self.timeout.unwrap_or(DEFAULT_TIMEOUT))
                    .user_agent(agent)
                    .build()
                    .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?
            }
        };
        let limits = self.limits.unwrap_or_default();
        #[cfg(feature = "redis")]
        let shared = shared_limiter(&limits, &key, self.timeout.unwrap_or(DEFAULT_TIMEOUT))?;
        let limiter = Limiter::new(limits);
        #[cfg(feature = "redis")]
        let limiter = match (limiter, shared) {
            (Some(limiter), Some((shared, scope))) => Some(limiter.with_shared(shared, scope)),
            (limiter, _) => limiter,
        };
        let base_url = region.base_url().trim_end_matches('/').to_owned();
        let base = url::Url::parse(&base_url)
            .ok()
            .filter(|u| !u.cannot_be_a_base() && u.query().is_none() && u.fragment().is_none());
        let bearer = match &key {
            KeySource::Fixed(key) => crate::runtime::bearer(key),
            KeySource::Provider(_) => None,
        };
        Ok(Kombo {
            core: Core {
                shared: Arc::new(Shared {
                    http,
                    base_url,
                    base,
                    region,
                    key,
                    bearer,
                    retry: self.retry.unwrap_or_default(),
                    limiter,
                }),
                integration_id: None,
            },
        })
    }
}

/// The shared limiter and the shared key of unscoped calls with a fixed API key.
#[cfg(feature = "redis")]
type SharedSetup = (Arc<crate::runtime::shared::SharedLimiter>, Option<String>);

/// The shared limiter `limits` asks for; a Redis URL that does not parse is
/// a configuration error (nothing is connected yet).
#[cfg(feature = "redis")]
fn shared_limiter(
    limits: &Limits,
    key: &KeySource,
    request_timeout: Duration,
) -> Result<Option<SharedSetup>, Error> {
    let Some(settings) = limits.redis.clone().filter(|_| limits.enabled()) else {
        return Ok(None);
    };
    if let Some(url) = &settings.url {
        redis::Client::open(url.as_str()).map_err(|e| {
            Error::Config(format!(
                "the Redis URL of the shared limiter is invalid: {e}"
            ))
        })?;
    } else if settings.connection.is_none() {
        return Err(Error::Config(
            "the shared limiter needs a Redis URL or a connection".to_owned(),
        ));
    }
    let scope = match key {
        KeySource::Fixed(key) => Some(crate::runtime::shared::unscoped(
            secrecy::ExposeSecret::expose_secret(&**key),
        )),
        KeySource::Provider(_) => None,
    };
    // `max_in_flight(None)`: not gated until Kombo states its limit, as in
    // the process.
    let default_limit = limits.max_in_flight.unwrap_or(0);
    let shared =
        crate::runtime::shared::SharedLimiter::new(settings, request_timeout, default_limit);
    Ok(Some((shared, scope)))
}

fn check_key(key: SecretString) -> Result<SecretString, Error> {
    if secrecy::ExposeSecret::expose_secret(&key).trim().is_empty() {
        return Err(Error::Config("the API key is empty".to_owned()));
    }
    Ok(key)
}

/// `kombo-rs/<version>`
pub fn default_user_agent() -> String {
    format!("kombo-rs/{}", env!("CARGO_PKG_VERSION"))
}

/// A `reqwest::ClientBuilder` ready for TLS, for passing your own client to
/// [`KomboBuilder::http_client`].
///
/// This crate builds reqwest without its default (aws-lc) TLS provider; this
/// installs ring as the process-wide rustls provider if none is set.
pub fn http_client_builder() -> reqwest::ClientBuilder {
    install_crypto_provider();
    reqwest::Client::builder()
}

/// reqwest is built without a default TLS provider (aws-lc is slow to build);
/// ring is installed as the process default unless one is already set.
fn install_crypto_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Another thread may win the race; either provider is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}
