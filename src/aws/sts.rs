//! STS: who are we.

use super::{AwsError, Clients, classify};
use crate::domain::Identity;

impl Clients {
    pub async fn identity(&self) -> Result<Identity, AwsError> {
        let out = self
            .sts
            .get_caller_identity()
            .send()
            .await
            .map_err(|e| classify(&e, "GetCallerIdentity", &self.profile))?;
        Ok(Identity {
            account: out.account().unwrap_or_default().to_string(),
            arn: out.arn().unwrap_or_default().to_string(),
        })
    }
}
