//! Macros the generated code invokes instead of repeating per-type
//! boilerplate: typify's string-enum conversions (`emit/compact/` in
//! `kombo-codegen` checks typify's shape before it substitutes the macro, so
//! a generator bump that changes it fails generation instead of changing
//! behaviour) and the builders of request types.

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
    ($name:ident, [$($value:literal),* $(,)?]) => {
        impl $name {
            /// The values the spec lists, as sent on the wire.
            pub const VALUES: &'static [&'static str] = &[$($value),*];
        }
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                $crate::__private::display_plain(self, f)
            }
        }
        impl ::std::str::FromStr for $name {
            type Err = self::error::ConversionError;
            fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
                $crate::__private::serde_plain::from_str(value)
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

/// The builder of a struct type a request reaches (`types::builder::X`): a
/// setter per field taking anything `TryInto` the field's type, filled into
/// one [`Fields`](crate::__private::Fields) map under the field's wire name
/// and decoded into `X` when built — serde applies the spec's defaults and
/// names a missing required field. `From<X>` starts from a whole value.
///
/// Invoked inside a generated `types::builder` module (`super` is `types`).
#[doc(hidden)]
#[macro_export]
macro_rules! __kombo_fields_builder {
    ($name:ident { $($(#[doc = $doc:expr])* $field:ident : $ty:ty = $wire:literal),* $(,)? }) => {
        #[doc = concat!("Builds a [`", stringify!($name), "`](super::", stringify!($name), ") field by field.")]
        #[derive(Clone, Debug, Default)]
        #[must_use]
        pub struct $name($crate::__private::Fields);
        impl $name {
            $(
                $(#[doc = $doc])*
                pub fn $field<T>(mut self, value: T) -> Self
                where
                    T: ::std::convert::TryInto<$ty>,
                    T::Error: ::std::fmt::Display,
                {
                    self.0.set::<$ty, T::Error>($wire, value.try_into());
                    self
                }
            )*
            /// A builder that fails with `error` when built.
            #[doc(hidden)]
            pub fn invalid(error: impl ::std::fmt::Display) -> Self {
                Self($crate::__private::Fields::invalid(error))
            }
        }
        impl ::std::convert::TryFrom<$name> for super::$name {
            type Error = super::error::ConversionError;
            fn try_from(value: $name) -> ::std::result::Result<Self, super::error::ConversionError> {
                value.0.build().map_err(::std::convert::Into::into)
            }
        }
        impl ::std::convert::From<super::$name> for $name {
            fn from(value: super::$name) -> Self {
                Self($crate::__private::Fields::of(&value))
            }
        }
        impl super::$name {
            /// A builder for this type.
            pub fn builder() -> $name {
                ::std::default::Default::default()
            }
        }
    };
}

pub use crate::__kombo_error_codes as error_codes;
pub use crate::__kombo_fields_builder as fields_builder;
pub use crate::__kombo_string_enum as string_enum;
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
