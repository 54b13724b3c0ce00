//! What the generated code gives the mock for each operation ([`Route`]),
//! the spec it serves ([`MockSpec`]), and the request as the generated
//! validators read it ([`Incoming`]): each parameter and the body decoded
//! with the very types the client is generated from, a failure naming the
//! parameter or field.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::Operation;

/// Decodes an answer as an operation's response type.
#[doc(hidden)]
pub type Decoder = fn(&[u8]) -> Result<(), String>;

/// One operation as the mock serves it; written by the generator beside the
/// operation's `OPERATION`. Not a stable API: its fields follow the
/// generator.
#[doc(hidden)]
pub struct Route {
    /// The operation's facts (method, path template, scoped headers).
    pub operation: &'static Operation,
    /// Decodes the request's parameters and body with the generated types.
    pub validate: fn(&Incoming<'_>) -> Result<(), Invalid>,
    /// Decodes an answer as the operation's response type (`None`: the
    /// operation answers no JSON body).
    pub decodes: Option<Decoder>,
    /// Kombo's cursor pattern, when the operation pages.
    pub paging: Option<RoutePaging>,
}

/// How a paged operation's answer holds its page (the generator's model
/// decides it once, for the client and the mock).
#[doc(hidden)]
pub struct RoutePaging {
    /// The query parameter the cursor comes back in.
    pub cursor: &'static str,
    /// The property path of the next cursor (`data`, `next`).
    pub next: &'static [&'static str],
    /// The property path of the page's items (`data`, `results`).
    pub results: &'static [&'static str],
}

/// A spec the mock serves: the document its answers are built from, and a
/// route per operation — generated with the client (`kombo` serves its own
/// spec; a crate generating another spec's client on kombo's runtime exports
/// its `MOCK`).
#[derive(Clone, Copy)]
pub struct MockSpec {
    pub(crate) document: &'static str,
    pub(crate) routes: &'static [&'static Route],
}

impl MockSpec {
    /// The spec generated code describes: the document (JSON) and its routes.
    #[doc(hidden)]
    pub const fn new(document: &'static str, routes: &'static [&'static Route]) -> Self {
        MockSpec { document, routes }
    }

    /// The operations served, in document order.
    pub fn operations(&self) -> impl Iterator<Item = &'static Operation> {
        self.routes.iter().map(|r| r.operation)
    }
}

impl std::fmt::Debug for MockSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockSpec")
            .field("operations", &self.routes.len())
            .finish_non_exhaustive()
    }
}

/// Why a request does not match its operation: the parameter or field, and
/// what is wrong with it. Answered 400 `PLATFORM.INPUT_INVALID`.
#[doc(hidden)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid(pub(crate) String);

/// A request as the generated validators read it.
#[doc(hidden)]
pub struct Incoming<'a> {
    pub(crate) path: Vec<(&'static str, String)>,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: &'a http::HeaderMap,
    pub(crate) body: &'a [u8],
}

impl Incoming<'_> {
    /// Path parameter `name` decodes as `T`.
    pub fn path<T: DeserializeOwned>(&self, name: &str) -> Result<(), Invalid> {
        let value = self
            .path
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str());
        check::<T>("path parameter", name, value, true)
    }

    /// Query parameter `name` decodes as `T` (and is there, if required).
    pub fn query<T: DeserializeOwned>(&self, name: &str, required: bool) -> Result<(), Invalid> {
        let value = self
            .query
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str());
        check::<T>("query parameter", name, value, required)
    }

    /// Header `name` decodes as `T` (and is there, if required).
    pub fn header<T: DeserializeOwned>(&self, name: &str, required: bool) -> Result<(), Invalid> {
        let value = match self.headers.get(name) {
            None => None,
            Some(v) => Some(
                v.to_str()
                    .map_err(|_| Invalid(format!("header {name}: not visible ASCII")))?,
            ),
        };
        check::<T>("header", name, value, required)
    }

    /// The JSON body decodes as `T` (and is there, if required): the error
    /// names the field (`body.link_type: unknown variant …`).
    pub fn json_body<T: DeserializeOwned>(&self, required: bool) -> Result<(), Invalid> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return match required {
                true => Err(Invalid("body: missing (the operation requires one)".into())),
                false => Ok(()),
            };
        }
        let mut de = serde_json::Deserializer::from_slice(self.body);
        serde_path_to_error::deserialize::<_, T>(&mut de)
            .map(drop)
            .map_err(|e| {
                let field = e.path().to_string();
                match field.as_str() {
                    "." => Invalid(format!("body: {}", e.inner())),
                    _ => Invalid(format!("body.{field}: {}", e.inner())),
                }
            })
    }
}

/// A parameter's text decodes as `T`: as a JSON string (strings, enums,
/// dates), else as the JSON it spells (numbers, booleans) — what the client
/// writes. Both through `serde_json::Value`, so each parameter type is
/// decoded by one deserializer (the mock's compile cost follows the types).
fn check<T: DeserializeOwned>(
    kind: &str,
    name: &str,
    text: Option<&str>,
    required: bool,
) -> Result<(), Invalid> {
    let Some(text) = text else {
        return match required {
            true => Err(Invalid(format!("{kind} {name}: missing (required)"))),
            false => Ok(()),
        };
    };
    let as_string = serde_json::from_value::<T>(Value::String(text.to_owned()));
    let Err(e) = as_string else {
        return Ok(());
    };
    match serde_json::from_str::<Value>(text).map(serde_json::from_value::<T>) {
        Ok(Ok(_)) => Ok(()),
        _ => Err(Invalid(format!("{kind} {name}: {e}"))),
    }
}

/// The path parameters of `path` (after the base path) if it matches
/// `template`, percent-decoded, in template order.
pub(crate) fn match_template<'t>(template: &'t str, path: &str) -> Option<Vec<(&'t str, String)>> {
    let want: Vec<&str> = template.split('/').collect();
    let got: Vec<&str> = path.split('/').collect();
    if want.len() != got.len() {
        return None;
    }
    let mut params = Vec::new();
    for (w, g) in want.iter().zip(&got) {
        match w.strip_prefix('{').and_then(|w| w.strip_suffix('}')) {
            Some(_) if g.is_empty() => return None,
            Some(name) => {
                let value = percent_encoding::percent_decode_str(g).decode_utf8().ok()?;
                params.push((name, value.into_owned()));
            }
            None if w != g => return None,
            None => {}
        }
    }
    Some(params)
}
