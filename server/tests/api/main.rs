//! Integration tests of the server, through its router, on a real database: a temporary SQLite
//! file, or a fresh PostgreSQL database when `TEST_DATABASE_URL` names a server.

mod catalog;
mod cli;
mod cloud;
mod cluster_access;
mod database;
mod fake_backend;
mod fleet;
mod health;
mod helpers;
mod issuer;
mod live;
mod metrics;
mod networks;
mod notifications;
mod openapi;
mod operations;
mod page_cache;
mod pages;
mod rest;
mod retry;
mod runner;
mod scenarios;
mod security;
mod sign_in;
mod tokens;
mod workloads;
