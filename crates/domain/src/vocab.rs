//! `vocabulary!`: an enum whose values are stored as text, written once:
//! the variants with their stored words, `ALL`, `as_str` and `parse`. The
//! migrations' CHECK lists hold the same words, and a test compares them.

/// Declares a stored-text enum: `Variant = "word"` for each value.
#[macro_export]
macro_rules! vocabulary {
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

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$( $name::$variant ),+];

            /// The stored word.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $( $name::$variant => $word ),+
                }
            }

            /// The value of a stored word; none for a word the code does
            /// not know.
            pub fn parse(s: &str) -> Option<Self> {
                match s {
                    $( $word => Some($name::$variant), )+
                    _ => None,
                }
            }
        }
    };
}
