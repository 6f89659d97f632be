//! Lexicon.
