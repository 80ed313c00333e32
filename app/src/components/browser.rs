//! The few browser facilities pages use: this browser's storage, random keys, the clipboard,
//! moving to another page. On the server each does nothing (there is no browser there).

/// The text saved under `key` in this browser's `localStorage`.
pub fn load(key: &str) -> Option<String> {
    #[cfg(feature = "hydrate")]
    return storage()?.get_item(key).ok().flatten();
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = key;
        None
    }
}

/// Saves `value` under `key`, or forgets the key when `value` is `None`.
pub fn save(key: &str, value: Option<&str>) {
    #[cfg(feature = "hydrate")]
    if let Some(storage) = storage() {
        let _ = match value {
            Some(value) => storage.set_item(key, value),
            None => storage.remove_item(key),
        };
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (key, value);
}

/// A random UUID from the browser's cryptographic generator (empty on the server).
pub fn random_key() -> String {
    #[cfg(feature = "hydrate")]
    return web_sys::window().and_then(|w| w.crypto().ok()).map(|c| c.random_uuid()).unwrap_or_default();
    #[cfg(not(feature = "hydrate"))]
    String::new()
}

/// Puts `text` on the clipboard.
pub fn copy(text: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(window) = web_sys::window() {
        let _ = window.navigator().clipboard().write_text(text);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = text;
}

/// What opens another page of the console from code: a page load (there is no router in the
/// browser, see `islands`).
pub fn navigator() -> impl Fn(&str) + Clone + 'static {
    |url: &str| {
        #[cfg(feature = "hydrate")]
        if let Some(window) = web_sys::window() {
            let _ = window.location().assign(url);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = url;
    }
}

#[cfg(feature = "hydrate")]
fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}
