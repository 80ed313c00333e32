//! The API server allow-list on the Access tab: who may reach the cluster's API. Admins edit the
//! list (one range per line, "add my address"), checked as typed with the model's rules, and are
//! warned before saving a list that leaves their own address out.

use std::net::Ipv4Addr;

use leptos::prelude::*;
use model::ip_restriction::{AllowList, lockout, parse_allow_list};
use model::validation::FieldErrors;

use crate::api::set_allow_list;
use crate::components::metadata_text::lines;
use crate::components::outcome::outcome;

#[component]
pub fn AllowListEditor(project: String, cluster: String, list: AllowList, may_edit: bool) -> impl IntoView {
    let current = if list.entries.is_empty() {
        "Every address can reach the API server.".to_string()
    } else {
        format!("Only {} can reach the API server.", list.entries.join(", "))
    };
    view! {
        <section class="card">
            <h2>"API server allow-list"</h2>
            <p data-testid="allow-list-current">{current}</p>
            {match may_edit {
                true => view! { <AllowListForm project cluster list /> }.into_any(),
                false => view! { <p class="muted">"Changing the allow-list needs the admin role."</p> }.into_any(),
            }}
        </section>
    }
}

/// The first problem with the list, naming its line.
fn line_error(errors: &FieldErrors) -> Option<String> {
    errors.iter().next().map(|e| {
        let line = e.field.strip_prefix("ips.").and_then(|i| i.parse::<usize>().ok()).map(|i| i + 1);
        match line {
            Some(line) => format!("Line {line}: {}", e.message),
            None => e.message.clone(),
        }
    })
}

/// The list as text (admins), checked as typed; a list that would shut the user out needs their
/// explicit consent.
#[component]
fn AllowListForm(project: String, cluster: String, list: AllowList) -> impl IntoView {
    let (project, cluster) = (StoredValue::new(project), StoredValue::new(cluster));
    let text = RwSignal::new(list.entries.join("\n"));
    let address = StoredValue::new(list.your_address.clone());
    let accepted = RwSignal::new(false);
    let entries = move || text.with(|t| lines(t).map(str::to_string).collect::<Vec<_>>());
    let checked = Memo::new(move |_| parse_allow_list(&entries()));
    let error = move || checked.with(|c| c.as_ref().err().and_then(line_error));
    let warning = Signal::derive(move || {
        let mine = address.get_value().and_then(|a| a.parse::<Ipv4Addr>().ok())?;
        checked.with(|c| c.as_ref().ok().and_then(|list| lockout(list, mine)).map(|l| l.to_string()))
    });
    let save = Action::new(move |entries: &Vec<String>| {
        set_allow_list(project.get_value(), cluster.get_value(), entries.clone())
    });
    let blocked = move || {
        save.pending().get() || error().is_some() || (warning.with(Option::is_some) && !accepted.get())
    };
    let add_mine = move |_| {
        if let Some(mine) = address.get_value() {
            text.update(|t| {
                if !t.is_empty() && !t.ends_with('\n') {
                    t.push('\n');
                }
                t.push_str(&format!("{mine}/32"));
            });
        }
    };
    let add_mine = address.get_value().map(|mine| {
        view! { <button type="button" class="button secondary" on:click=add_mine>{format!("Add my address ({mine})")}</button> }
    });
    view! {
        <form on:submit=move |ev| {
            ev.prevent_default();
            if !blocked() {
                save.dispatch(entries());
            }
        }>
            <div class="field">
                <label for="allow-list-entries">"Allowed addresses and ranges"</label>
                <span class="hint">"One per line; an empty list lets every address in."</span>
                <textarea
                    id="allow-list-entries"
                    rows="4"
                    aria-invalid=move || error().is_some().to_string()
                    aria-describedby="allow-list-error"
                    prop:value=move || text.get()
                    on:input=move |ev| {
                        text.set(event_target_value(&ev));
                        accepted.set(false);
                    }
                ></textarea>
                <p class="field-error" id="allow-list-error" role="alert">{error}</p>
            </div>
            {add_mine}
            <LockoutWarning warning accepted />
            <button type="submit" class="button" disabled=blocked>
                "Save the allow-list"
            </button>
            {move || outcome(save.value().get(), "Change requested; follow it on the Overview tab.")}
        </form>
    }
}

/// Why the list would shut the user out, and their consent to save it anyway.
#[component]
fn LockoutWarning(warning: Signal<Option<String>>, accepted: RwSignal<bool>) -> impl IntoView {
    move || {
        warning.get().map(|warning| {
            view! {
                <div class="warning" role="alert">
                    <p>{warning}</p>
                    <label class="check" for="allow-list-accept">
                        <input
                            id="allow-list-accept"
                            type="checkbox"
                            prop:checked=move || accepted.get()
                            on:change=move |ev| accepted.set(event_target_checked(&ev))
                        />
                        <span>"Save it anyway"</span>
                    </label>
                </div>
            }
        })
    }
}
