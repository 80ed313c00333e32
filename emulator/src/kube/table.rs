//! Server-side printing: kubectl asks for lists as `meta.k8s.io` `Table`s and prints their
//! columns and cells as they are, so the columns and ages are decided here.

use axum::http::HeaderMap;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

/// Whether the caller asked for a table (`Accept: application/json;as=Table;…`).
pub fn wanted(headers: &HeaderMap) -> bool {
    headers
        .get_all(axum::http::header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.contains("as=Table"))
}

/// A column: name, type and, for wide output only, priority 1.
pub struct Column {
    pub name: &'static str,
    pub kind: &'static str,
    pub description: &'static str,
    pub wide: bool,
}

pub const fn column(name: &'static str, kind: &'static str, description: &'static str) -> Column {
    Column { name, kind, description, wide: false }
}

/// Whether the caller asked for whole objects in the rows (`includeObject=Object`, as
/// `kubectl get --sort-by` does) rather than their metadata.
pub fn whole_rows(query: Option<&str>) -> bool {
    query.is_some_and(|q| q.split('&').any(|pair| pair == "includeObject=Object"))
}

/// A row's object: the whole `object`, or only its metadata.
pub fn row_object(object: &Value, whole: bool) -> Value {
    match whole {
        true => object.clone(),
        false => {
            json!({ "kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": object["metadata"] })
        }
    }
}

/// A `Table` of `rows`, each cells and the row's object ([`row_object`]).
pub fn table(columns: &[Column], rows: Vec<(Vec<Value>, Value)>) -> Value {
    let definitions: Vec<Value> = columns
        .iter()
        .map(|c| {
            json!({
                "name": c.name,
                "type": c.kind,
                "format": "",
                "description": c.description,
                "priority": if c.wide { 1 } else { 0 },
            })
        })
        .collect();
    let rows: Vec<Value> =
        rows.into_iter().map(|(cells, object)| json!({ "cells": cells, "object": object })).collect();
    json!({
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": { "resourceVersion": "1" },
        "columnDefinitions": definitions,
        "rows": rows,
    })
}

/// How long ago `since` was, as kubectl's AGE column says it (`45s`, `3m20s`, `5h`, `12d`).
pub fn age(since: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let seconds = (now - since).num_seconds();
    if seconds < 0 {
        return "0s".into();
    }
    let (minutes, hours, days) = (seconds / 60, seconds / 3600, seconds / 86_400);
    match seconds {
        s if s < 120 => format!("{s}s"),
        s if s < 600 && s % 60 != 0 => format!("{minutes}m{}s", s % 60),
        s if s < 3 * 3600 => format!("{minutes}m"),
        s if s < 8 * 3600 && minutes % 60 != 0 => format!("{hours}h{}m", minutes % 60),
        s if s < 48 * 3600 => format!("{hours}h"),
        s if s < 8 * 86_400 && hours % 24 != 0 => format!("{days}d{}h", hours % 24),
        s if s < 2 * 365 * 86_400 => format!("{days}d"),
        _ => format!("{}y", days / 365),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_read_like_kubectl() {
        let now = Utc::now();
        let ago = |s: i64| age(now - chrono::Duration::seconds(s), now);
        assert_eq!(ago(45), "45s");
        assert_eq!(ago(200), "3m20s");
        assert_eq!(ago(900), "15m");
        assert_eq!(ago(5 * 3600), "5h");
        assert_eq!(ago(5 * 3600 + 600), "5h10m");
        assert_eq!(ago(3 * 86_400 + 7200), "3d2h");
        assert_eq!(ago(40 * 86_400), "40d");
    }

    #[test]
    fn tables_are_asked_for_in_the_accept_header() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "accept",
            "application/json;as=Table;v=v1;g=meta.k8s.io,application/json".parse().unwrap(),
        );
        assert!(wanted(&headers));
        assert!(!wanted(&HeaderMap::new()));
    }
}
