use std::sync::Arc;

use agentcore_identity_runtime::{Error, SecretString, requires_iam_access_token};
use async_trait::async_trait;

pub struct Partner {
    calls: u32,
}

impl Partner {
    #[requires_iam_access_token(audience = ["https://api.partner.example"])]
    pub async fn by_ref(&self, access_token: SecretString) -> Result<u32, Error> {
        let _ = access_token;
        Ok(self.calls)
    }

    #[requires_iam_access_token(audience = ["https://api.partner.example"])]
    pub async fn by_mut(&mut self, access_token: SecretString) -> Result<(), Error> {
        let _ = access_token;
        self.calls += 1;
        Ok(())
    }

    #[requires_iam_access_token(audience = ["https://api.partner.example"])]
    pub async fn by_value(self, access_token: SecretString) -> Result<u32, Error> {
        let _ = access_token;
        Ok(self.calls)
    }

    #[requires_iam_access_token(audience = ["https://api.partner.example"])]
    pub async fn by_arc(self: Arc<Self>, access_token: SecretString) -> Result<u32, Error> {
        let _ = access_token;
        Ok(self.calls)
    }

    #[requires_iam_access_token(audience = ["https://api.partner.example"])]
    pub fn blocking(&self, access_token: SecretString) -> Result<u32, Error> {
        let _ = access_token;
        Ok(self.calls)
    }
}

trait Orders {
    async fn list(&self, customer: &str) -> Result<Vec<String>, Error>;

    #[requires_iam_access_token(audience = ["https://api.partner.example"])]
    async fn count(&self, access_token: SecretString) -> Result<usize, Error> {
        let _ = access_token;
        Ok(0)
    }
}

impl Orders for Partner {
    #[requires_iam_access_token(audience = ["https://api.partner.example"])]
    async fn list(&self, customer: &str, access_token: SecretString) -> Result<Vec<String>, Error> {
        let _ = access_token;
        Ok(vec![customer.to_owned()])
    }
}

#[async_trait]
pub trait BoxedOrders {
    async fn first(&self) -> Result<String, Error>;
}

#[async_trait]
impl BoxedOrders for Partner {
    #[requires_iam_access_token(audience = ["https://api.partner.example"])]
    async fn first(&self, access_token: SecretString) -> Result<String, Error> {
        let _ = access_token;
        Ok(String::new())
    }
}

fn assert_send<T: Send>(_: &T) {}

#[allow(dead_code)]
async fn caller(mut partner: Partner) -> Result<u32, Error> {
    assert_send(&partner.first());
    partner.by_mut().await?;
    partner.by_ref().await?;
    partner.blocking()?;
    partner.list("c-42").await?;
    partner.count().await?;
    partner.first().await?;
    Arc::new(Partner { calls: 0 }).by_arc().await?;
    partner.by_value().await
}

fn main() {}
