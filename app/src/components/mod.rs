//! Components shared by several pages.

pub mod bell;
pub mod browser;
pub mod copyable;
pub mod freshness;
pub mod live;
pub mod metadata_text;
pub mod outcome;
pub mod secret_once;
pub mod theme;
pub mod timeline;
pub mod user_menu;
