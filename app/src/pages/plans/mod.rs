//! The plan comparison page: every difference between Free and Standard, with computed figures,
//! and a helper that recommends a plan as the user describes their needs.

mod comparison;
mod fit_helper;

use leptos::prelude::*;
use leptos_meta::Title;

use comparison::{ComponentTable, OperationsTable, OverviewTable, RangesTable};
use fit_helper::PlanFitHelper;

/// `/plans`.
#[component]
pub fn PlansPage() -> impl IntoView {
    view! {
        <Title text="Plans" />
        <section class="page">
            <h1>"Plans: Free and Standard"</h1>
            <p class="lead">
                "Every cluster runs on one of two plans. The plan is chosen at creation and cannot be \
                changed afterwards: moving from Free to Standard means creating a new cluster and \
                migrating the workloads."
            </p>
            <PlanFitHelper />
            <OverviewTable />
            <OperationsTable />
            <RangesTable />
            <ComponentTable />
            <p class="source-note">
                "Downtime budgets are computed from the availability percentages. The provider's \
                architecture guide mentions about 43 minutes a month for Free, which corresponds to \
                99.9 %, not the 99.5 % it states; this page shows the figure that follows from the \
                percentage."
            </p>
        </section>
    }
}
