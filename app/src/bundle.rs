//! The browser bundle a page loads: its stylesheet, its JavaScript glue and its WebAssembly,
//! under names the server works out once at start-up (with content hashes in release builds).

use leptos::prelude::*;

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
        let hash_of = |kind: &str| {
            hashes?.lines().find_map(|line| {
                let (file, hash) = line.split_once(':')?;
                (file.trim() == kind).then(|| format!(".{}", hash.trim()))
            })
        };
        let name = |kind: &str, plain_suffix: &str| match hash_of(kind) {
            Some(hash) => format!("{output_name}{hash}.{kind}"),
            None => format!("{output_name}{plain_suffix}.{kind}"),
        };
        Self { css: name("css", ""), js: name("js", ""), wasm: name("wasm", wasm_suffix) }
    }

    /// The module script that loads the bundle and hydrates the page: the same text on every
    /// page, so the page's Content-Security-Policy can allow it by its hash. In islands mode it
    /// hydrates each island through the function the bundle exports under the island's name
    /// ([`ISLANDS_START`]), then reports the page hydrated.
    pub fn boot_script(&self) -> String {
        let start = if cfg!(feature = "islands") { ISLANDS_START } else { "bundle.hydrate" };
        format!(
            "import init, * as bundle from \"{PKG}/{js}\";\ninit({{ module_or_path: \"{PKG}/{wasm}\" }}).then({start});",
            js = self.js,
            wasm = self.wasm
        )
    }
}

/// Hydrates the islands in document order, each awaited (a lazy island loads its code first).
/// An island inside another's children first enters the outer island's owner, through the
/// callback Leptos leaves on `<leptos-children>`, so it reads the context the outer one provides.
const ISLANDS_START: &str = r#"async () => {
  bundle.hydrate();
  const owners = [];
  const walk = async (node) => {
    for (const element of node.children) {
      if (element.localName === "leptos-island") {
        owners.at(-1)?.();
        await bundle[element.dataset.component]?.(element);
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
/// the WebAssembly, and the boot script.
#[component]
pub fn BundleLinks(bundle: Bundle) -> impl IntoView {
    let boot = bundle.boot_script();
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
    fn the_boot_script_loads_the_named_files() {
        let bundle = Bundle::named("p", Some("js: 1\nwasm: 2\ncss: 3"), "");
        let script = bundle.boot_script();
        assert!(script.contains("from \"/pkg/p.1.js\""), "{script}");
        assert!(script.contains("\"/pkg/p.2.wasm\""), "{script}");
    }
}
