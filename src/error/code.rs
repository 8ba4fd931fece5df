//! Every error code the API answers with, written once in the domain
//! (`domain::ErrorCode`): the handlers name a variant, the body carries its
//! word, and the spec lists the words as the `ErrorCode` enum. Which status
//! each code comes with is in [`super::ApiError`] and the operations'
//! descriptions.

pub use domain::ErrorCode;

#[cfg(test)]
mod tests {
    use super::ErrorCode;
    use poem_openapi::types::ToJSON;

    #[test]
    fn the_body_the_spec_and_the_word_agree() {
        for c in ErrorCode::ALL {
            let word = serde_json::Value::from(c.as_str());
            assert_eq!(serde_json::to_value(c).ok(), Some(word.clone()), "{c:?}");
            assert_eq!(c.to_json(), Some(word), "{c:?}");
            assert_eq!(ErrorCode::parse(c.as_str()), Some(c));
        }
    }
}
