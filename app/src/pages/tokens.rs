//! Personal API tokens: create one (name, project, a role up to one's own, a lifetime), see its
//! secret once, list one's tokens with their last use, revoke them; admins also see and revoke
//! the tokens of their projects' other members.

use leptos::prelude::*;
use leptos_meta::Title;
use model::access::{Role, User};
use model::token::{CreatedToken, OFFERED_DAYS, TokenRequest, TokenView, TokensView};
use model::validation::FieldErrors;

use crate::api::{create_token, revoke_token, tokens};
use crate::components::outcome::{ErrorMessage, caught};
use crate::components::secret_once::SecretOnce;
use crate::components::user_menu::load_current_user;
use crate::error::AppError;
use crate::pages::wizard::message_at;

#[component]
pub fn TokensPage() -> impl IntoView {
    view! {
        <Title text="API tokens" />
        <section class="page">
            <h1>"API tokens"</h1>
            <p class="lead">
                "A token lets a script call the console's API as you, with the role you give it (at most your own). Send it as "
                <code>"Authorization: Bearer …"</code> "; see the " <a href="/docs/api" rel="external">"API reference"</a> "."
            </p>
            <UserTokens />
        </section>
    }
}

/// The tokens the user may see, the one just created and the form for another.
#[cfg_attr(island = "UserTokens", island)]
#[cfg_attr(not(island = "UserTokens"), component)]
fn UserTokens() -> impl IntoView {
    let user = load_current_user().0;
    let version = RwSignal::new(0_u32);
    let data = Resource::new(move || version.get(), |_| tokens());
    // Kept above the list, which is read again after each change.
    let created = RwSignal::new(None::<CreatedToken>);
    view! {
            {move || {
                created.get().map(|token| {
                    view! {
                        <SecretOnce
                            testid="new-token"
                            title=format!("Token {} created.", token.token.name)
                            note=" Copy it now: it is not shown again, and the console keeps only a hash of it."
                            secret=token.secret
                        />
                    }
                })
            }}
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                <ErrorBoundary fallback=caught>
                    {move || Suspend::new(async move {
                        let user = user.await?;
                        let view = data.await?;
                        Ok::<_, AppError>(view! { <Tokens user view version created /> })
                    })}
                </ErrorBoundary>
            </Suspense>
    }
}

#[component]
fn Tokens(
    user: User,
    view: TokensView,
    version: RwSignal<u32>,
    created: RwSignal<Option<CreatedToken>>,
) -> impl IntoView {
    let TokensView { own, administered, never_expiring_projects } = view;
    let others = (!administered.is_empty()).then(|| {
        view! {
            <h2>"Other members' tokens"</h2>
            <p class="muted">"Tokens of the projects you administer."</p>
            <TokenTable tokens=administered show_user=true version />
        }
    });
    let own_list = match own.is_empty() {
        true => view! { <p class="empty">"You have no token yet."</p> }.into_any(),
        false => view! { <TokenTable tokens=own show_user=false version /> }.into_any(),
    };
    view! {
        <NewToken user never=never_expiring_projects version created />
        <h2>"Your tokens"</h2>
        {own_list}
        {others}
    }
}

/// The creation form; the new token goes to `created`.
#[component]
fn NewToken(
    user: User,
    never: Vec<String>,
    version: RwSignal<u32>,
    created: RwSignal<Option<CreatedToken>>,
) -> impl IntoView {
    let memberships = user.memberships.clone();
    let first = memberships.first().map(|m| m.project_id.clone()).unwrap_or_default();
    let name = RwSignal::new(String::new());
    let project = RwSignal::new(first);
    let role = RwSignal::new(Role::Viewer);
    let days = RwSignal::new(Some(90_u32));
    let create = Action::new(move |request: &TokenRequest| create_token(request.clone()));
    Effect::new(move |_| {
        if let Some(Ok(token)) = create.value().get() {
            created.set(Some(token));
            name.set(String::new());
            version.update(|v| *v += 1);
        }
    });
    let own_role = {
        let memberships = memberships.clone();
        move || memberships.iter().find(|m| m.project_id == project.get()).map(|m| m.role)
    };
    let may_never = {
        let never = never.clone();
        move || never.contains(&project.get())
    };
    let errors = Memo::new(move |_| match create.value().get() {
        Some(Err(AppError::Invalid { errors })) => errors,
        _ => FieldErrors::new(),
    });
    let error_at = move |field: &'static str| move || errors.with(|e| message_at(e, field));
    let other_failure = move || match create.value().get() {
        Some(Err(AppError::Invalid { .. })) | None | Some(Ok(_)) => None,
        Some(Err(error)) => Some(view! { <ErrorMessage error /> }),
    };
    let project_options = memberships
        .iter()
        .map(|m| view! { <option value=m.project_id.clone()>{m.project_name.clone()}</option> })
        .collect_view();
    let role_options = {
        let own_role = own_role.clone();
        move || {
            let own = own_role();
            Role::ALL
                .into_iter()
                .filter(|r| own.is_some_and(|own| own.allows(*r)))
                .map(|r| view! { <option value=r.as_str() selected=move || role.get() == r>{r.label()}</option> })
                .collect_view()
        }
    };
    // A project change keeps the role within the new project's bounds.
    Effect::new(move |_| {
        if let Some(own) = own_role()
            && !own.allows(role.get_untracked())
        {
            role.set(own);
        }
    });
    let day_options = move || {
        let mut options: Vec<_> = OFFERED_DAYS
            .iter()
            .map(|d| {
                let d = *d;
                view! { <option value=d.to_string() selected=move || days.get() == Some(d)>{format!("{d} days")}</option> }
                    .into_any()
            })
            .collect();
        if may_never() {
            options.push(
                view! { <option value="never" selected=move || days.get().is_none()>"Never"</option> }
                    .into_any(),
            );
        }
        options
    };
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        create.dispatch(TokenRequest {
            name: name.get_untracked(),
            project_id: project.get_untracked(),
            role: role.get_untracked(),
            expires_in_days: days.get_untracked(),
        });
    };
    view! {
        <form class="card token-form" on:submit=submit>
            <h2>"New token"</h2>
            <div class="field">
                <label for="token-name">"Name"</label>
                <input
                    id="token-name"
                    type="text"
                    maxlength="64"
                    placeholder="ci-deploy"
                    prop:value=move || name.get()
                    on:input=move |e| name.set(event_target_value(&e))
                    aria-describedby="token-name-error"
                />
                <p class="field-error" id="token-name-error" role="alert">{error_at("name")}</p>
            </div>
            <div class="field">
                <label for="token-project">"Project"</label>
                <select id="token-project" on:change=move |e| project.set(event_target_value(&e))>
                    {project_options}
                </select>
                <p class="field-error" role="alert">{error_at("projectId")}</p>
            </div>
            <div class="field">
                <label for="token-role">"Role"</label>
                <select id="token-role" on:change=move |e| role.set(Role::parse(&event_target_value(&e)).unwrap_or(Role::Viewer))>
                    {role_options}
                </select>
                <p class="field-error" role="alert">{error_at("role")}</p>
            </div>
            <div class="field">
                <label for="token-expiry">"Expires after"</label>
                <select
                    id="token-expiry"
                    on:change=move |e| days.set(event_target_value(&e).parse().ok())
                >
                    {day_options}
                </select>
                <p class="field-error" role="alert">{error_at("expiresInDays")}</p>
            </div>
            <button type="submit" class="button" disabled=move || create.pending().get()>
                "Create token"
            </button>
            {other_failure}
        </form>
    }
}

#[component]
fn TokenTable(tokens: Vec<TokenView>, show_user: bool, version: RwSignal<u32>) -> impl IntoView {
    let rows = tokens.into_iter().map(|token| view! { <TokenRow token show_user version /> }).collect_view();
    view! {
        <div class="table-scroll">
            <table class="list tokens">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col" hidden=!show_user>"User"</th>
                        <th scope="col">"Project"</th>
                        <th scope="col">"Role"</th>
                        <th scope="col">"Created"</th>
                        <th scope="col">"Expires"</th>
                        <th scope="col">"Last used"</th>
                        <th scope="col">"Status"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

#[component]
fn TokenRow(token: TokenView, show_user: bool, version: RwSignal<u32>) -> impl IntoView {
    let asked = RwSignal::new(false);
    let id = StoredValue::new(token.id.clone());
    let revoke = Action::new(move |_: &()| revoke_token(id.get_value()));
    Effect::new(move |_| {
        if let Some(Ok(_)) = revoke.value().get() {
            asked.set(false);
            version.update(|v| *v += 1);
        }
    });
    let day = |time: &Option<String>| {
        time.as_deref().map_or("—".to_string(), |t| t.replace('T', " ").replace('Z', " UTC"))
    };
    let status = match &token.revoked_at {
        Some(_) => view! { <span class="badge">"revoked"</span> }.into_any(),
        None => {
            let name = token.name.clone();
            let question = format!("Revoke {name}? Scripts using it stop working at once.");
            view! {
                <button type="button" class="button secondary danger" on:click=move |_| asked.set(true) disabled=move || asked.get()>
                    "Revoke…"
                </button>
                {move || asked.get().then(|| view! {
                    <div class="confirm" role="alertdialog" aria-label="Confirm revocation">
                        <p>{question.clone()}</p>
                        <div class="confirm-buttons">
                            <button type="button" class="button danger" disabled=move || revoke.pending().get() on:click=move |_| {
                                revoke.dispatch(());
                            }>"Revoke token"</button>
                            <button type="button" class="button secondary" on:click=move |_| asked.set(false)>"Cancel"</button>
                        </div>
                    </div>
                })}
                {move || match revoke.value().get() {
                    Some(Err(error)) => Some(view! { <ErrorMessage error inline=true /> }),
                    _ => None,
                }}
            }
            .into_any()
        }
    };
    view! {
        <tr>
            <td>{token.name.clone()} " " <code class="muted">{token.hint.clone()}</code></td>
            <td hidden=!show_user>{token.username.clone()}</td>
            <td>{token.project_id.clone()}</td>
            <td>{token.role.label()}</td>
            <td>{day(&Some(token.created_at.clone()))}</td>
            <td>{token.expires_at.as_ref().map_or("never".to_string(), |_| day(&token.expires_at))}</td>
            <td>{day(&token.last_used_at)}</td>
            <td>{status}</td>
        </tr>
    }
}
