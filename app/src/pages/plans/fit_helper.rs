//! "Which plan fits me?": answers in the browser as the user types, using the model's rules.

use leptos::prelude::*;
use model::{PlanFit, PlanNeeds};

/// One yes/no need, as a labelled checkbox.
#[component]
fn NeedCheckbox(id: &'static str, label: &'static str, value: RwSignal<bool>) -> impl IntoView {
    view! {
        <label class="check" for=id>
            <input type="checkbox" id=id name=id bind:checked=value />
            <span>{label}</span>
        </label>
    }
}

/// The helper: a node count, four needs, and the recommendation with its reasons.
#[cfg_attr(island = "PlanFitHelper", island)]
#[cfg_attr(not(island = "PlanFitHelper"), component)]
pub fn PlanFitHelper() -> impl IntoView {
    let nodes_text = RwSignal::new("3".to_string());
    let three_zones = RwSignal::new(false);
    let high_availability = RwSignal::new(false);
    let floating_ips = RwSignal::new(false);
    let custom_ranges = RwSignal::new(false);
    let nodes = Memo::new(move |_| PlanNeeds::parse_nodes(&nodes_text.read()));
    let invalid = move || nodes.get().is_err().to_string();

    let answer = move || {
        let needs = PlanNeeds {
            nodes: match nodes.get() {
                Ok(n) => n,
                Err(_) => {
                    return view! { <p class="fit-verdict muted">"Enter a node count to see which plan fits."</p> }
                    .into_any();
                }
            },
            three_zones: three_zones.get(),
            high_availability: high_availability.get(),
            floating_ips: floating_ips.get(),
            custom_ranges: custom_ranges.get(),
        };
        let fit = needs.recommend();
        let reasons: Vec<String> = match &fit {
            PlanFit::Fits { reasons, .. } => reasons.iter().map(ToString::to_string).collect(),
            PlanFit::TooLarge { .. } => Vec::new(),
        };
        let reasons = reasons.into_iter().map(|reason| view! { <li>{reason}</li> }).collect_view();
        let class = match fit {
            PlanFit::Fits { .. } => "fit-verdict",
            PlanFit::TooLarge { .. } => "fit-verdict warning",
        };
        view! {
            <p class=class>
                <strong>{fit.to_string()}</strong>
            </p>
            <ul class="fit-reasons">{reasons}</ul>
        }
        .into_any()
    };

    view! {
        <section class="card fit-helper" aria-labelledby="fit-title">
            <h2 id="fit-title">"Which plan fits me?"</h2>
            <form class="fit-form" on:submit=|ev| ev.prevent_default()>
                <div class="field">
                    <label for="fit-nodes">"Nodes needed at most (all pools)"</label>
                    <input
                        id="fit-nodes"
                        name="nodes"
                        inputmode="numeric"
                        autocomplete="off"
                        bind:value=nodes_text
                        aria-invalid=invalid
                        aria-describedby="fit-nodes-error"
                    />
                    <p id="fit-nodes-error" class="field-error">
                        {move || nodes.get().err().map(|e| e.to_string())}
                    </p>
                </div>
                <fieldset class="needs">
                    <legend>"Needs"</legend>
                    <NeedCheckbox id="fit-zones" label="Nodes spread over three availability zones" value=three_zones />
                    <NeedCheckbox
                        id="fit-ha"
                        label="A control plane that survives a zone failure, under an SLA"
                        value=high_availability
                    />
                    <NeedCheckbox id="fit-fip" label="A public floating IP on each node" value=floating_ips />
                    <NeedCheckbox id="fit-ranges" label="My own pod and service address ranges" value=custom_ranges />
                </fieldset>
            </form>
            <div class="fit-answer" id="fit-answer" aria-live="polite">
                {answer}
            </div>
        </section>
    }
    .into_any()
}
