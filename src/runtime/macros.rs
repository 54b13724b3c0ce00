//! The builders of request types, one macro the generated code invokes per
//! type instead of repeating the builder (the serde impls are in
//! `derive.rs`).

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
