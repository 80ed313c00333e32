//! The signed-in user in the header: who, "local mode" when there is no identity provider, and
//! sign-out.

use leptos::prelude::*;
use model::access::User;

use crate::error::AppError;

/// The signed-in user, loaded once per page and shared by the header and the pages.
#[derive(Clone, Copy)]
pub struct CurrentUser(pub Resource<Result<User, AppError>>);

/// The resource holding the signed-in user.
pub fn current_user() -> CurrentUser {
    expect_context::<CurrentUser>()
}

/// Loads the signed-in user: on the server straight from the request (the sign-in gate put it
/// there), in the browser through the `current_user` server function.
pub fn load_current_user() -> CurrentUser {
    #[cfg(feature = "ssr")]
    let known = crate::api::port::caller().map(|caller| caller.user);
    CurrentUser(Resource::new(
        || (),
        move |_| {
            #[cfg(feature = "ssr")]
            let answer = {
                let known = known.clone();
                async move { known }
            };
            #[cfg(not(feature = "ssr"))]
            let answer = crate::api::current_user();
            answer
        },
    ))
}

/// `show` with the signed-in user, where a page needs them before it renders an island: the
/// server knows them at once (this runs only there), so the island is not inside a `<Suspense>`
/// (whose later rendering would leave its resources out of the page's hydration data). Nothing
/// for a visitor not signed in.
pub fn with_user<V: IntoView + 'static>(show: impl Fn(User) -> V + Send + Sync + 'static) -> AnyView {
    #[cfg(feature = "ssr")]
    return crate::api::port::caller().ok().map(|caller| show(caller.user)).into_any();
    #[cfg(not(feature = "ssr"))]
    {
        let _ = show;
        ().into_any()
    }
}

/// Sign-out as a form, so it is a same-origin POST and works before the page is interactive.
#[component]
pub fn SignOutButton() -> impl IntoView {
    view! {
        <form class="sign-out" method="post" action="/auth/logout">
            <button type="submit" class="button secondary">
                "Sign out"
            </button>
        </form>
    }
}

/// The projects the user has a role in; choosing one opens its clusters. Works without scripts
/// too: the form goes to `/clusters?project=…`.
#[component]
pub fn ProjectSwitcher() -> impl IntoView {
    let user = current_user().0;
    let query = leptos_router::hooks::use_query_map();
    view! {
        <Suspense fallback=|| ()>
            {move || {
                user.get()
                    .and_then(Result::ok)
                    .filter(|user| user.memberships.len() > 1)
                    .map(move |user| {
                        let current = query.read().get("project");
                        let selected = crate::pages::project_of(&user, current.as_deref()).map(|p| p.0);
                        let projects =
                            user.memberships.iter().map(|m| (m.project_id.clone(), m.project_name.clone())).collect();
                        view! {
                            <form class="project-switcher" method="get" action="/clusters">
                                <label for="project-switcher">"Project"</label>
                                <ProjectChoice projects selected />
                                <noscript>
                                    <button type="submit" class="button secondary">"Open"</button>
                                </noscript>
                            </form>
                        }
                    })
            }}
        </Suspense>
    }
}

/// The switcher's list of `projects` (id, name), `selected` chosen; a choice opens the project.
#[island]
fn ProjectChoice(projects: Vec<(String, String)>, selected: Option<String>) -> impl IntoView {
    let open = crate::components::browser::navigator();
    let options = projects
        .into_iter()
        .map(|(id, name)| {
            let chosen = selected.as_deref() == Some(id.as_str());
            view! { <option value=id selected=chosen>{name}</option> }
        })
        .collect_view();
    view! {
        <select
            id="project-switcher"
            name="project"
            on:change=move |event| open(&format!("/clusters?project={}", event_target_value(&event)))
        >
            {options}
        </select>
    }
}

#[component]
pub fn UserMenu() -> impl IntoView {
    let user = current_user().0;
    view! {
        <Suspense fallback=|| ()>
            {move || {
                user.get()
                    .and_then(Result::ok)
                    .map(|user| {
                        let badge = user
                            .local_mode
                            .then(|| {
                                view! {
                                    <span class="badge" title="No identity provider is configured: everyone here is the local admin.">
                                        "local mode"
                                    </span>
                                }
                            });
                        let sign_out = (!user.local_mode).then(|| view! { <SignOutButton /> });
                        view! {
                            <div class="user-menu">
                                {badge}
                                <span class="user-name" data-testid="user-name">
                                    {user.username.clone()}
                                </span>
                                <a href="/tokens" class="user-tokens">"API tokens"</a>
                                {sign_out}
                            </div>
                        }
                    })
            }}
        </Suspense>
    }
}
