-- Who can do what inside each cluster: the identity-provider groups an admin mapped to built-in
-- Kubernetes roles (model::rbac::AccessMapping as JSON), and the groups prefix of the cluster's
-- OIDC configuration the bindings were made with. The cluster holds the bindings; this is what
-- they should be, so a binding changed or deleted with kubectl shows as drift.
CREATE TABLE cluster_access (
    project_id    TEXT NOT NULL,
    cluster_id    TEXT NOT NULL,
    mapping       TEXT NOT NULL,
    groups_prefix TEXT NOT NULL,
    updated_by    TEXT NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (project_id, cluster_id)
);
