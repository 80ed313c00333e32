//! Components shared by several pages.

pub mod theme;
