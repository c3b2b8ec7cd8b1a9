use super::{Chrome, PageResult, render};
use crate::ctx::Ctx;
use crate::openapi::{ApiDoc, Operation, operations};
use askama::Template;
use utoipa::OpenApi;

#[derive(Template)]
#[template(path = "api_docs.html")]
struct ApiDocs {
    chrome: Chrome,
    operations: Vec<Operation>,
}

/// The browsable API page, rendered from the OpenAPI document.
pub async fn api_docs(ctx: Ctx) -> PageResult {
    Ok(render(&ApiDocs {
        chrome: Chrome::of(&ctx),
        operations: operations(&ApiDoc::openapi()),
    }))
}
