//! `Region`, from the document's `servers`: one variant per server, named by
//! its description ("Kombo EU API" → `Eu`, short name `eu`), the first the
//! default, plus `Custom(Url)`. A spec update that adds a server adds a
//! region; the hand-written part (`src/region.rs`) reads the table.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::error::CodegenError;
use crate::name::{snake_case, upper_camel};

/// One server of the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Server {
    /// Short name (`eu`), as `FromStr` and the CLI take it.
    pub name: String,
    /// Base URL.
    pub url: String,
    /// The spec's description.
    pub description: String,
}

/// The servers of `doc`, named; an error names a server whose name clashes.
pub fn servers(doc: &Value) -> Result<Vec<Server>, CodegenError> {
    let mut out: Vec<Server> = Vec::new();
    for (i, server) in doc
        .get("servers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let pointer = format!("/servers/{i}");
        let url = server
            .get("url")
            .and_then(Value::as_str)
            .ok_or_else(|| CodegenError::at(&pointer, "a server without a `url`"))?
            .to_owned();
        let description = server
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let name = short_name(&description, &url);
        if name.is_empty() || name == "custom" || out.iter().any(|s| s.name == name) {
            return Err(CodegenError::at(
                pointer,
                format!(
                    "this server's region name `{name}` is empty, `custom` or taken by another server"
                ),
            ));
        }
        out.push(Server {
            name,
            url,
            description,
        });
    }
    Ok(out)
}

/// "Kombo EU API" → `eu`; without a description, the host's distinguishing
/// label (`api.us.kombo.dev` → `us`).
fn short_name(description: &str, url: &str) -> String {
    let mut core = description.trim();
    core = core.strip_prefix("Kombo ").unwrap_or(core);
    core = core.strip_suffix(" API").unwrap_or(core);
    let name = snake_case(core);
    if !name.is_empty() {
        return name;
    }
    let host = url
        .split("://")
        .nth(1)
        .unwrap_or(url)
        .split(['/', ':'])
        .next()
        .unwrap_or_default();
    let labels: Vec<&str> = host.split('.').collect();
    let middle = labels
        .iter()
        .skip(usize::from(labels.first() == Some(&"api")))
        .take(labels.len().saturating_sub(3))
        .copied()
        .collect::<Vec<_>>()
        .join("_");
    snake_case(&middle)
}

/// The `Region` enum and its table.
pub(crate) fn region(servers: &[Server], rt: &TokenStream) -> TokenStream {
    let variants: Vec<_> = servers
        .iter()
        .map(|s| format_ident!("{}", upper_camel(&s.name)))
        .collect();
    let docs = servers.iter().enumerate().map(|(i, s)| {
        let default = if i == 0 { " (the default)" } else { "" };
        format!(" {}: `{}`{default}.", s.description, s.url)
    });
    let names = servers.iter().map(|s| s.name.as_str());
    let urls = servers.iter().map(|s| s.url.as_str());
    let default = match variants.first() {
        Some(first) => quote! {
            impl ::std::default::Default for Region {
                fn default() -> Self {
                    Region::#first
                }
            }
        },
        None => quote!(),
    };
    let first = variants
        .first()
        .map_or(quote!(None), |v| quote!(Some(Region::#v)));
    quote! {
        /// Where requests go: one of the regions the spec's `servers` name, or
        /// any other base URL (a proxy, a local mock).
        #[derive(Debug, Clone, PartialEq, Eq)]
        #[non_exhaustive]
        pub enum Region {
            #(#[doc = #docs] #variants,)*
            /// A custom base URL including the `/v1` stem, e.g.
            /// `http://127.0.0.1:8080/v1` (`http://` is allowed here only).
            Custom(#rt::Url),
        }

        impl Region {
            /// The spec's regions, in its order.
            pub const ALL: &'static [Region] = &[#(Region::#variants),*];

            /// The short name (`eu`) `FromStr` takes; `None` for a custom base URL.
            pub fn name(&self) -> ::std::option::Option<&'static str> {
                match self {
                    #(Region::#variants => ::std::option::Option::Some(#names),)*
                    Region::Custom(_) => ::std::option::Option::None,
                }
            }

            /// The spec's base URL of this region; `None` for a custom one.
            pub(crate) fn server_url(&self) -> ::std::option::Option<&'static str> {
                match self {
                    #(Region::#variants => ::std::option::Option::Some(#urls),)*
                    Region::Custom(_) => ::std::option::Option::None,
                }
            }

            /// The first server of the spec.
            pub(crate) fn spec_default() -> ::std::option::Option<Region> {
                #first
            }
        }

        #default
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn servers_are_named_by_description_then_host() {
        let doc = json!({"servers": [
            {"url": "https://api.kombo.dev/v1", "description": "Kombo EU API"},
            {"url": "https://api.us.kombo.dev/v1", "description": "Kombo US API"},
            {"url": "https://api.ca.kombo.dev/v1"},
        ]});
        let names: Vec<_> = servers(&doc).unwrap().into_iter().map(|s| s.name).collect();
        assert_eq!(names, ["eu", "us", "ca"]);
        let clash = json!({"servers": [{"url": "https://a/v1", "description": "X"}, {"url": "https://b/v1", "description": "x"}]});
        assert_eq!(servers(&clash).unwrap_err().pointer, "/servers/1");
    }
}
