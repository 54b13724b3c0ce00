//! Where the API key comes from per request: a fixed secret, or a provider
//! called before each call (secret managers, key rotation).

use std::future::Future;
use std::pin::Pin;

use secrecy::SecretString;

/// What a key provider may fail with.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The future an [`ApiKeyProvider`] returns.
pub type KeyFuture<'a> = Pin<Box<dyn Future<Output = Result<SecretString, BoxError>> + Send + 'a>>;

/// Supplies the API key for each call. Closures implement it through
/// [`KomboBuilder::api_key_provider`](crate::KomboBuilder::api_key_provider)
/// (async) and [`KomboBuilder::api_key_fn`](crate::KomboBuilder::api_key_fn)
/// (sync). A failure is [`Error::ApiKey`](crate::Error::ApiKey) and nothing is sent.
pub trait ApiKeyProvider: Send + Sync + 'static {
    /// The key for the next call.
    fn api_key(&self) -> KeyFuture<'_>;
}

pub(crate) struct AsyncFn<F>(pub(crate) F);

impl<F, Fut, K, E> ApiKeyProvider for AsyncFn<F>
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<K, E>> + Send + 'static,
    K: Into<String>,
    E: Into<BoxError>,
{
    fn api_key(&self) -> KeyFuture<'_> {
        let future = (self.0)();
        Box::pin(async move {
            let key = future.await.map_err(Into::into)?;
            Ok(SecretString::from(key.into()))
        })
    }
}

pub(crate) struct SyncFn<F>(pub(crate) F);

impl<F, K, E> ApiKeyProvider for SyncFn<F>
where
    F: Fn() -> Result<K, E> + Send + Sync + 'static,
    K: Into<String>,
    E: Into<BoxError>,
{
    fn api_key(&self) -> KeyFuture<'_> {
        let key = (self.0)()
            .map(|k| SecretString::from(k.into()))
            .map_err(Into::into);
        Box::pin(std::future::ready(key))
    }
}
