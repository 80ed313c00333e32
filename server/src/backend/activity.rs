//! The Activity page: the audit trail, one page at a time.

use app::api::port::{Activity, Caller};
use app::error::AppError;
use async_trait::async_trait;
use model::activity::{ActivityFilter, ActivityPage, PAGE_SIZE};

use super::ConsoleBackend;

#[async_trait]
impl Activity for ConsoleBackend {
    async fn activity(&self, caller: &Caller, filter: ActivityFilter) -> Result<ActivityPage, AppError> {
        let page = filter.page.unwrap_or(1).max(1);
        let offset = i64::from(page - 1) * i64::from(PAGE_SIZE);
        let (entries, total) = self.audit(caller, &filter, i64::from(PAGE_SIZE), offset).await?;
        Ok(ActivityPage { entries, total, page })
    }
}
