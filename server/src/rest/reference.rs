//! `GET /docs/api`: the OpenAPI document as a page to read — each endpoint by tag with its
//! parameters, body and answers, then each type with its fields — rendered once on the server
//! with the console's stylesheet, without scripts.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::error_page::escape;
use crate::state::AppState;

pub async fn page(State(state): State<AppState>) -> Response {
    static PAGE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let css = format!("/pkg/{}", state.bundles.every().css);
    let body =
        PAGE.get_or_init(|| render(&serde_json::to_value(super::document()).unwrap_or_default(), &css));
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body.clone()).into_response()
}

/// The page of `document`, styled by the stylesheet at `css`.
pub fn render(document: &Value, css: &str) -> String {
    let info = &document["info"];
    // Endpoints grouped by their first tag, tags in the order they first appear.
    let mut tags: Vec<(String, String)> = Vec::new();
    for (path, item) in document["paths"].as_object().into_iter().flatten() {
        for (method, operation) in item.as_object().into_iter().flatten() {
            let tag = operation["tags"][0].as_str().unwrap_or("other");
            let html = endpoint(method, path, operation);
            match tags.iter_mut().find(|(name, _)| name == tag) {
                Some((_, endpoints)) => endpoints.push_str(&html),
                None => tags.push((tag.to_string(), html)),
            }
        }
    }
    let by_tag: String = tags
        .iter()
        .map(|(tag, endpoints)| format!("<h2 id=\"tag-{0}\">{0}</h2>\n{endpoints}", escape(tag)))
        .collect();
    let contents: String =
        tags.iter().map(|(t, _)| format!("<li><a href=\"#tag-{0}\">{0}</a></li>", escape(t))).collect();
    let types: String = document["components"]["schemas"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(name, schema)| type_section(name, schema))
        .collect();
    format!(
        r##"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>API reference · Pilothouse</title><link rel="stylesheet" href="{css}"></head>
<body><header class="site-header"><a class="brand" href="/"><span class="brand-mark" aria-hidden="true">⎈</span>Pilothouse</a></header>
<main id="main" class="page api-reference">
<h1>API reference</h1>
<p class="lead">{description}</p>
<p><a href="/tokens">Create an API token</a> · <a href="/api/v1/openapi.json">The OpenAPI {version} document</a> (version {api_version})</p>
<nav aria-label="Sections"><ul>{contents}<li><a href="#types">Types</a></li></ul></nav>
{by_tag}
<h2 id="types">Types</h2>
{types}
</main></body></html>"##,
        description = prose(info["description"].as_str().unwrap_or_default()),
        version = escape(document["openapi"].as_str().unwrap_or_default()),
        api_version = escape(info["version"].as_str().unwrap_or_default()),
    )
}

fn endpoint(method: &str, path: &str, operation: &Value) -> String {
    let id = operation["operationId"].as_str().unwrap_or_default();
    let mut html = format!(
        "<section class=\"card endpoint\" id=\"{}\"><h3><code>{} {}</code></h3><p>{}</p>\n",
        escape(id),
        method.to_uppercase(),
        escape(path),
        prose(operation["summary"].as_str().unwrap_or_default())
    );
    if let Some(description) = operation["description"].as_str() {
        html.push_str(&format!("<p>{}</p>\n", prose(description)));
    }
    let parameters = operation["parameters"].as_array().cloned().unwrap_or_default();
    if !parameters.is_empty() {
        html.push_str("<table class=\"list\"><thead><tr><th scope=\"col\">Parameter</th><th scope=\"col\">In</th><th scope=\"col\">Type</th><th scope=\"col\">Meaning</th></tr></thead><tbody>");
        for p in parameters {
            html.push_str(&format!(
                "<tr><td><code>{}</code>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(p["name"].as_str().unwrap_or_default()),
                if p["required"].as_bool() == Some(true) { " (required)" } else { "" },
                escape(p["in"].as_str().unwrap_or_default()),
                type_of(&p["schema"]),
                prose(p["description"].as_str().unwrap_or_default()),
            ));
        }
        html.push_str("</tbody></table>\n");
    }
    if let Some(body) = operation["requestBody"]["content"].as_object().and_then(|c| c.values().next()) {
        html.push_str(&format!("<p>Body: {}</p>\n", type_of(&body["schema"])));
    }
    html.push_str("<ul class=\"answers\">");
    for (status, answer) in operation["responses"].as_object().into_iter().flatten() {
        let content = answer["content"].as_object().and_then(|c| c.iter().next());
        let shape = match content {
            Some((kind, body)) if body.get("schema").is_some() => {
                format!(" — {} ({})", type_of(&body["schema"]), escape(kind))
            }
            Some((kind, _)) => format!(" — {}", escape(kind)),
            None => String::new(),
        };
        html.push_str(&format!(
            "<li><strong>{}</strong>{shape} {}</li>",
            escape(status),
            prose(answer["description"].as_str().unwrap_or_default())
        ));
    }
    html.push_str("</ul></section>\n");
    html
}

fn type_section(name: &str, schema: &Value) -> String {
    let mut html = format!(
        "<section class=\"card type\" id=\"type-{0}\"><h3><code>{0}</code></h3><p>{1}</p>\n",
        escape(name),
        prose(schema["description"].as_str().unwrap_or_default())
    );
    let required: Vec<&str> =
        schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    match schema["properties"].as_object() {
        Some(properties) => {
            html.push_str("<table class=\"list\"><thead><tr><th scope=\"col\">Field</th><th scope=\"col\">Type</th><th scope=\"col\">Meaning</th></tr></thead><tbody>");
            for (field, property) in properties {
                html.push_str(&format!(
                    "<tr><td><code>{}</code>{}</td><td>{}</td><td>{}</td></tr>",
                    escape(field),
                    if required.contains(&field.as_str()) { " (required)" } else { "" },
                    type_of(property),
                    prose(property["description"].as_str().unwrap_or_default()),
                ));
            }
            html.push_str("</tbody></table>\n");
        }
        None => html.push_str(&format!("<p>{}</p>\n", type_of(schema))),
    }
    html.push_str("</section>\n");
    html
}

/// `text` as HTML: escaped, with its `code` spans (Markdown backticks) as `<code>`.
fn prose(text: &str) -> String {
    text.split('`')
        .enumerate()
        .map(|(i, part)| match i % 2 {
            1 => format!("<code>{}</code>", escape(part)),
            _ => escape(part),
        })
        .collect()
}

/// A schema in words, with links to the named types.
fn type_of(schema: &Value) -> String {
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.rsplit('/').next().unwrap_or_default();
        return format!("<a href=\"#type-{0}\"><code>{0}</code></a>", escape(name));
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(choices) = schema[key].as_array() {
            let words: Vec<String> = choices.iter().map(type_of).collect();
            return words.join(" or ");
        }
    }
    if let Some(values) = schema["enum"].as_array() {
        let values: Vec<String> = values
            .iter()
            .map(|v| format!("<code>{}</code>", escape(v.as_str().unwrap_or_default())))
            .collect();
        return format!("one of {}", values.join(", "));
    }
    let kind = match &schema["type"] {
        Value::String(kind) => kind.clone(),
        Value::Array(kinds) => kinds.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(" or "),
        _ => "any".into(),
    };
    match kind.as_str() {
        "array" => format!("array of {}", type_of(&schema["items"])),
        "object" if schema["additionalProperties"].is_object() => {
            format!("map of {}", type_of(&schema["additionalProperties"]))
        }
        _ => escape(&kind),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reference_lists_every_endpoint_and_type_and_escapes_text() {
        let document = serde_json::to_value(crate::rest::document()).unwrap();
        let page = render(&document, "/pkg/x.css");
        for (path, item) in document["paths"].as_object().unwrap() {
            for method in item.as_object().unwrap().keys() {
                assert!(page.contains(&format!("{} {}", method.to_uppercase(), path)), "{method} {path}");
            }
        }
        for name in document["components"]["schemas"].as_object().unwrap().keys() {
            assert!(page.contains(&format!("id=\"type-{name}\"")), "{name}");
        }
        assert!(page.contains("<a href=\"#type-ClusterSpec\"><code>ClusterSpec</code></a>"));
        let hostile = serde_json::json!({ "info": { "description": "<script>x</script> `<b>`" } });
        let page = render(&hostile, "/x.css");
        assert!(!page.contains("<script>x") && !page.contains("<b>"), "{page}");
        assert_eq!(prose("a `Location` to poll"), "a <code>Location</code> to poll");
    }
}
