//! Components shared by several pages.

pub mod theme;
pub mod user_menu;
