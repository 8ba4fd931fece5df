//! `suishoupai admin seed --cases N`: a believable year of history.
