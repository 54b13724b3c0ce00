//! `Deserialize` for typify's unions (tagged, adjacently tagged and
//! untagged enums). serde's derive buffers a union's value in its private
//! `Content` and then expands a whole visitor per variant, generic over the
//! deserializer: ~570 lines per union, a fifth of what was left of a large
//! spec's expanded code (BENCHMARKS.md). Here the value is buffered once as
//! JSON — the only format a Kombo client reads — and each union gets one
//! non-generic decoding function over it: per variant a match arm or a try,
//! the rest written once below.
//!
//! Values, accepted inputs and error messages are serde's (`missing field`,
//! `unknown variant`, `data did not match any variant of untagged enum`),
//! except that a key given twice keeps its last value instead of failing.

use serde::de::{self, Deserialize, DeserializeOwned, Deserializer, Unexpected};
use serde_json::{Map, Value};

use super::derive::{missing, unknown_value};

/// What a union decodes from, and its error.
pub type JsonError = serde_json::Error;
/// A JSON object's members.
pub type JsonMap = Map<String, Value>;

/// Buffers a union's value.
pub fn buffer<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Value, D::Error> {
    Value::deserialize(deserializer)
}

/// The tag and the other members of an internally tagged union's object.
pub fn internal(
    value: Value,
    tag: &'static str,
    expecting: &'static str,
) -> Result<(String, JsonMap), JsonError> {
    let mut map = object(value, expecting)?;
    Ok((tag_of(map.remove(tag), tag)?, map))
}

/// The tag and the content of an adjacently tagged union's object.
pub fn adjacent(
    value: Value,
    tag: &'static str,
    content: &'static str,
    expecting: &'static str,
) -> Result<(String, Option<Value>), JsonError> {
    let mut map = object(value, expecting)?;
    Ok((tag_of(map.remove(tag), tag)?, map.remove(content)))
}

fn object(value: Value, expecting: &'static str) -> Result<JsonMap, JsonError> {
    match value {
        Value::Object(map) => Ok(map),
        other => Err(de::Error::invalid_type(unexpected(&other), &expecting)),
    }
}

fn tag_of(value: Option<Value>, tag: &'static str) -> Result<String, JsonError> {
    match value {
        Some(Value::String(name)) => Ok(name),
        Some(other) => Err(de::Error::invalid_type(
            unexpected(&other),
            &"variant identifier",
        )),
        None => Err(de::Error::missing_field(tag)),
    }
}

/// A tag no variant has, worded as serde's `unknown variant`.
pub fn unknown_variant(tag: &str, variants: &'static [&'static str]) -> JsonError {
    de::Error::custom(unknown_value(tag, variants))
}

/// The value of a struct variant's field, taken out of its object; a field
/// that is not there is `None` for an `Option`, else `missing field`.
pub fn take<T: DeserializeOwned>(map: &mut JsonMap, wire: &'static str) -> Result<T, JsonError> {
    match map.remove(wire) {
        Some(value) => T::deserialize(value),
        None => missing(None, wire),
    }
}

/// [`take`] for a field with a default.
pub fn take_or<T: DeserializeOwned>(
    map: &mut JsonMap,
    wire: &'static str,
    default: fn() -> T,
) -> Result<T, JsonError> {
    map.remove(wire)
        .map_or_else(|| Ok(default()), T::deserialize)
}

/// The value of a newtype variant of an internally tagged union: the object
/// without its tag.
pub fn rest<T: DeserializeOwned>(map: JsonMap) -> Result<T, JsonError> {
    T::deserialize(Value::Object(map))
}

/// The value of an adjacently tagged union's newtype variant.
pub fn content<T: DeserializeOwned>(
    content: Option<Value>,
    wire: &'static str,
) -> Result<T, JsonError> {
    match content {
        Some(value) => T::deserialize(value),
        None => missing(None, wire),
    }
}

/// The object an untagged union's struct variant reads its fields from.
pub fn members<'a>(value: &'a Value, expecting: &'static str) -> Result<&'a JsonMap, JsonError> {
    match value {
        Value::Object(map) => Ok(map),
        other => Err(de::Error::invalid_type(unexpected(other), &expecting)),
    }
}

/// The value of an untagged union's struct variant's field (the object is
/// kept for the next variant to try).
pub fn get<T: DeserializeOwned>(map: &JsonMap, wire: &'static str) -> Result<T, JsonError> {
    match map.get(wire) {
        Some(value) => T::deserialize(value),
        None => missing(None, wire),
    }
}

/// [`get`] for a field with a default.
pub fn get_or<T: DeserializeOwned>(
    map: &JsonMap,
    wire: &'static str,
    default: fn() -> T,
) -> Result<T, JsonError> {
    map.get(wire).map_or_else(|| Ok(default()), T::deserialize)
}

/// The value of an untagged union's newtype variant.
pub fn whole<T: DeserializeOwned>(value: &Value) -> Result<T, JsonError> {
    T::deserialize(value)
}

/// No variant of an untagged union decoded the value.
pub fn no_match(name: &'static str) -> JsonError {
    de::Error::custom(format_args!(
        "data did not match any variant of untagged enum {name}"
    ))
}

/// A tagged union's variant that is its tag alone (`{"type": "BOOLEAN"}`),
/// as serde's derive writes it.
pub fn tag_only<S: serde::Serializer>(
    serializer: S,
    name: &'static str,
    tag: &'static str,
    wire: &'static str,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeStruct as _;
    let mut state = serializer.serialize_struct(name, 1)?;
    state.serialize_field(tag, wire)?;
    state.end()
}

fn unexpected(value: &Value) -> Unexpected<'_> {
    match value {
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (Some(u), _, _) => Unexpected::Unsigned(u),
            (_, Some(i), _) => Unexpected::Signed(i),
            (_, _, Some(f)) => Unexpected::Float(f),
            _ => Unexpected::Other("number"),
        },
        Value::String(s) => Unexpected::Str(s),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    }
}

/// `Deserialize` for a union: its name, its kind — `tag "t"` (internally
/// tagged), `tag "t" content "c"` (adjacently tagged) or `untagged` — and
/// its variants: for a tagged union each with its wire name, then `Unit`,
/// `Newtype(_)` or `Struct { field: "wire" [= default], … }`; then, for a
/// tagged union whose unknown tags decode into a unit variant, `other Name`.
#[doc(hidden)]
#[macro_export]
macro_rules! __kombo_deserialize_union {
    ($name:ident, tag $tag:literal,
     [$($wire:literal $variant:ident $({$($field:ident : $fwire:literal $(= $default:path)?),* $(,)?})? $(($newtype:tt))?),* $(,)?]
     $(, other $other:ident)?) => {
        $crate::__kombo_deserialize_union!(@impl $name, value, {
            let (tag, mut map) = $crate::__private::internal(
                value, $tag, concat!("internally tagged enum ", stringify!($name)))?;
            let _ = &mut map;
            match tag.as_str() {
                $($wire => ::std::result::Result::Ok($crate::__kombo_deserialize_union!(
                    @tagged $name $variant, map $({$($field : $fwire $(= $default)?),*})? $(($newtype))?)),)*
                _ => $crate::__kombo_deserialize_union!(@other $name, tag, [$($wire),*] $(, $other)?),
            }
        });
    };
    ($name:ident, tag $tag:literal content $content:literal,
     [$($wire:literal $variant:ident $(($newtype:tt))?),* $(,)?]
     $(, other $other:ident)?) => {
        $crate::__kombo_deserialize_union!(@impl $name, value, {
            let (tag, content) = $crate::__private::adjacent(
                value, $tag, $content, concat!("adjacently tagged enum ", stringify!($name)))?;
            let _ = &content;
            match tag.as_str() {
                $($wire => ::std::result::Result::Ok($crate::__kombo_deserialize_union!(
                    @adjacent $name $variant, content, $content $(($newtype))?)),)*
                _ => $crate::__kombo_deserialize_union!(@other $name, tag, [$($wire),*] $(, $other)?),
            }
        });
    };
    ($name:ident, untagged,
     [$($variant:ident $({$($field:ident : $fwire:literal $(= $default:path)?),* $(,)?})? $(($newtype:tt))?),* $(,)?]) => {
        $crate::__kombo_deserialize_union!(@impl $name, value, {
            $(
                let attempt = || -> ::std::result::Result<$name, $crate::__private::JsonError> {
                    ::std::result::Result::Ok($crate::__kombo_deserialize_union!(
                        @untagged $name $variant, value $({$($field : $fwire $(= $default)?),*})? $(($newtype))?))
                };
                if let ::std::result::Result::Ok(decoded) = attempt() {
                    return ::std::result::Result::Ok(decoded);
                }
            )*
            ::std::result::Result::Err($crate::__private::no_match(stringify!($name)))
        });
    };
    (@impl $name:ident, $value:ident, $decode:block) => {
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
            where
                D: ::serde::Deserializer<'de>,
            {
                // Not generic: compiled once, whatever the deserializer.
                fn decode(
                    $value: $crate::__private::Value,
                ) -> ::std::result::Result<$name, $crate::__private::JsonError> $decode
                decode($crate::__private::buffer(deserializer)?).map_err(::serde::de::Error::custom)
            }
        }
    };
    (@tagged $name:ident $variant:ident, $map:ident) => { $name::$variant };
    (@tagged $name:ident $variant:ident, $map:ident ($newtype:tt)) => {
        $name::$variant($crate::__private::rest($map)?)
    };
    (@tagged $name:ident $variant:ident, $map:ident {$($field:ident : $fwire:literal $(= $default:path)?),*}) => {
        $name::$variant {
            $($field: $crate::__kombo_deserialize_union!(@field take take_or &mut $map, $fwire $(, $default)?),)*
        }
    };
    (@adjacent $name:ident $variant:ident, $content:ident, $cwire:literal) => { $name::$variant };
    (@adjacent $name:ident $variant:ident, $content:ident, $cwire:literal ($newtype:tt)) => {
        $name::$variant($crate::__private::content($content, $cwire)?)
    };
    (@untagged $name:ident $variant:ident, $value:ident ($newtype:tt)) => {
        $name::$variant($crate::__private::whole(&$value)?)
    };
    (@untagged $name:ident $variant:ident, $value:ident {$($field:ident : $fwire:literal $(= $default:path)?),*}) => {{
        let map = $crate::__private::members(&$value, concat!("struct variant ", stringify!($name), "::", stringify!($variant)))?;
        $name::$variant {
            $($field: $crate::__kombo_deserialize_union!(@field get get_or map, $fwire $(, $default)?),)*
        }
    }};
    (@field $plain:ident $or:ident $map:expr, $fwire:literal) => {
        $crate::__private::$plain($map, $fwire)?
    };
    (@field $plain:ident $or:ident $map:expr, $fwire:literal, $default:path) => {
        $crate::__private::$or($map, $fwire, $default)?
    };
    (@other $name:ident, $tag:ident, [$($wire:literal),*], $other:ident) => {
        ::std::result::Result::Ok($name::$other)
    };
    (@other $name:ident, $tag:ident, [$($wire:literal),*]) => {
        ::std::result::Result::Err($crate::__private::unknown_variant(&$tag, &[$($wire),*]))
    };
}

/// `Serialize` for a union, as serde's derive writes it: the same name and
/// kind as [`__kombo_deserialize_union`], each struct variant's fields with
/// their wire names and, for a field left out when empty, its test (`if
/// path`). A tagged union's newtype variants are not taken (serde's derive
/// serializes those).
#[doc(hidden)]
#[macro_export]
macro_rules! __kombo_serialize_union {
    ($name:ident, tag $tag:literal,
     [$($wire:literal $variant:ident $({$($field:ident : $fwire:literal $(if $skip:path)?),* $(,)?})?),* $(,)?]
     $(, other $other:ident)?) => {
        $crate::__kombo_serialize_union!(@impl $name, self, serializer, {
                match self {
                    $($crate::__kombo_serialize_union!(@pattern $name $variant $({$($field),*})?) => {
                        let len = 1 $($(+ $crate::__kombo_serialize_union!(@len $field $(, $skip)?))*)?;
                        let mut state = serializer.serialize_struct(stringify!($name), len)?;
                        state.serialize_field($tag, $wire)?;
                        $($($crate::__kombo_serialize_union!(@field state, $field, $fwire $(, $skip)?);)*)?
                        state.end()
                    })*
                    $($name::$other => {
                        $crate::__private::tag_only(serializer, stringify!($name), $tag, stringify!($other))
                    })?
                }
        });
    };
    ($name:ident, tag $tag:literal content $content:literal,
     [$($wire:literal $variant:ident $(($newtype:tt))?),* $(,)?]
     $(, other $other:ident)?) => {
        $crate::__kombo_serialize_union!(@impl $name, self, serializer, {
                match self {
                    $($name::$variant $(($crate::__kombo_serialize_union!(@bind value $newtype)))? => {
                        let len = 1 $(+ $crate::__kombo_serialize_union!(@one $newtype))?;
                        let mut state = serializer.serialize_struct(stringify!($name), len)?;
                        state.serialize_field($tag, $wire)?;
                        $(state.serialize_field($content, $crate::__kombo_serialize_union!(@bind value $newtype))?;)?
                        state.end()
                    })*
                    $($name::$other => {
                        $crate::__private::tag_only(serializer, stringify!($name), $tag, stringify!($other))
                    })?
                }
        });
    };
    ($name:ident, untagged,
     [$($variant:ident $({$($field:ident : $fwire:literal $(if $skip:path)?),* $(,)?})? $(($newtype:tt))?),* $(,)?]) => {
        $crate::__kombo_serialize_union!(@impl $name, self, serializer, {
                match self {
                    $($crate::__kombo_serialize_union!(@pattern $name $variant $({$($field),*})? $((value $newtype))?) =>
                        $crate::__kombo_serialize_union!(@untagged $variant, serializer
                            $({$($field : $fwire $(if $skip)?),*})? $((value $newtype))?),)*
                }
        });
    };
    (@impl $name:ident, $self:ident, $serializer:ident, $body:block) => {
        impl ::serde::Serialize for $name {
            fn serialize<S>(&$self, $serializer: S) -> ::std::result::Result<S::Ok, S::Error>
            where
                S: ::serde::Serializer,
            {
                #[allow(unused_imports)]
                use ::serde::ser::SerializeStruct as _;
                $body
            }
        }
    };
    (@pattern $name:ident $variant:ident) => { $name::$variant };
    (@pattern $name:ident $variant:ident {$($field:ident),*}) => { $name::$variant { $($field),* } };
    (@pattern $name:ident $variant:ident ($value:ident _)) => { $name::$variant($value) };
    (@bind $value:ident _) => { $value };
    (@one _) => { 1 };
    (@len $field:ident) => { 1 };
    (@len $field:ident, $skip:path) => { usize::from(!$skip($field)) };
    (@field $state:ident, $field:ident, $fwire:literal) => {
        $state.serialize_field($fwire, $field)?
    };
    (@field $state:ident, $field:ident, $fwire:literal, $skip:path) => {
        if $skip($field) {
            $state.skip_field($fwire)?
        } else {
            $state.serialize_field($fwire, $field)?
        }
    };
    (@untagged $variant:ident, $serializer:ident ($value:ident _)) => {
        ::serde::Serialize::serialize($value, $serializer)
    };
    (@untagged $variant:ident, $serializer:ident {$($field:ident : $fwire:literal $(if $skip:path)?),*}) => {{
        let len = 0 $(+ $crate::__kombo_serialize_union!(@len $field $(, $skip)?))*;
        let mut state = $serializer.serialize_struct(stringify!($variant), len)?;
        $($crate::__kombo_serialize_union!(@field state, $field, $fwire $(, $skip)?);)*
        state.end()
    }};
}

#[cfg(test)]
#[path = "unions_tests.rs"]
mod tests;
