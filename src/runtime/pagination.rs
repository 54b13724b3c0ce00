//! Cursor pagination over any generated operation that implements
//! [`Paginated`]: send, read `data.next`, send it back as `cursor`, stop on
//! `null`. Lazy: a dropped stream sends nothing more.

use std::collections::HashSet;
use std::future::Future;

use futures_core::Stream;
use futures_util::{TryStreamExt, stream};

use crate::{Error, Response};

/// A generated operation builder with Kombo's cursor pattern.
pub trait Paginated: Clone + Sized {
    /// One page (the 200 response).
    type Page;
    /// One item of `data.results`.
    type Item;
    /// The same request with `cursor` set (every other parameter kept).
    fn with_cursor(self, cursor: String) -> Self;
    /// Sends the request (with the client's retries).
    fn send_page(self) -> impl Future<Output = Result<Response<Self::Page>, Error>>;
    /// `data.next`.
    fn next_cursor(page: &Self::Page) -> Option<&str>;
    /// `data.results`.
    fn into_items(page: Self::Page) -> Vec<Self::Item>;
}

enum State<P> {
    Next(P, HashSet<String>),
    Fail(Error),
    Done,
}

/// Every page, from the request as configured. Boxed once per walk, so the
/// stream is `Unpin` and `while let Some(x) = stream.try_next().await?` needs
/// no pinning.
pub fn pages<P: Paginated>(
    first: P,
) -> impl Stream<Item = Result<Response<P::Page>, Error>> + Unpin {
    Box::pin(stream::unfold(
        State::Next(first, HashSet::new()),
        |state| async move {
            match state {
                State::Done => None,
                State::Fail(error) => Some((Err(error), State::Done)),
                State::Next(request, mut seen) => {
                    let page = match request.clone().send_page().await {
                        Ok(page) => page,
                        Err(error) => return Some((Err(error), State::Done)),
                    };
                    let next = match P::next_cursor(&page) {
                        None => State::Done,
                        Some(cursor) if !seen.insert(cursor.to_owned()) => {
                            State::Fail(repeated_cursor(cursor, &page))
                        }
                        Some(cursor) => State::Next(request.with_cursor(cursor.to_owned()), seen),
                    };
                    Some((Ok(page), next))
                }
            }
        },
    ))
}

/// Every item of every page.
pub fn items<P: Paginated>(first: P) -> impl Stream<Item = Result<P::Item, Error>> + Unpin {
    pages(first)
        .map_ok(|page| stream::iter(P::into_items(page.into_inner()).into_iter().map(Ok)))
        .try_flatten()
}

fn repeated_cursor<T>(cursor: &str, page: &Response<T>) -> Error {
    Error::unexpected(
        Some(page.status()),
        page.headers().clone(),
        &[],
        Some(format!(
            "pagination stopped: the server returned cursor {cursor:?} a second time"
        )),
    )
}
