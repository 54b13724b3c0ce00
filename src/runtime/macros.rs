//! Macros the generated code invokes instead of repeating typify's per-type
//! boilerplate (`emit/compact/` in `kombo-codegen` decides where). Each
//! expansion behaves like the code typify would have written; the generator
//! checks typify's output against that before it substitutes a macro, so a
//! generator bump that changes the shape fails generation instead of changing
//! behaviour.

/// `Display`, `FromStr`, `TryFrom<&str>` and `TryFrom<String>` for an enum of
/// string values, read off its serde attributes, so the spelling of each
/// value has one home: `#[serde(rename = "…")]`. An open enum's catch-all
/// variant (`#[serde(untagged)] UnknownValue(String)`) round-trips too.
///
/// Invoked inside a generated `types` module, where `self::error` is
/// typify's conversion error.
#[doc(hidden)]
#[macro_export]
macro_rules! __kombo_string_enum {
    ($name:ident) => {
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                $crate::runtime::__private::display_plain(self, f)
            }
        }
        impl ::std::str::FromStr for $name {
            type Err = self::error::ConversionError;
            fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
                $crate::runtime::__private::serde_plain::from_str(value)
                    .map_err(|e| ::std::string::ToString::to_string(&e).into())
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
    };
}

/// typify's struct builder (`types::builder::X`): one `Result` slot per
/// field, a setter taking anything `TryInto` the field's type, and the
/// conversions to and from the built type. A field without `= default` is
/// required: building without it fails naming the field.
///
/// Invoked inside a generated `types::builder` module (`super` is `types`).
#[doc(hidden)]
#[macro_export]
macro_rules! __kombo_struct_builder {
    ($name:ident { $($field:ident : $ty:ty $(= $default:expr)?),* $(,)? }) => {
        #[derive(Clone, Debug)]
        pub struct $name {
            $($field: ::std::result::Result<$ty, ::std::string::String>,)*
        }
        impl ::std::default::Default for $name {
            fn default() -> Self {
                Self {
                    $($field: $crate::__kombo_builder_slot!($field $(= $default)?),)*
                }
            }
        }
        impl $name {
            $(
                pub fn $field<T>(mut self, value: T) -> Self
                where
                    T: ::std::convert::TryInto<$ty>,
                    T::Error: ::std::fmt::Display,
                {
                    self.$field = value.try_into().map_err(|e| {
                        ::std::format!(
                            concat!("error converting supplied value for ", stringify!($field), ": {}"),
                            e
                        )
                    });
                    self
                }
            )*
        }
        impl ::std::convert::TryFrom<$name> for super::$name {
            type Error = super::error::ConversionError;
            fn try_from(value: $name) -> ::std::result::Result<Self, super::error::ConversionError> {
                Ok(Self { $($field: value.$field?,)* })
            }
        }
        impl ::std::convert::From<super::$name> for $name {
            fn from(value: super::$name) -> Self {
                Self { $($field: Ok(value.$field),)* }
            }
        }
    };
}

/// The starting value of one builder slot: the default, or the error a
/// required field reports when it was never set.
#[doc(hidden)]
#[macro_export]
macro_rules! __kombo_builder_slot {
    ($field:ident) => {
        Err(::std::string::ToString::to_string(concat!(
            "no value supplied for ",
            stringify!($field)
        )))
    };
    ($field:ident = $default:expr) => {
        Ok($default)
    };
}

pub use crate::__kombo_string_enum as string_enum;
pub use crate::__kombo_struct_builder as struct_builder;

/// What the macros' expansions call; not for direct use.
#[doc(hidden)]
pub mod __private {
    pub use serde_plain;

    /// Writes a value's serde string form: the variant's serialized name, or
    /// the kept string of a catch-all variant.
    pub fn display_plain<T: serde::Serialize>(
        value: &T,
        f: &mut std::fmt::Formatter<'_>,
    ) -> std::fmt::Result {
        // Only string enums reach here, whose serialization cannot fail.
        let text = serde_plain::to_string(value).map_err(|_| std::fmt::Error)?;
        f.write_str(&text)
    }
}
