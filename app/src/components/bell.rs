//! The bell in the header: how many notifications of the user's projects are unread, linking
//! to the inbox; counted again every minute in the browser.

use leptos::prelude::*;

use crate::api::unread_notifications;

/// How often the browser counts again.
const RECOUNT_SECONDS: u64 = 60;

#[island]
pub fn NotificationBell() -> impl IntoView {
    let tick = RwSignal::new(0_u32);
    let unread = Resource::new(move || tick.get(), |_| unread_notifications());
    #[cfg(feature = "hydrate")]
    crate::hydration::when_hydrated(move || {
        if let Ok(handle) =
            set_interval(move || tick.update(|t| *t += 1), std::time::Duration::from_secs(RECOUNT_SECONDS))
        {
            on_cleanup(move || handle.clear());
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = RECOUNT_SECONDS;
    let shown = move || {
        unread.get().and_then(Result::ok).map(|count| {
            let label = match count {
                0 => "Notifications: none unread".to_string(),
                1 => "Notifications: 1 unread".to_string(),
                n => format!("Notifications: {n} unread"),
            };
            let badge = if count > 99 { "99+".to_string() } else { count.to_string() };
            let (some, none) = (count > 0, count == 0);
            view! {
                <a href="/notifications" class="bell" class:has-unread=some aria-label=label.clone() title=label data-testid="bell">
                    <svg class="bell-icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
                        <path d="M12 3a5 5 0 0 0-5 5v4l-2 3h14l-2-3V8a5 5 0 0 0-5-5z" />
                        <path d="M10 18a2 2 0 0 0 4 0" />
                    </svg>
                    <span class="bell-count" aria-hidden="true" class:hidden=none>{badge}</span>
                </a>
            }
        })
    };
    view! { <Transition fallback=|| ()>{shown}</Transition> }
}
