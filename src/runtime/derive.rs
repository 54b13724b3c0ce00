//! Serde impls for the two shapes typify writes most: structs of named
//! fields and enums of strings. serde's derive expands to ~200 lines per
//! struct (a field enum, three identifier visitors, a sequence visitor a
//! JSON API never uses) and more per open string enum (the value buffered,
//! then each variant tried); on Kombo's whole API that was most of what
//! rustc expanded, borrow-checked and kept in memory (BENCHMARKS.md).
//! `emit/compact/` in `kombo-codegen` checks each type is in a shape these
//! macros handle exactly — otherwise serde's derive stays — and invokes them
//! instead: per type a match over field indices, the rest written once here.
//!
//! The decoded values, the accepted inputs and the error messages are
//! serde's (`missing field`, `duplicate field`, `unknown variant`), except
//! that a struct no longer decodes from a JSON array of its fields.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};

/// Looks a map key up in a struct's wire names: its index, or `None` for a
/// key the struct does not know (skipped, as serde's derive does).
pub struct FieldKey(pub &'static [&'static str]);

impl<'de> DeserializeSeed<'de> for FieldKey {
    type Value = Option<usize>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<usize>, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for FieldKey {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("field identifier")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Option<usize>, E> {
        Ok(self.0.iter().position(|name| *name == key))
    }

    fn visit_bytes<E: de::Error>(self, key: &[u8]) -> Result<Option<usize>, E> {
        Ok(self.0.iter().position(|name| name.as_bytes() == key))
    }
}

/// Reads the value of a field the map has into its slot; a second
/// occurrence of the field is an error, as with serde's derive.
pub fn field<'de, A, T>(
    map: &mut A,
    slot: &mut Option<T>,
    name: &'static str,
) -> Result<(), A::Error>
where
    A: MapAccess<'de>,
    T: de::Deserialize<'de>,
{
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// Skips the value of a key the struct does not know.
pub fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>().map(drop)
}

/// The value of a field the map lacked: `None` for an `Option`, otherwise
/// `missing field` naming it — what serde's derive does.
pub fn missing<'de, T, E>(slot: Option<T>, name: &'static str) -> Result<T, E>
where
    T: de::Deserialize<'de>,
    E: de::Error,
{
    match slot {
        Some(value) => Ok(value),
        None => T::deserialize(Missing(name, PhantomData)),
    }
}

/// A deserializer for a field that is not there: an `Option` reads `None`
/// from it, anything else fails naming the field.
struct Missing<E>(&'static str, PhantomData<E>);

impl<'de, E: de::Error> Deserializer<'de> for Missing<E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, E> {
        Err(E::missing_field(self.0))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_none()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

/// Decodes a string enum: `known` maps a value the spec lists to its
/// variant; any other string goes to `open` (an open enum's catch-all) or,
/// without one, is serde's `unknown variant` error listing `values`.
pub fn string_value<'de, D, T>(
    deserializer: D,
    known: fn(&str) -> Option<T>,
    open: Option<fn(String) -> T>,
    values: &'static [&'static str],
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    deserializer.deserialize_str(StringValue {
        known,
        open,
        values,
    })
}

struct StringValue<T> {
    known: fn(&str) -> Option<T>,
    open: Option<fn(String) -> T>,
    values: &'static [&'static str],
}

impl<'de, T> Visitor<'de> for StringValue<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<T, E> {
        match ((self.known)(value), self.open) {
            (Some(known), _) => Ok(known),
            (None, Some(open)) => Ok(open(value.to_owned())),
            (None, None) => Err(E::unknown_variant(value, self.values)),
        }
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<T, E> {
        match ((self.known)(&value), self.open) {
            (Some(known), _) => Ok(known),
            (None, Some(open)) => Ok(open(value)),
            (None, None) => Err(E::unknown_variant(&value, self.values)),
        }
    }
}

/// Parses a string enum's value as [`string_value`] decodes it.
pub fn parse_value<T>(
    value: &str,
    known: fn(&str) -> Option<T>,
    open: Option<fn(String) -> T>,
    values: &[&str],
) -> Result<T, String> {
    match (known(value), open) {
        (Some(known), _) => Ok(known),
        (None, Some(open)) => Ok(open(value.to_owned())),
        (None, None) => Err(unknown_value(value, values)),
    }
}

/// The error of a string no value of a closed enum has, worded as serde's
/// `unknown variant` so parsing and decoding say the same.
pub fn unknown_value(value: &str, values: &[&str]) -> String {
    let expected: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
    match expected.as_slice() {
        [] => format!("unknown variant `{value}`, there are no variants"),
        [one] => format!("unknown variant `{value}`, expected {one}"),
        _ => format!(
            "unknown variant `{value}`, expected one of {}",
            expected.join(", ")
        ),
    }
}

/// `Deserialize` for a struct of named fields: the struct's name, then per
/// field its index, name, wire name and, for a field with a default, the
/// function giving it (`= path`). Unknown keys are skipped.
#[doc(hidden)]
#[macro_export]
macro_rules! __kombo_deserialize_struct {
    ($name:ident { $($index:literal $field:ident : $wire:literal $(= $default:path)?),* $(,)? }) => {
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
            where
                D: ::serde::Deserializer<'de>,
            {
                const FIELDS: &[&str] = &[$($wire),*];
                struct Visit;
                impl<'de> ::serde::de::Visitor<'de> for Visit {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(concat!("struct ", stringify!($name)))
                    }
                    fn visit_map<A>(self, mut map: A) -> ::std::result::Result<$name, A::Error>
                    where
                        A: ::serde::de::MapAccess<'de>,
                    {
                        $(let mut $field = ::std::option::Option::None;)*
                        while let ::std::option::Option::Some(key) =
                            map.next_key_seed($crate::__private::FieldKey(FIELDS))?
                        {
                            match key {
                                $(::std::option::Option::Some($index) => {
                                    $crate::__private::field(&mut map, &mut $field, $wire)?
                                })*
                                _ => $crate::__private::skip(&mut map)?,
                            }
                        }
                        ::std::result::Result::Ok($name {
                            $($field: $crate::__kombo_field_value!($field, $wire $(, $default)?),)*
                        })
                    }
                }
                deserializer.deserialize_struct(stringify!($name), FIELDS, Visit)
            }
        }
    };
}

/// A decoded field's value, or what a missing one becomes.
#[doc(hidden)]
#[macro_export]
macro_rules! __kombo_field_value {
    ($field:ident, $wire:literal) => {
        $crate::__private::missing($field, $wire)?
    };
    ($field:ident, $wire:literal, $default:path) => {
        $field.unwrap_or_else($default)
    };
}

/// `Serialize` for a struct of named fields: per field its name, wire name
/// and, for a field left out when empty, the test (`if path`), as serde's
/// `skip_serializing_if`.
#[doc(hidden)]
#[macro_export]
macro_rules! __kombo_serialize_struct {
    ($name:ident { $($field:ident : $wire:literal $(if $skip:path)?),* $(,)? }) => {
        impl ::serde::Serialize for $name {
            fn serialize<S>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error>
            where
                S: ::serde::Serializer,
            {
                use ::serde::ser::SerializeStruct as _;
                let len = 0 $(+ $crate::__kombo_serialize_field!(@len self.$field $(, $skip)?))*;
                let mut state = serializer.serialize_struct(stringify!($name), len)?;
                $($crate::__kombo_serialize_field!(state, self.$field, $wire $(, $skip)?);)*
                state.end()
            }
        }
    };
}

/// One field of [`__kombo_serialize_struct`]: written, or skipped when its
/// test holds; `@len` counts it.
#[doc(hidden)]
#[macro_export]
macro_rules! __kombo_serialize_field {
    (@len $value:expr) => {
        1
    };
    (@len $value:expr, $skip:path) => {
        usize::from(!$skip(&$value))
    };
    ($state:ident, $value:expr, $wire:literal) => {
        $state.serialize_field($wire, &$value)?
    };
    ($state:ident, $value:expr, $wire:literal, $skip:path) => {
        if $skip(&$value) {
            $state.skip_field($wire)?
        } else {
            $state.serialize_field($wire, &$value)?
        }
    };
}

/// The serde impls, string conversions and comparisons of an enum of
/// strings: its name, each variant with its position and wire value, then
/// `open Catchall` for an enum whose other strings decode into
/// `Catchall(String)` (and serialize back unchanged), or `closed`.
/// `VALUES` lists the values the spec names. Equality, order and hash are
/// those the derives gave: by variant position, then the kept string.
///
/// Invoked inside a generated `types` module, where `self::error` is
/// typify's conversion error.
#[doc(hidden)]
#[macro_export]
macro_rules! __kombo_string_enum {
    ($name:ident, [$($index:literal $variant:ident = $value:literal),* $(,)?], open $open:ident) => {
        $crate::__kombo_string_enum!(@common $name, [$($index $variant = $value),*], $open);
    };
    ($name:ident, [$($index:literal $variant:ident = $value:literal),* $(,)?], closed) => {
        $crate::__kombo_string_enum!(@common $name, [$($index $variant = $value),*]);
    };
    (@common $name:ident, [$($index:literal $variant:ident = $value:literal),*] $(, $open:ident)?) => {
        impl $name {
            /// The values the spec lists, as sent on the wire.
            pub const VALUES: &'static [&'static str] = &[$($value),*];

            /// This value as sent on the wire.
            pub fn as_str(&self) -> &str {
                self.rank().1
            }

            fn rank(&self) -> (usize, &str) {
                match self {
                    $(Self::$variant => ($index, $value),)*
                    $(Self::$open(value) => (Self::VALUES.len(), value),)?
                }
            }

            fn known(value: &str) -> ::std::option::Option<Self> {
                match value {
                    $($value => ::std::option::Option::Some(Self::$variant),)*
                    _ => ::std::option::Option::None,
                }
            }

            const OPEN: ::std::option::Option<fn(::std::string::String) -> Self> =
                $crate::__kombo_string_enum!(@open $($open)?);
        }
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                $crate::__private::string_value(deserializer, Self::known, Self::OPEN, Self::VALUES)
            }
        }
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl ::std::str::FromStr for $name {
            type Err = self::error::ConversionError;
            fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
                $crate::__private::parse_value(value, Self::known, Self::OPEN, Self::VALUES)
                    .map_err(::std::convert::Into::into)
            }
        }
        impl ::std::convert::TryFrom<&str> for $name {
            type Error = self::error::ConversionError;
            fn try_from(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
                value.parse()
            }
        }
        impl ::std::convert::TryFrom<::std::string::String> for $name {
            type Error = self::error::ConversionError;
            fn try_from(
                value: ::std::string::String,
            ) -> ::std::result::Result<Self, self::error::ConversionError> {
                value.parse()
            }
        }
        impl ::std::cmp::PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                self.rank() == other.rank()
            }
        }
        impl ::std::cmp::Eq for $name {}
        impl ::std::cmp::PartialOrd for $name {
            fn partial_cmp(&self, other: &Self) -> ::std::option::Option<::std::cmp::Ordering> {
                ::std::option::Option::Some(::std::cmp::Ord::cmp(self, other))
            }
        }
        impl ::std::cmp::Ord for $name {
            fn cmp(&self, other: &Self) -> ::std::cmp::Ordering {
                self.rank().cmp(&other.rank())
            }
        }
        impl ::std::hash::Hash for $name {
            fn hash<H: ::std::hash::Hasher>(&self, state: &mut H) {
                self.rank().hash(state)
            }
        }
    };
    (@open $open:ident) => {
        ::std::option::Option::Some(Self::$open)
    };
    (@open) => {
        ::std::option::Option::None
    };
}

#[cfg(test)]
#[path = "derive_tests.rs"]
mod tests;
