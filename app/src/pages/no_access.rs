//! The page for a signed-in user whose groups give no role in any project.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::user_menu::{SignOutButton, current_user};

#[component]
pub fn NoAccessPage() -> impl IntoView {
    let user = current_user().0;
    view! {
        <Title text="No access" />
        <section class="page narrow">
            <h1>"No access"</h1>
            <Suspense fallback=|| ()>
                {move || {
                    user.get()
                        .and_then(Result::ok)
                        .map(|user| {
                            let groups = if user.groups.is_empty() {
                                "no groups".to_string()
                            } else {
                                user.groups.join(", ")
                            };
                            view! {
                                <p>
                                    "You are signed in as " <strong>{user.username.clone()}</strong>
                                    ", but none of your groups gives you a role in any project."
                                </p>
                                <p>
                                    "Your identity provider lists: " <strong data-testid="groups">{groups}</strong> "."
                                </p>
                                <p>
                                    "Ask an administrator of Pilothouse to map one of your groups to a role, then sign in again."
                                </p>
                                <SignOutButton />
                            }
                        })
                }}
            </Suspense>
        </section>
    }
}
