//! JSON schemas of the types that travel as plain strings (ids, open enums, versions, ranges),
//! for the server's OpenAPI document (feature `openapi`).

/// Declares `$name`'s schema: a string described by `$description`, optionally with the
/// known values `$values` (open enums accept others too, so they are listed as examples).
macro_rules! string_schema {
    ($name:ty, $description:expr) => {
        $crate::schema::string_schema!($name, $description, []);
    };
    ($name:ty, $description:expr, $values:expr) => {
        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                let values: Vec<String> = $values.iter().map(|v: &&str| v.to_string()).collect();
                let mut builder = utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .description(Some($description));
                if !values.is_empty() {
                    builder = builder.examples(values);
                }
                builder.into()
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {}
    };
}

pub(crate) use string_schema;
