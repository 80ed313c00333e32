//! The browser bundle a page loads: its stylesheet, its JavaScript glue and its WebAssembly,
//! under names the server works out once at start-up (with content hashes in release builds).

use leptos::prelude::*;

use crate::island_bundles::BUNDLES;
use crate::pages::step_at;

/// Where the bundle's files are served from.
const PKG: &str = "/pkg";

/// The bundle's file names under [`PKG`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bundle {
    pub css: String,
    pub js: String,
    pub wasm: String,
}

impl Bundle {
    /// The files cargo-leptos wrote for `output_name`: with `hashes` (the text of its
    /// `hash.txt`, lines like `js: <hash>`) each name carries its file's hash; without, the
    /// plain names, the WebAssembly one ending in `wasm_suffix` (`_bg` when built outside
    /// cargo-leptos).
    pub fn named(output_name: &str, hashes: Option<&str>, wasm_suffix: &str) -> Self {
        let name = |kind: &str, plain_suffix: &str| match hash_of(hashes, kind) {
            Some(hash) => format!("{output_name}.{hash}.{kind}"),
            None => format!("{output_name}{plain_suffix}.{kind}"),
        };
        Self { css: name("css", ""), js: name("js", ""), wasm: name("wasm", wasm_suffix) }
    }

    /// The module script that loads the bundle and hydrates the page: the same text on every
    /// page that loads this bundle, so a cached page's Content-Security-Policy still allows it by
    /// its hash. It hydrates each island through the function the bundle exports under the
    /// island's name ([`ISLANDS_START`]), then reports the page hydrated.
    pub fn boot_script(&self) -> String {
        format!(
            "import init, * as bundle from \"{PKG}/{js}\";\ninit({{ module_or_path: \"{PKG}/{wasm}\" }}).then({start});",
            js = self.js,
            wasm = self.wasm,
            start = ISLANDS_START
        )
    }
}

/// The hash `hashes` (a `hash.txt`'s text) gives the file of `kind` (`js`, `wasm`, `css`, or
/// `<bundle>.js`, `<bundle>.wasm` for a bundle of a group of pages).
fn hash_of<'a>(hashes: Option<&'a str>, kind: &str) -> Option<&'a str> {
    hashes?.lines().find_map(|line| {
        let (file, hash) = line.split_once(':')?;
        (file.trim() == kind).then(|| hash.trim())
    })
}

/// The bundles of a site: the one with every island, and the smaller ones of
/// [`BUNDLES`], each holding the islands of some pages, where they were built (their hashes in
/// `hash.txt` under `<bundle>.js` and `<bundle>.wasm`). A page loads the smallest that holds
/// its islands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bundles {
    every: Bundle,
    smaller: Vec<(&'static str, Bundle)>,
}

impl Bundles {
    /// The bundles cargo-leptos wrote for `output_name`, as [`Bundle::named`].
    pub fn named(output_name: &str, hashes: Option<&str>, wasm_suffix: &str) -> Self {
        let every = Bundle::named(output_name, hashes, wasm_suffix);
        let smaller = BUNDLES
            .iter()
            .filter_map(|(name, _)| {
                let js = hash_of(hashes, &format!("{name}.js"))?;
                let wasm = hash_of(hashes, &format!("{name}.wasm"))?;
                let bundle = Bundle {
                    css: every.css.clone(),
                    js: format!("{output_name}.{js}.js"),
                    wasm: format!("{output_name}.{wasm}.wasm"),
                };
                Some((*name, bundle))
            })
            .collect();
        Self { every, smaller }
    }

    /// The bundle with every island.
    pub fn every(&self) -> &Bundle {
        &self.every
    }

    /// The bundle the page at `path` loads.
    pub fn for_page(&self, path: &str) -> &Bundle {
        let name = bundle_of_page(path);
        self.smaller.iter().find(|(bundle, _)| *bundle == name).map_or(&self.every, |(_, bundle)| bundle)
    }

    /// What the page at `path` fetches ahead once its user shows where they are going: the
    /// bundle of [`next_of_page`], where it was built and is not the page's own, and the part of
    /// the page that shows it.
    pub fn next_for_page(&self, path: &str) -> Option<Next> {
        let (name, intent) = next_of_page(path)?;
        let bundle = self.smaller.iter().find(|(bundle, _)| *bundle == name)?.1.clone();
        (bundle != *self.for_page(path)).then_some(Next { bundle, intent })
    }
}

/// A bundle to fetch ahead, and where on the page (a CSS selector) focus or the pointer says
/// the user is about to need it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Next {
    pub bundle: Bundle,
    pub intent: &'static str,
}

/// The name of the bundle in [`BUNDLES`] that holds the islands of the page at `path`.
pub fn bundle_of_page(path: &str) -> &'static str {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    match segments.as_slice() {
        ["clusters"] => "clusters",
        ["clusters", "new"] => "wizard-first",
        ["clusters", "new", step] if step_at(step) == 0 => "wizard-first",
        ["clusters", "new", ..] => "wizard",
        ["clusters", _] | ["clusters", _, "activity"] => "cluster",
        ["clusters", _, _] => "cluster-tabs",
        ["plans"] => "plans",
        ["networks" | "fleet" | "notifications" | "tokens"] => "more",
        _ => "base",
    }
}

/// The bundle the user of the page at `path` most likely needs next, and the part of the page
/// where focus or the pointer shows they are going there: the wizard's later steps from the
/// first step's form or step list, a cluster's other tabs from its tab bar.
pub fn next_of_page(path: &str) -> Option<(&'static str, &'static str)> {
    match bundle_of_page(path) {
        "wizard-first" => Some(("wizard", "main form, main nav")),
        "cluster" => Some(("cluster-tabs", r#"nav[aria-label="Cluster"]"#)),
        _ => None,
    }
}

/// Hydrates the islands in document order, each awaited (a lazy island loads its code first); an
/// island the bundle lacks stops hydration with an error (the page's bundle is the wrong one).
/// An island inside another's children first enters the outer island's owner, through the
/// callback Leptos leaves on `<leptos-children>`, so it reads the context the outer one provides.
/// Focus or the pointer first in the part of the page that [`BundleLinks`]' `pilothouse-next`
/// names fetches the next bundle's files into the browser's cache.
const ISLANDS_START: &str = r#"async () => {
  const next = document.querySelector('meta[name="pilothouse-next"]');
  const ahead = (event) => {
    if (!event.target.closest?.(next.dataset.intent)) return;
    removeEventListener("focusin", ahead);
    removeEventListener("pointerover", ahead);
    for (const href of next.content.split(" ")) {
      document.head.append(Object.assign(document.createElement("link"), { rel: "prefetch", href }));
    }
  };
  if (next) {
    addEventListener("focusin", ahead);
    addEventListener("pointerover", ahead);
  }
  bundle.hydrate();
  const owners = [];
  const walk = async (node) => {
    for (const element of node.children) {
      if (element.localName === "leptos-island") {
        const island = bundle[element.dataset.component];
        if (!island) throw new Error(`this page's bundle has no island ${element.dataset.component}`);
        owners.at(-1)?.();
        await island(element);
      } else if (element.localName === "leptos-children") {
        owners.push(element.$$on_hydrate);
      }
      await walk(element);
      if (element.localName === "leptos-children") owners.pop();
    }
  };
  await walk(document.body);
  bundle.hydrated();
}"#;

/// The `<head>` links and script of `bundle`: the stylesheet, early fetches of the glue and
/// the WebAssembly, the boot script, and the files of the `next` bundle to fetch ahead.
#[component]
pub fn BundleLinks(bundle: Bundle, next: Option<Next>) -> impl IntoView {
    let boot = bundle.boot_script();
    let next = next.map(|Next { bundle, intent }| {
        let files = format!("{PKG}/{} {PKG}/{}", bundle.js, bundle.wasm);
        view! { <meta name="pilothouse-next" content=files data-intent=intent /> }
    });
    view! {
        <link rel="stylesheet" id="leptos" href=format!("{PKG}/{}", bundle.css) />
        <link rel="modulepreload" href=format!("{PKG}/{}", bundle.js) />
        <link
            rel="preload"
            href=format!("{PKG}/{}", bundle.wasm)
            r#as="fetch"
            r#type="application/wasm"
            crossorigin="anonymous"
        />
        {next}
        <script type="module" inner_html=boot></script>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_come_from_the_hash_file_and_plain_ones_without_it() {
        let hashes = "js: abc\nwasm: def\ncss: ghi\n";
        let hashed = Bundle::named("pilothouse", Some(hashes), "_bg");
        assert_eq!(hashed.css, "pilothouse.ghi.css");
        assert_eq!(hashed.js, "pilothouse.abc.js");
        assert_eq!(hashed.wasm, "pilothouse.def.wasm");
        let plain = Bundle::named("pilothouse", None, "_bg");
        assert_eq!((plain.css.as_str(), plain.js.as_str()), ("pilothouse.css", "pilothouse.js"));
        assert_eq!(plain.wasm, "pilothouse_bg.wasm");
    }

    #[test]
    fn a_page_loads_the_bundle_built_for_its_islands_or_the_one_with_every_island() {
        let hashes = "js: a\nwasm: b\ncss: c\nwizard.js: d\nwizard.wasm: e\nclusters.js: f\n";
        let bundles = Bundles::named("p", Some(hashes), "");
        let wizard = bundles.for_page("/clusters/new/network");
        assert_eq!(
            (wizard.js.as_str(), wizard.wasm.as_str(), wizard.css.as_str()),
            ("p.d.js", "p.e.wasm", "p.c.css")
        );
        // The clusters list's bundle has no wasm hash, so it was not built.
        assert_eq!(bundles.for_page("/clusters"), bundles.every());
        assert_eq!(bundles.every().wasm, "p.b.wasm");
    }

    #[test]
    fn every_page_maps_to_a_bundle_that_has_a_feature() {
        let manifest = include_str!("../Cargo.toml");
        for path in [
            "/",
            "/clusters",
            "/clusters/new",
            "/clusters/x",
            "/clusters/x/pools",
            "/plans",
            "/fleet",
            "/nope",
        ] {
            let name = bundle_of_page(path);
            assert!(BUNDLES.iter().any(|(bundle, _)| *bundle == name), "{path}: {name}");
        }
        for (name, _) in BUNDLES {
            assert!(manifest.contains(&format!("\nbundle-{name} = []")), "no feature bundle-{name}");
        }
    }

    #[test]
    fn the_wizard_first_step_loads_its_own_bundle_and_the_others_the_whole_wizard() {
        for path in ["/clusters/new", "/clusters/new/plan", "/clusters/new/unknown"] {
            assert_eq!(bundle_of_page(path), "wizard-first", "{path}");
        }
        for path in ["/clusters/new/location", "/clusters/new/review"] {
            assert_eq!(bundle_of_page(path), "wizard", "{path}");
        }
    }

    #[test]
    fn the_wizard_first_step_and_a_cluster_fetch_ahead_the_bundle_they_lead_to_where_it_was_built() {
        let hashes = "js: a\nwasm: b\ncss: c\nwizard-first.js: d\nwizard-first.wasm: e\nwizard.js: f\nwizard.wasm: g\n";
        let bundles = Bundles::named("p", Some(hashes), "");
        let next = bundles.next_for_page("/clusters/new").expect("the wizard's bundle");
        assert_eq!((next.bundle.js.as_str(), next.bundle.wasm.as_str()), ("p.f.js", "p.g.wasm"));
        assert_eq!(next.intent, "main form, main nav");
        // No cluster-tabs bundle was built: the overview's bundle (every island) holds the tabs.
        assert_eq!(bundles.next_for_page("/clusters/x"), None);
        assert_eq!(bundles.next_for_page("/clusters"), None);
        assert_eq!(bundles.next_for_page("/clusters/new/review"), None);
        let every = Bundles::named("p", Some("js: a\nwasm: b\ncss: c\n"), "");
        assert_eq!(every.next_for_page("/clusters/new"), None);
    }

    #[test]
    fn the_boot_script_loads_the_named_files() {
        let bundle = Bundle::named("p", Some("js: 1\nwasm: 2\ncss: 3"), "");
        let script = bundle.boot_script();
        assert!(script.contains("from \"/pkg/p.1.js\""), "{script}");
        assert!(script.contains("\"/pkg/p.2.wasm\""), "{script}");
    }
}
