//! Light, dark or system colour theme, remembered in the browser.
//!
//! The choice lives in `localStorage` and is applied as `data-theme` on `<html>`; the stylesheet
//! follows the operating system's preference when the attribute is absent. A tiny inline script
//! in the document head applies the saved choice before the first paint.

use leptos::prelude::*;

/// Runs in `<head>` before anything is painted; must stay in step with `browser::STORAGE_KEY`.
pub const THEME_BOOT_SCRIPT: &str = "try{var t=localStorage.getItem('pilothouse-theme');\
if(t==='light'||t==='dark'){document.documentElement.setAttribute('data-theme',t)}}catch(e){}";

/// A colour theme choice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    /// Follow the operating system's light or dark preference.
    System,
    Light,
    Dark,
}

impl Theme {
    const ALL: [Theme; 3] = [Theme::System, Theme::Light, Theme::Dark];

    fn label(self) -> &'static str {
        match self {
            Theme::System => "System",
            Theme::Light => "Light",
            Theme::Dark => "Dark",
        }
    }

    /// The stored value and `data-theme` attribute; `None` for the system preference.
    #[cfg_attr(not(feature = "hydrate"), expect(dead_code, reason = "only the browser applies a theme"))]
    fn attribute(self) -> Option<&'static str> {
        match self {
            Theme::System => None,
            Theme::Light => Some("light"),
            Theme::Dark => Some("dark"),
        }
    }
}

/// Three toggle buttons in the header; the pressed one is the active theme.
#[island]
pub fn ThemeSwitcher() -> impl IntoView {
    let theme = RwSignal::new(Theme::System);
    // Runs once in the browser after hydration: the server cannot know the saved choice.
    Effect::new(move |_| theme.set(browser::saved()));
    let choose = move |choice: Theme| {
        theme.set(choice);
        browser::apply(choice);
    };
    let buttons = Theme::ALL
        .into_iter()
        .map(|choice| {
            view! {
                <button
                    type="button"
                    aria-pressed=move || (theme.get() == choice).to_string()
                    on:click=move |_| choose(choice)
                >
                    {choice.label()}
                </button>
            }
        })
        .collect_view();
    view! {
        <div class="theme-switcher" role="group" aria-label="Colour theme">
            {buttons}
        </div>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::Theme;

    /// The `localStorage` key holding the chosen theme.
    const STORAGE_KEY: &str = "pilothouse-theme";

    fn storage() -> Option<web_sys::Storage> {
        web_sys::window()?.local_storage().ok().flatten()
    }

    /// The theme saved in this browser, or the system preference.
    pub fn saved() -> Theme {
        let saved = storage().and_then(|s| s.get_item(STORAGE_KEY).ok().flatten());
        Theme::ALL.into_iter().find(|t| t.attribute() == saved.as_deref()).unwrap_or(Theme::System)
    }

    /// Switches the page to `theme` and remembers it.
    pub fn apply(theme: Theme) {
        let root = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element());
        match (theme.attribute(), root) {
            (Some(value), Some(root)) => {
                let _ = root.set_attribute("data-theme", value);
            }
            (None, Some(root)) => {
                let _ = root.remove_attribute("data-theme");
            }
            _ => {}
        }
        if let Some(storage) = storage() {
            let _ = match theme.attribute() {
                Some(value) => storage.set_item(STORAGE_KEY, value),
                None => storage.remove_item(STORAGE_KEY),
            };
        }
    }
}

#[cfg(not(feature = "hydrate"))]
mod browser {
    //! On the server there is no saved choice and nothing to apply.
    use super::Theme;

    pub fn saved() -> Theme {
        Theme::System
    }

    pub fn apply(_: Theme) {}
}
