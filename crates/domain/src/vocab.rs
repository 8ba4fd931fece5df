//! `vocabulary!`: an enum whose values are words, written once: the
//! variants with their words, `ALL`, `as_str` and `parse`. The stored ones
//! (`stored;`) are also their columns' types, the migrations' CHECK lists
//! hold the same words, and a test compares them; the app declares its own
//! unstored words with it too (error codes, WeChat's answers).

/// Declares a text enum: `Variant = "word"` for each value.
///
/// Written `vocabulary! { stored; … }` (the domain's stored enums), the
/// enum is also a sea-orm `ActiveEnum` stored as text when the domain's
/// `sea-orm` feature is on (the `entity` crate turns it on), so a database
/// column has it as its type. Without `stored;` (the app's own words: error
/// codes, WeChat's answers) it is a plain enum.
#[macro_export]
macro_rules! vocabulary {
    (
        stored;
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $word:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[cfg_attr(
            feature = "sea-orm",
            derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum),
            sea_orm(rs_type = "String", db_type = "Text")
        )]
        $vis enum $name {
            $( $(#[$vmeta])* #[cfg_attr(feature = "sea-orm", sea_orm(string_value = $word))] $variant ),+
        }
        $crate::vocabulary!(@impl $name { $( $variant = $word ),+ });
    };
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $word:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant ),+
        }
        $crate::vocabulary!(@impl $name { $( $variant = $word ),+ });
    };
    (@impl $name:ident { $( $variant:ident = $word:literal ),+ }) => {
        impl $name {
            /// Every value, in declaration order.
            pub const ALL: [$name; [$(stringify!($variant)),+].len()] = [$( $name::$variant ),+];

            /// The word (as stored, and as the API writes it).
            pub const fn as_str(self) -> &'static str {
                match self {
                    $( $name::$variant => $word ),+
                }
            }

            /// The value of a word; none for a word the code does not know.
            pub fn parse(s: &str) -> Option<Self> {
                match s {
                    $( $word => Some($name::$variant), )+
                    _ => None,
                }
            }
        }
    };
}
