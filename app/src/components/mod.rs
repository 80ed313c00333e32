//! Components shared by several pages.

pub mod browser;
pub mod live;
pub mod theme;
pub mod user_menu;
