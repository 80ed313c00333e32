//! What the CLI prints: aligned tables for people, the API's JSON for scripts (`-o json`).

use serde_json::Value;

use super::Format;

pub struct Output {
    format: Format,
}

impl Output {
    pub fn new(format: Format) -> Self {
        Self { format }
    }

    /// A value as JSON (tables have no better shape for one object).
    pub fn value(&self, value: &Value) {
        println!("{}", serde_json::to_string_pretty(value).unwrap_or_default());
    }

    /// A line for people, on standard error so that standard output stays data.
    pub fn note(&self, text: &str) {
        eprintln!("{text}");
    }

    pub fn clusters(&self, view: &Value) {
        if self.format == Format::Json {
            return self.value(view);
        }
        let rows: Vec<Vec<String>> = view["rows"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|r| {
                let nodes = match r["nodes"].is_object() {
                    true => format!("{}/{}", r["nodes"]["ready"], r["nodes"]["total"]),
                    false => "—".into(),
                };
                vec![
                    text(&r["id"]),
                    text(&r["name"]),
                    text(&r["region"]),
                    text(&r["plan"]),
                    text(&r["version"]),
                    text(&r["status"]),
                    nodes,
                ]
            })
            .collect();
        table(&["ID", "NAME", "REGION", "PLAN", "VERSION", "STATUS", "NODES"], &rows);
    }

    pub fn pools(&self, pools: &Value) {
        if self.format == Format::Json {
            return self.value(pools);
        }
        let rows: Vec<Vec<String>> = pools
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| {
                let spec = &p["spec"];
                vec![
                    text(&p["id"]),
                    text(&spec["name"]),
                    text(&spec["flavorName"]),
                    format!("{}/{}", p["currentNodes"], spec["desiredNodes"]),
                    format!("{}–{}", spec["minNodes"], spec["maxNodes"]),
                    text(&spec["autoscale"]),
                    text(&p["status"]),
                ]
            })
            .collect();
        table(&["ID", "NAME", "FLAVOR", "NODES", "BOUNDS", "AUTOSCALE", "STATUS"], &rows);
    }

    pub fn operation(&self, operation: &Value) {
        if self.format == Format::Json {
            return self.value(operation);
        }
        let target = operation["targetName"].as_str().or(operation["clusterId"].as_str()).unwrap_or_default();
        println!(
            "operation {} {} {target}: {}",
            text(&operation["id"]),
            text(&operation["kind"]),
            text(&operation["state"])
        );
    }
}

fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => "—".into(),
        other => other.to_string(),
    }
}

fn table(headers: &[&str], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let line = |cells: Vec<String>| {
        let padded: Vec<String> =
            cells.iter().enumerate().map(|(i, c)| format!("{c:<w$}", w = widths[i])).collect();
        println!("{}", padded.join("  ").trim_end());
    };
    line(headers.iter().map(|h| h.to_string()).collect());
    for row in rows {
        line(row.clone());
    }
}
