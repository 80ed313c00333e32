//! Tells the compiler which components are islands in this build (`cfg(island = "Name")`), from
//! the table in `src/island_bundles.rs` and the `ssr` and `bundle-<name>` features.

use std::env;

include!("src/island_bundles.rs");

fn main() {
    println!("cargo::rerun-if-changed=src/island_bundles.rs");
    let mut all: Vec<&str> = BUNDLES.iter().flat_map(|(_, islands)| islands.iter().copied()).collect();
    all.sort_unstable();
    all.dedup();
    let values: Vec<String> = all.iter().map(|island| format!("\"{island}\"")).collect();
    println!("cargo::rustc-check-cfg=cfg(island, values({}))", values.join(", "));
    let chosen: Vec<String> = env::vars()
        .filter_map(|(key, _)| {
            Some(key.strip_prefix("CARGO_FEATURE_BUNDLE_")?.to_lowercase().replace('_', "-"))
        })
        .collect();
    let islands: Vec<&str> = if chosen.is_empty() || env::var_os("CARGO_FEATURE_SSR").is_some() {
        all
    } else {
        chosen
            .iter()
            .flat_map(|name| match BUNDLES.iter().find(|(bundle, _)| bundle == name) {
                Some((_, islands)) => islands.iter().copied(),
                None => panic!("feature bundle-{name}: no such bundle in src/island_bundles.rs"),
            })
            .collect()
    };
    for island in islands {
        println!("cargo::rustc-cfg=island=\"{island}\"");
    }
}
