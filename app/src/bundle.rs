//! The browser bundle a page loads: its stylesheet, its JavaScript glue and its WebAssembly,
//! under names the server works out once at start-up (with content hashes in release builds),
//! and, when the bundle is split by route, the chunks each lazily loaded function needs.

use std::collections::HashMap;
use std::sync::Arc;

use leptos::prelude::*;

/// Where the bundle's files are served from.
const PKG: &str = "/pkg";

/// The bundle's file names under [`PKG`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bundle {
    pub css: String,
    pub js: String,
    pub wasm: String,
    /// The split bundle's manifest: which chunks each lazily loaded function needs.
    pub manifest: String,
    /// The split bundle's chunk loader (imported by [`Self::js`]).
    pub loader: String,
    /// The manifest as read, once the server has read it: without it (a bundle not split) the
    /// pages name no chunks.
    pub chunks: Option<Arc<HashMap<String, Vec<String>>>>,
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
        let split_file = |kind: &str, stem: &str, plain: &str| match hash_of(kind) {
            Some(hash) => format!("{stem}{hash}.{}", plain.rsplit('.').next().unwrap_or_default()),
            None => plain.to_string(),
        };
        Self {
            css: name("css", ""),
            js: name("js", ""),
            wasm: name("wasm", wasm_suffix),
            manifest: split_file("manifest", "__wasm_split_manifest", "__wasm_split_manifest.json"),
            loader: split_file("split", "__wasm_split", "__wasm_split.______________________.js"),
            chunks: None,
        }
    }

    /// The bundle with the chunks of its split manifest, `manifest` (the JSON text of the file
    /// [`Self::manifest`] names).
    pub fn with_chunks(self, manifest: &str) -> Result<Self, serde_json::Error> {
        Ok(Self { chunks: Some(Arc::new(serde_json::from_str(manifest)?)), ..self })
    }

    /// The module script that loads the bundle and hydrates the page: the same text on every
    /// page, so the page's Content-Security-Policy can allow it by its hash.
    pub fn boot_script(&self) -> String {
        format!(
            "import init, {{ hydrate }} from \"{PKG}/{js}\";\ninit({{ module_or_path: \"{PKG}/{wasm}\" }}).then(hydrate);",
            js = self.js,
            wasm = self.wasm
        )
    }
}

/// The `<head>` links and script of `bundle`: the stylesheet, early fetches of the glue and
/// the WebAssembly, and the boot script. With a split bundle, the page's rendering notes each
/// lazily loaded function it runs, and the chunks they need are named in the head too (by
/// Leptos, from the manifest given here).
#[component]
pub fn BundleLinks(bundle: Bundle) -> impl IntoView {
    if let Some(chunks) = &bundle.chunks {
        let chunks = HashMap::clone(chunks);
        provide_context(leptos::WasmSplitManifest(ArcStoredValue::new((
            PKG.to_string(),
            chunks,
            bundle.loader.clone(),
        ))));
    }
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
        let hashes = "js: abc\nwasm: def\ncss: ghi\nmanifest: jkl\nsplit: mno\n";
        let hashed = Bundle::named("pilothouse", Some(hashes), "_bg");
        assert_eq!(hashed.css, "pilothouse.ghi.css");
        assert_eq!(hashed.js, "pilothouse.abc.js");
        assert_eq!(hashed.wasm, "pilothouse.def.wasm");
        assert_eq!(hashed.manifest, "__wasm_split_manifest.jkl.json");
        assert_eq!(hashed.loader, "__wasm_split.mno.js");
        let plain = Bundle::named("pilothouse", None, "_bg");
        assert_eq!((plain.css.as_str(), plain.js.as_str()), ("pilothouse.css", "pilothouse.js"));
        assert_eq!(plain.wasm, "pilothouse_bg.wasm");
        assert_eq!(plain.manifest, "__wasm_split_manifest.json");
        assert_eq!(plain.loader, "__wasm_split.______________________.js");
    }

    #[test]
    fn the_split_manifest_is_read_or_refused() {
        let bundle =
            Bundle::named("p", None, "").with_chunks(r#"{"clusters_1": ["split_clusters_1", "chunk_2"]}"#);
        let chunks = bundle.unwrap().chunks.unwrap();
        assert_eq!(chunks["clusters_1"], ["split_clusters_1", "chunk_2"]);
        assert!(Bundle::named("p", None, "").with_chunks("[1, 2]").is_err());
    }

    #[test]
    fn the_boot_script_loads_the_named_files() {
        let bundle = Bundle::named("p", Some("js: 1\nwasm: 2\ncss: 3"), "");
        let script = bundle.boot_script();
        assert!(script.contains("from \"/pkg/p.1.js\""), "{script}");
        assert!(script.contains("\"/pkg/p.2.wasm\""), "{script}");
    }
}
